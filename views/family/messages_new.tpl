% rebase('layout.tpl', title=title)
<p class="aside"><a href="/messages">← Boîte de réception</a></p>
<h1>Contacter la collectivité</h1>
<p class="lead">Une question sur une facture, une inscription ou autre chose ? Écrivez au service Enfance :
la réponse arrivera dans votre <a href="/messages">boîte de réception</a>, sous votre message.</p>
% include('_form_errors.tpl')
<form method="post" action="/messages/nouveau" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <p class="hint">Les champs marqués d'un astérisque (*) sont obligatoires.</p>
  % for field in fields:
  %   include('_field.tpl', field=field, value=values.get(field.name), error=errors.get(field.name), fid='f-' + field.name)
  % end
  <p class="actions"><button type="submit" class="button">Envoyer le message</button>
    <a class="button button-secondary" href="/messages">Annuler</a></p>
</form>
