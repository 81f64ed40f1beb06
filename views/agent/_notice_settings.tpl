  <fieldset id="avis"><legend>Courriels aux familles et à l'agent</legend>
    <div class="field{{' field-error' if errors.get('reminder_days') else ''}}"><label for="f-reminder_days">Rappel avant l'échéance d'une facture non payée (nombre de jours)</label>
      <span class="hint" id="f-reminder_days-hint">Un seul rappel par facture, envoyé chaque matin aux familles concernées. 0 : pas de rappel.</span>
      % if errors.get('reminder_days'):
      <span class="error-text" id="f-reminder_days-error">{{errors['reminder_days']}}</span>
      % end
      <input id="f-reminder_days" name="reminder_days" value="{{notices.get('reminder_days', '')}}" inputmode="numeric" maxlength="3" aria-describedby="f-reminder_days-hint{{' f-reminder_days-error' if errors.get('reminder_days') else ''}}"{{!' aria-invalid="true"' if errors.get('reminder_days') else ''}}></div>
    <label class="check"><input type="checkbox" name="agent_summary" value="1"{{!' checked' if notices.get('agent_summary') else ''}}> Recevoir chaque matin un résumé des nouvelles demandes et des nouveaux messages, à l'adresse e-mail de la commune ({{commune.get('email') or 'à indiquer plus haut'}})</label>
  </fieldset>
