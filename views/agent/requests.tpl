% rebase('layout.tpl', title=title)
<h1>Gestion des demandes</h1>
<p class="lead"><span id="total-pending">{{total}}</span> demande(s) en attente pour {{len(families)}} famille(s).</p>
% if families:
<div class="table-wrap">
<table>
  <caption>Familles ayant des demandes en attente (la plus ancienne demande en premier)</caption>
  <thead><tr><th scope="col">Famille</th><th scope="col">Responsable</th><th scope="col">Enfants</th><th scope="col">Plus ancienne</th><th scope="col" class="num">Total</th></tr></thead>
  <tbody>
  % for s in families:
    <tr>
      <td><a href="/agent/demandes/{{s.family_id}}">{{s.family_id}}</a></td>
      <td>{{s.name}}</td>
      <td>{{', '.join(s.children)}}</td>
      <td>{{fmt.date_fr(min(p['created_at'] for p in s.pending))}}</td>
      <td class="num"><a href="/agent/demandes/{{s.family_id}}" aria-label="{{len(s.pending)}} demande(s) de la famille {{s.family_id}}">{{len(s.pending)}}</a></td>
    </tr>
  % end
  </tbody>
</table>
</div>
<h2>Par rubrique</h2>
<ul>
% for section_title, count in by_section.items():
  <li>{{section_title}} : {{count}}</li>
% end
</ul>
% else:
<p>Aucune demande en attente. Tout est à jour.</p>
% end
<p><a href="/agent/journal">Journal des décisions</a></p>
