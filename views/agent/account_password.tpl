% rebase('layout.tpl', title=title)
<h1>Mon compte agent</h1>
<h2>Changer mon mot de passe</h2>
% if errors:
<div class="flash flash-error" role="alert">Le mot de passe n'a pas été changé : corrigez les champs signalés.</div>
% end
<form method="post" action="/agent/mon-compte" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % include('_password_fields.tpl')
  <button type="submit" class="button">Changer le mot de passe</button>
</form>
