% rebase('layout.tpl', title='Tableau de bord')
<h1>Tableau de bord</h1>
<dl class="stats">
  <div><dt>Demandes en attente</dt><dd><a href="/agent/demandes">{{pending_count}}</a></dd></div>
  <div><dt>Familles concernées</dt><dd>{{waiting_families}}</dd></div>
  <div><dt>Pré-inscriptions</dt><dd><a href="/agent/pre-inscriptions">{{preregistrations}}</a></dd></div>
  <div><dt>Familles inscrites</dt><dd>{{families_count}}</dd></div>
</dl>
<section aria-labelledby="h-rubriques">
  <h2 id="h-rubriques">Demandes en attente par rubrique</h2>
  % if by_section:
  <div class="table-wrap"><table>
    <thead><tr><th scope="col">Rubrique</th><th scope="col" class="num">En attente</th></tr></thead>
    <tbody>
    % for title, count in by_section.items():
      <tr><th scope="row" data-label="Rubrique">{{title}}</th><td class="num" data-label="En attente">{{count}}</td></tr>
    % end
    </tbody>
  </table></div>
  <p><a class="button" href="/agent/demandes">Traiter les demandes</a></p>
  % else:
  <p>Aucune demande en attente.</p>
  % end
</section>
<section aria-labelledby="h-recent">
  <h2 id="h-recent">Dernières décisions</h2>
  % if recent:
  <ul>
  % for e in recent:
    <li>{{fmt.date_fr(e['at'])}} — famille <a href="/agent/demandes/{{e['family_id']}}">{{e['family_id']}}</a> : {{e['action_label']}} ({{e['subject']}})</li>
  % end
  </ul>
  <p><a href="/agent/journal">Tout le journal</a></p>
  % else:
  <p>Aucune décision pour le moment.</p>
  % end
</section>
