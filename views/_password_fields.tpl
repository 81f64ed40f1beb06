% # Current / new / confirmation password inputs with their errors; expects errors, rule.
% for name, label, complete in (('actuel', 'Mot de passe actuel', 'current-password'), ('nouveau', 'Nouveau mot de passe', 'new-password'), ('confirmation', 'Nouveau mot de passe (confirmation)', 'new-password')):
%   key = {'actuel': 'current', 'nouveau': 'new', 'confirmation': 'confirmation'}[name]
<div class="field{{' field-error' if errors.get(key) else ''}}">
  <label for="f-{{name}}">{{label}}</label>
  % if name == 'nouveau':
  <span class="hint" id="rule-hint">{{rule}}</span>
  % end
  % if errors.get(key):
  <span class="error-text" id="{{name}}-error">{{errors[key]}}</span>
  % end
  <input type="password" id="f-{{name}}" name="{{name}}" autocomplete="{{complete}}" required{{!' aria-describedby="rule-hint"' if name == 'nouveau' else ''}}{{!' aria-invalid="true"' if errors.get(key) else ''}}>
</div>
% end
