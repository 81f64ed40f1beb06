% rebase('layout.tpl', title=title)
<h1>Pré-inscription d'une nouvelle famille</h1>
<p class="lead">Vous arrivez dans la commune ? Remplissez cette fiche : la mairie l'étudie puis vous envoie vos codes d'accès au portail famille.
Vous préférez le papier ? <a href="/pre-inscription/formulaire.pdf" data-hx-boost="false">Imprimez la fiche vierge (PDF)</a>.</p>
% include('_form_errors.tpl')
% # not boosted: htmx 1.9 does not show a 429 (too many pre-registrations) answer, a plain POST does
<form method="post" action="/pre-inscription" class="form form-wide"{{!' enctype="multipart/form-data"' if piece_fields else ''}} novalidate data-hx-boost="false">
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
  <div class="legal-notice" id="notice-donnees">
    <p>Les informations de cette fiche sont traitées par {{settings["commune"]["name"]}} ({{settings["commune"]["service"]}})
    pour étudier votre pré-inscription, créer le dossier de votre famille et vous répondre, dans le cadre de sa mission
    de service public. Seuls les agents de la mairie qui s'en occupent les voient. Vous pouvez y accéder, les faire
    corriger ou effacer en écrivant à {{settings["commune"]["email"]}}.
    % # a new window: leaving this page would lose what the family typed (its answers are not cached)
    <a href="/donnees-personnelles" target="_blank" rel="noopener">Vos données personnelles et vos droits (nouvelle fenêtre)</a></p>
  </div>
  <p class="actions"><button type="submit" class="button">Envoyer la pré-inscription</button></p>
</form>
