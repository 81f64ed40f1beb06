% rebase('layout.tpl', title=title)
<h1>Paramètres</h1>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="/agent/parametres" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <fieldset><legend>La commune (en-tête des pages et des documents)</legend>
  % for name, label in fields:
    <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
      % if errors.get(name):
      <span class="error-text">{{errors[name]}}</span>
      % end
      <input id="f-{{name}}" name="{{name}}" value="{{commune.get(name, '')}}" maxlength="120"></div>
  % end
  </fieldset>
  <fieldset><legend>Modules optionnels</legend>
    <p class="hint">Un module désactivé disparaît du portail ; ses données sont conservées.</p>
  % for key, label in modules:
    <label class="check"><input type="checkbox" name="{{key}}" value="1"{{!' checked' if enabled.get(key) else ''}}> {{label}}</label>
  % end
  </fieldset>
  <fieldset><legend>Paiement en ligne (Paybox System / Up2pay e-Transactions)</legend>
    <p class="hint">Valeurs fournies par la banque. Laissez la clé HMAC vide pour conserver la clé actuelle{{' (une clé est enregistrée)' if paybox.get('hmac_key_hex') else ''}}.</p>
  % for name, label, pattern in paybox_fields:
    <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
      % if errors.get(name):
      <span class="error-text">{{errors[name]}}</span>
      % end
      <input id="f-{{name}}" name="{{name}}" value="{{paybox.get(name, '')}}" maxlength="300"></div>
  % end
    <div class="field{{' field-error' if errors.get('hmac_key_hex') else ''}}"><label for="f-hmac_key_hex">Nouvelle clé HMAC</label>
      % if errors.get('hmac_key_hex'):
      <span class="error-text">{{errors['hmac_key_hex']}}</span>
      % end
      <input id="f-hmac_key_hex" name="hmac_key_hex" value="" autocomplete="off" maxlength="300"></div>
    <label class="check"><input type="checkbox" name="simulator" value="1"{{!' checked' if paybox.get('simulator') else ''}}> Simulateur de banque intégré (démonstration uniquement : aucun paiement réel)</label>
  </fieldset>
  % include('agent/_mail_settings.tpl')
  <button type="submit" class="button">Enregistrer</button>
</form>
% include('agent/_mail_test.tpl')
<h2>Services proposés aux familles</h2>
% if services:
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Service</th><th scope="col">Jours</th><th scope="col">Tarifs</th><th scope="col">Délai de prévenance</th><th scope="col">État</th></tr></thead>
  <tbody>
  % for s in services:
    <tr><td><a href="/agent/services/{{s['id']}}">{{s['name']}}</a></td><td>{{', '.join(weekdays[d] for d in s['weekdays'])}}</td>
        <td>{{' / '.join(fmt.euros(b['price_cents']) for b in s['brackets'])}}</td>
        <td>{{s['notice_working_days']}} jour(s) ouvré(s) avant, {{s['notice_time']}}</td><td>{{'proposé' if s.get('active', True) else 'retiré'}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucun service.</p>
% end
<p><a class="button button-secondary" href="/agent/services/nouveau">Ajouter un service</a></p>
