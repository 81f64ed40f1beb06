% rebase('layout.tpl', title=title)
% if get('reset'):
<h1>Nouveau mot de passe provisoire — famille {{family_id}}</h1>
<div class="flash flash-success" role="status">
  <p>L'ancien mot de passe ne fonctionne plus et les sessions de la famille sont fermées.
% else:
<h1>Famille {{family_id}} créée</h1>
<div class="flash flash-success" role="status">
  <p>Le compte de la famille est ouvert.
% end
  Notez ou imprimez ces codes maintenant : <strong>le mot de passe ne sera plus affiché</strong>.</p>
</div>
<dl class="data-list">
  <div><dt>Identifiant</dt><dd><strong>{{family_id}}</strong></dd></div>
  <div><dt>Mot de passe provisoire</dt><dd><strong><code>{{password}}</code></strong></dd></div>
</dl>
<form method="post" action="/agent/familles/{{family_id}}/courrier-acces.pdf" hx-boost="false">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <input type="hidden" name="mot_de_passe" value="{{password}}">
  <button type="submit" class="button">Imprimer le courrier pour la famille (PDF)</button>
</form>
<p><a href="/agent/familles/{{family_id}}">Voir la famille</a> · <a href="/agent/demandes">Retour à la gestion des demandes</a></p>
