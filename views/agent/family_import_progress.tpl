% rebase('layout.tpl', title=title)
<h1>Import des familles</h1>
% include('agent/_family_import_progress.tpl')
<p><a href="/agent/familles/import/{{token}}">Revoir l'aperçu</a> · <a href="/agent/familles">Familles</a></p>
