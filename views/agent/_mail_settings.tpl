  <fieldset id="courriels"><legend>Courriels (serveur SMTP)</legend>
    <p class="hint">État : {{mail_state}} Tant que le serveur SMTP n'est pas réglé, les courriels attendent dans la page <a href="/agent/courriels">Courriels</a> ; ils partent dès qu'il l'est.
    Le certificat du serveur est toujours vérifié.</p>
  % for key, label in mail_fields:
  %   name = mail_names[key]
  %   if key in mail_locked:
    <p class="field"><span class="label">{{label.replace('Nouveau mot', 'Mot')}}</span>
    % if key == 'password':
      défini par la variable d'environnement {{mail_locked[key]}}</p>
    % else:
      {{security_modes.get(mail.get(key), mail.get(key)) if key == 'security' else mail.get(key, '')}} <span class="hint">(fixé par la variable d'environnement {{mail_locked[key]}})</span></p>
    % end
  %   else:
    <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
    % if key == 'password':
      <span class="hint" id="f-{{name}}-hint">Laissez vide pour conserver le mot de passe actuel{{' (un mot de passe est enregistré)' if mail_password_set else ''}}.</span>
    % end
    % if errors.get(name):
      <span class="error-text">{{errors[name]}}</span>
    % end
    % if key == 'security':
      <select id="f-{{name}}" name="{{name}}">
      % for value, text in security_modes.items():
        <option value="{{value}}"{{!' selected' if mail.get('security') == value else ''}}>{{text}}</option>
      % end
      </select></div>
    % elif key == 'password':
      <input id="f-{{name}}" name="{{name}}" type="password" value="" autocomplete="new-password" maxlength="300" aria-describedby="f-{{name}}-hint"></div>
    % else:
      <input id="f-{{name}}" name="{{name}}" value="{{mail.get(key, '')}}" maxlength="300"{{!' type="email"' if key == 'mail_from' else ''}}></div>
    % end
  %   end
  % end
  </fieldset>
