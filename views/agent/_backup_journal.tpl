% # The latest backups (who, when, what); expects journal (routes/agent_backups.journal_rows()).
% if journal:
<div class="table-wrap"><table id="backup-journal">
  <thead><tr><th scope="col">Date</th><th scope="col">Par</th><th scope="col">Sauvegarde</th><th scope="col">Taille</th><th scope="col">Écritures suspendues</th></tr></thead>
  <tbody>
  % for entry in journal:
  <tr><td data-label="Date">{{fmt.date_fr(entry['at'])}}</td><td data-label="Par">{{entry['by_label']}}</td><td data-label="Sauvegarde">{{entry['kind_label']}}{{' — ' + entry['file'] if entry.get('file') else ''}}</td><td data-label="Taille">{{entry['size']}}</td><td data-label="Écritures suspendues">{{entry['pause']}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucune sauvegarde pour le moment.</p>
% end
