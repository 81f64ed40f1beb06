% rebase('layout.tpl', title=title)
<h1>Gestion des demandes</h1>
<p class="lead"><span id="total-pending">{{total}}</span> {{fmt.plural(total, 'demande', with_count=False)}} en attente pour {{fmt.plural(families_total, 'famille')}}.</p>
% if families:
<div class="table-wrap">
<table>
  <caption>Familles ayant des demandes en attente (la plus ancienne demande en premier)</caption>
  <thead><tr><th scope="col">Famille</th><th scope="col">Responsable</th><th scope="col">Enfants</th><th scope="col">Plus ancienne</th><th scope="col" class="num">Total</th></tr></thead>
  <tbody>
  % for s in families:
    <tr>
      <td data-label="Famille"><a href="/agent/demandes/{{s.family_id}}">{{s.family_id}}</a></td>
      <td data-label="Responsable">{{s.name}}</td>
      <td data-label="Enfants">{{', '.join(s.children)}}</td>
      <td data-label="Plus ancienne">{{fmt.date_fr(min(p['created_at'] for p in s.pending))}}</td>
      <td class="num" data-label="Total"><a href="/agent/demandes/{{s.family_id}}" aria-label="{{fmt.plural(len(s.pending), 'demande')}} de la famille {{s.family_id}}">{{len(s.pending)}}</a></td>
    </tr>
  % end
  </tbody>
</table>
</div>
% if pages > 1:
<nav aria-label="Pages de la liste" class="pagination"><p>Page {{page}} sur {{pages}} :
  % if page > 1:
  <a href="/agent/demandes?page={{page - 1}}" rel="prev">← Familles précédentes</a>
  % end
  % if page < pages:
  <a href="/agent/demandes?page={{page + 1}}" rel="next">Familles suivantes →</a>
  % end
</p></nav>
% end
<h2>Par rubrique</h2>
<p>Chaque rubrique ouvre le tableau de toutes ses demandes en attente, à valider ou annuler par lots.</p>
<ul>
% for key, section_title, count in by_section:
  <li><a href="/agent/demandes/rubrique?rubrique={{key}}">{{section_title}} : {{fmt.plural(count, 'demande')}}</a></li>
% end
</ul>
% else:
<p>Aucune demande en attente. Tout est à jour.</p>
% end
<h2>Pré-inscriptions de nouvelles familles</h2>
<p>{{fmt.plural(preregistrations_total, 'pré-inscription')}} en attente. <a href="/agent/pre-inscriptions">Examiner les pré-inscriptions</a></p>
<p><a href="/agent/journal">Journal des décisions</a></p>
