% # The daily purge's last and next runs; expects last_run, last_by, last_summary, next_run, next_run_due.
<p id="retention-runs">
% if last_run.get('last_run_at'):
  Dernier passage : {{fmt.date_fr(last_run['last_run_at'])}} ({{last_by}}) — {{last_summary}}.
% else:
  Aucun passage pour le moment.
% end
  Prochain passage automatique : {{'dès à présent (le portail le fait de lui-même dans les minutes qui suivent)' if next_run_due else fmt.date_fr(next_run)}}.
</p>
% if last_run.get('last_failure_at'):
<p class="warning">Le passage du {{fmt.date_fr(last_run['last_failure_at'])}} a échoué ({{last_run.get('last_error', '')}}) : il est retenté une heure plus tard ; le détail est dans le journal du portail (portal.log).</p>
% end
