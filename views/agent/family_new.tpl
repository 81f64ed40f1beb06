% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/familles">← Familles</a></p>
<h1>Nouvelle famille</h1>
<p class="lead">Crée la famille, ses enfants et son compte. Le responsable reçoit à son adresse e-mail son identifiant et un
  lien pour choisir son mot de passe ; si la famille préfère le papier, la page suivante donne un mot de passe
  provisoire, affiché une seule fois.</p>
% include('_form_errors.tpl')
<form method="post" action="/agent/familles/nouvelle" class="form form-wide" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % for legend, fields in groups:
  <fieldset>
    <legend>{{legend}}</legend>
    <div class="grid">
    % include('_fields.tpl', fields=fields)
    </div>
  </fieldset>
  % end
  <p class="actions"><button type="submit" class="button">Créer la famille</button></p>
</form>
