% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/parametres">← Paramètres</a></p>
<h1>Sauvegardes</h1>
<p class="lead">Chaque nuit à {{config.hour}} h (et au démarrage du portail si celle du jour n'a pas été faite), le portail
enregistre une copie complète de ses données dans une archive compressée ; il garde les {{config.keep}} dernières et
supprime les plus anciennes. Les familles peuvent continuer d'utiliser le portail pendant la sauvegarde : leurs
enregistrements n'attendent que quelques millisecondes.</p>

<section aria-labelledby="h-telecharger">
<h2 id="h-telecharger">Télécharger une sauvegarde</h2>
<p>Une archive des données telles qu'elles sont maintenant, à garder en lieu sûr (hors de ce serveur). Elle contient
toutes les données personnelles des familles : conservez-la comme telles.</p>
<form method="post" action="/agent/parametres/sauvegardes/telecharger" class="form">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit">Télécharger une sauvegarde</button>
</form>
</section>

<section aria-labelledby="h-nuit">
<h2 id="h-nuit">Sauvegardes de la nuit</h2>
<p id="backup-runs">Dossier : <code>{{str(config.folder)}}</code>.
% if last_run.get('last_run_at'):
  Dernière sauvegarde : {{fmt.date_fr(last_run['last_run_at'])}}.
% else:
  Aucune sauvegarde de nuit pour le moment.
% end
  Prochaine : {{'dès à présent (le portail la fait de lui-même dans les minutes qui suivent)' if next_run_due else fmt.date_fr(next_run)}}.</p>
% if last_run.get('last_failure_at'):
<p class="warning">La sauvegarde du {{fmt.date_fr(last_run['last_failure_at'])}} a échoué ({{last_run.get('last_error', '')}}) : elle est retentée une heure plus tard ; le détail est dans le journal du portail (portal.log).</p>
% end
% if archives:
<div class="table-wrap"><table id="archives">
  <thead><tr><th scope="col">Archive</th><th scope="col">Écrite le</th><th scope="col">Taille</th></tr></thead>
  <tbody>
  % for archive in archives:
  <tr><td data-label="Archive">{{archive['name']}}</td><td data-label="Écrite le">{{fmt.date_fr(archive['at'])}}</td><td data-label="Taille">{{archive['size']}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Le dossier ne contient encore aucune archive.</p>
% end
<p class="hint">Le dossier et le nombre d'archives gardées se règlent au démarrage du portail (--backup-dir, --backup-keep) ;
une archive se restaure avec <code>python portal.py restore ARCHIVE --data NOUVEAU_DOSSIER</code>.</p>
</section>

<section aria-labelledby="h-journal-sauvegardes">
<h2 id="h-journal-sauvegardes">Journal des sauvegardes</h2>
% include('agent/_backup_journal.tpl')
</section>
