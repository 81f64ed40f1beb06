% rebase('layout.tpl', title=title)
<h1>Envoi des accès</h1>
% include('agent/_family_access_progress.tpl')
<p><a href="/agent/familles/acces">Accès des familles importées</a> · <a href="/agent/courriels">Courriels</a></p>
