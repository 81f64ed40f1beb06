% rebase('layout.tpl', title=title)
% if (password or mailed_to) and reset:
<h1>{{'Mot de passe réinitialisé' if mailed_to else 'Nouveau mot de passe provisoire'}} — famille {{family_id}}</h1>
<div class="flash flash-success" role="status">
  <p>L'ancien mot de passe ne fonctionne plus et les sessions de la famille sont fermées.
% elif password or mailed_to:
<h1>Famille {{family_id}} créée</h1>
<div class="flash flash-success" role="status">
  <p>Le compte de la famille est ouvert.
% end
% if mailed_to:
  Un courriel a été envoyé à {{mailed_to}} avec un lien pour choisir le mot de passe (valable 7 jours, il ne sert
  qu'une fois). Aucun mot de passe n'est affiché ni envoyé.</p>
</div>
<dl class="data-list">
  <div><dt>Identifiant</dt><dd><strong>{{family_id}}</strong></dd></div>
  <div><dt>Mot de passe</dt><dd>choisi par la famille avec le lien reçu à {{mailed_to}}</dd></div>
</dl>
<form method="post" action="/agent/familles/{{family_id}}/courrier-acces.pdf" data-hx-boost="false">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button">Imprimer le courrier pour la famille (PDF)</button>
</form>
<p>Le courrier donne l'identifiant et renvoie au lien reçu par courriel (ou à « Mot de passe oublié »).</p>
<form method="post" action="/agent/familles/{{family_id}}/mot-de-passe">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <input type="hidden" name="acces" value="papier">
  <p>La famille ne consulte pas cette adresse ?
    <button type="submit" class="button button-secondary">Donner plutôt un mot de passe provisoire (courrier papier)</button></p>
</form>
<p class="hint">Le lien envoyé ne fonctionnera plus ; le mot de passe provisoire sera affiché une fois ici.</p>
% elif password:
  Notez ou imprimez ces codes maintenant : <strong>le mot de passe ne sera plus affiché</strong>.
  À sa première connexion, la famille devra choisir son propre mot de passe.</p>
</div>
<dl class="data-list">
  <div><dt>Identifiant</dt><dd><strong>{{family_id}}</strong></dd></div>
  <div><dt>Mot de passe provisoire</dt><dd><strong><code>{{password}}</code></strong></dd></div>
</dl>
<form method="post" action="/agent/familles/{{family_id}}/courrier-acces.pdf" data-hx-boost="false">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <input type="hidden" name="mot_de_passe" value="{{password}}">
  <button type="submit" class="button">Imprimer le courrier pour la famille (PDF)</button>
</form>
% else:
<h1>Codes d'accès — famille {{family_id}}</h1>
<p>Le mot de passe provisoire n'est affiché qu'une fois, juste après sa création : il n'est conservé nulle part en
  clair. Si la famille n'a reçu ni le courriel ni le mot de passe, réinitialisez-le : un nouveau lien part à son
  adresse e-mail, ou, sans adresse, un nouveau mot de passe provisoire s'affiche ici.</p>
<form method="post" action="/agent/familles/{{family_id}}/mot-de-passe">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button button-secondary">Réinitialiser le mot de passe</button>
</form>
% end
<p><a href="/agent/familles/{{family_id}}">Voir la famille</a> · <a href="/agent/demandes">Retour à la gestion des demandes</a></p>
