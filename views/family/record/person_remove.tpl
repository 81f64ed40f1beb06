% rebase('layout.tpl', title=title)
<h1>Retirer {{label}} ?</h1>
% if refusal:
<div class="flash flash-error" role="alert">{{refusal}}</div>
% end
<p>Une fois la demande validée par la mairie, {{label}} ne sera plus sur la liste des personnes autorisées : ni pour venir chercher vos enfants, ni pour les appels en cas d'urgence.</p>
<form method="post" action="/mes-informations/personnes/{{person['id']}}/retirer">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button button-danger">Demander le retrait</button>
  <a href="/mes-informations/personnes">Annuler</a>
</form>
