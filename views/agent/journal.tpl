% rebase('layout.tpl', title=title)
<h1>Journal des décisions</h1>
<p class="lead">Les dernières décisions sur les demandes des familles (l'historique complet est sur la page de chaque famille). Pour reporter les modifications validées dans le logiciel Enfance : <a href="/agent/exports#modifications">exporter les modifications validées</a>.</p>
% if entries:
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Date</th><th scope="col">Famille</th><th scope="col">Par</th><th scope="col">Action</th><th scope="col">Rubrique</th><th scope="col">Champs modifiés</th></tr></thead>
  <tbody>
  % for e in entries:
  <tr><td data-label="Date">{{fmt.date_fr(e['at'])}}</td><td data-label="Famille"><a href="/agent/demandes/{{e['family_id']}}">{{e['family_id']}}</a></td><td data-label="Par">{{e['by']}}</td>
      <td data-label="Action">{{e['action_label']}}</td>
      <td data-label="Rubrique">{{e['subject']}}</td>
      <td data-label="Champs modifiés">{{e.get('changed', '')}}{{' — ' + e['reason'] if e.get('reason') else ''}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucune décision pour le moment.</p>
% end
<h2 id="h-purges">Suppressions au titre de la conservation des données</h2>
<p>Les dernières suppressions et anonymisations faites par le passage quotidien ou à la demande (des nombres, jamais le contenu) ; les durées se règlent dans <a href="/agent/parametres/conservation">Paramètres › Conservation des données</a>.</p>
% if purges:
<div class="table-wrap"><table id="purges">
  <thead><tr><th scope="col">Date</th><th scope="col">Par</th><th scope="col">Supprimé ou anonymisé</th></tr></thead>
  <tbody>
  % for entry in purges:
  <tr><td data-label="Date">{{fmt.date_fr(entry['at'])}}</td><td data-label="Par">{{entry['by_label']}}</td><td data-label="Supprimé ou anonymisé">{{entry['summary']}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucune suppression pour le moment.</p>
% end
<h2 id="h-sauvegardes">Sauvegardes</h2>
<p>Les dernières sauvegardes : celles de la nuit, celles téléchargées (par qui) ; tout le détail est dans <a href="/agent/parametres/sauvegardes">Paramètres › Sauvegardes</a>.</p>
% include('agent/_backup_journal.tpl', journal=backups)
