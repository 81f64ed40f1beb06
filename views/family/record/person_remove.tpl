% rebase('layout.tpl', title=title)
<h1>Retirer {{label}} ?</h1>
% if refusal:
<div class="flash flash-error" role="alert">{{refusal}}</div>
% end
<p>{{label}} ne pourra plus venir chercher vos enfants ni être appelé(e) en urgence, une fois la demande validée par la mairie.</p>
<form method="post" action="/mes-informations/personnes/{{person['id']}}/retirer">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button button-danger">Demander le retrait</button>
  <a href="/mes-informations/personnes">Annuler</a>
</form>
