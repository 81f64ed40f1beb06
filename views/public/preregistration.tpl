% rebase('layout.tpl', title=title)
<h1>Pré-inscription d'une nouvelle famille</h1>
<p class="lead">Vous arrivez dans la commune ? Remplissez cette fiche : la mairie l'étudie puis vous envoie vos codes d'accès au portail famille.
Vous préférez le papier ? <a href="/pre-inscription/formulaire.pdf" hx-boost="false">Imprimez la fiche vierge (PDF)</a>.</p>
% include('_form_errors.tpl')
% # not boosted: htmx 1.9 does not show a 429 (too many pre-registrations) answer, a plain POST does
<form method="post" action="/pre-inscription" class="form form-wide"{{!' enctype="multipart/form-data"' if piece_fields else ''}} novalidate hx-boost="false">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <input type="hidden" name="horodatage" value="{{stamp}}">
  <div class="visually-hidden" aria-hidden="true"><label for="site_web">Ne pas remplir</label><input id="site_web" name="site_web" tabindex="-1" autocomplete="off"></div>
  <p class="hint">Les champs marqués d'un astérisque (*) sont obligatoires.</p>
  % for legend, fields in groups:
  <fieldset>
    <legend>{{legend}}</legend>
    <div class="grid">
    % include('_fields.tpl', fields=fields)
    </div>
  </fieldset>
  % end
  % include('_field.tpl', field=message_field, value=values.get('message'), error=errors.get('message'), fid='f-message')
  % if piece_fields:
  % include('_pieces.tpl')
  % end
  <p class="actions"><button type="submit" class="button">Envoyer la pré-inscription</button></p>
</form>
