% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/messages">← Messages des familles</a></p>
<h1>Écrire aux familles</h1>
% include('_form_errors.tpl')
% if confirm:
<div class="warning" role="alert" id="confirmation" tabindex="-1">
  <p><strong>Cette annonce sera visible dans la boîte de réception des {{families_count}} familles.</strong>
  Relisez-la ci-dessous puis confirmez l'envoi, ou modifiez-la.</p>
</div>
% end
<form method="post" action="/agent/messages/nouveau" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % if confirm:
  <input type="hidden" name="confirm" value="1">
  % end
  <fieldset{{!' class="field-error"' if errors.get('recipient') else ''}} id="f-recipient"{{!' aria-describedby="f-recipient-error"' if errors.get('recipient') else ''}}>
    <legend>Destinataire <span aria-hidden="true">*</span></legend>
    % if errors.get('recipient'):
    <span class="error-text" id="f-recipient-error">{{errors['recipient']}}</span>
    % end
    <label class="check" for="f-recipient-family"><input type="radio" id="f-recipient-family" name="recipient" value="family"{{!' checked' if values.get('recipient') == 'family' else ''}}> Une famille (par son numéro)</label>
    <label class="check" for="f-recipient-all"><input type="radio" id="f-recipient-all" name="recipient" value="all"{{!' checked' if values.get('recipient') == 'all' else ''}}> Toutes les familles ({{families_count}}) : une annonce</label>
  </fieldset>
  % include('_field.tpl', field=family_field, value=values.get('family_id'), error=errors.get('family_id'), fid='f-family_id')
  <p class="hint">Les champs marqués d'un astérisque (*) sont obligatoires.</p>
  % for field in fields:
  %   include('_field.tpl', field=field, value=values.get(field.name), error=errors.get(field.name), fid='f-' + field.name)
  % end
  <p class="actions">
  % if confirm:
    <button type="submit" class="button">Confirmer l'envoi à toutes les familles ({{families_count}})</button>
  % else:
    <button type="submit" class="button">Envoyer</button>
  % end
    <a class="button button-secondary" href="/agent/messages">Annuler</a></p>
</form>
