% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/parametres">← Paramètres</a></p>
<h1>{{values.get('name') or 'Nouveau service'}}</h1>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="{{'/agent/services/' + service_id if service_id else '/agent/services/nouveau'}}" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % if not service_id:
  <div class="field{{' field-error' if errors.get('id') else ''}}"><label for="f-id">Identifiant (lettres minuscules, chiffres, tirets)</label>
    % if errors.get('id'):
    <span class="error-text">{{errors['id']}}</span>
    % end
    <input id="f-id" name="id" value="{{values.get('id', '')}}" maxlength="40"></div>
  % end
  <div class="field{{' field-error' if errors.get('name') else ''}}"><label for="f-name">Nom</label>
    % if errors.get('name'):
    <span class="error-text">{{errors['name']}}</span>
    % end
    <input id="f-name" name="name" value="{{values.get('name', '')}}" maxlength="80"></div>
  <fieldset class="field{{' field-error' if errors.get('weekdays') else ''}}" id="f-weekdays"><legend>Jours d'ouverture</legend>
    % if errors.get('weekdays'):
    <span class="error-text">{{errors['weekdays']}}</span>
    % end
    % for index, day in enumerate(weekdays):
    <label class="check"><input type="checkbox" name="weekdays" value="{{index}}"{{!' checked' if str(index) in values.get('weekdays', []) else ''}}> {{day}}</label>
    % end
  </fieldset>
  % for name, label, hint in (('periods', "Périodes d'ouverture", 'Une par ligne : JJ/MM/AAAA - JJ/MM/AAAA (année scolaire, semaine de vacances…)'), ('closed_dates', 'Jours de fermeture', 'Une date par ligne : JJ/MM/AAAA (jours fériés, ponts…)'), ('brackets', 'Tarifs par tranche de quotient familial', 'Une tranche par ligne « QF maximum ; prix par jour », la dernière sans QF maximum. Exemple : 600 ; 1,80 puis ; 3,85')):
  <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
    <span class="hint" id="{{name}}-hint">{{hint}}</span>
    % if errors.get(name):
    <span class="error-text">{{errors[name]}}</span>
    % end
    <textarea id="f-{{name}}" name="{{name}}" aria-describedby="{{name}}-hint">{{values.get(name, '')}}</textarea></div>
  %   if name == 'closed_dates':
  <div class="field">
    <label class="check"><input type="checkbox" name="add_holidays" value="1" aria-describedby="add_holidays-hint"{{!' checked' if values.get('add_holidays') else ''}}> Ajouter les jours fériés aux jours de fermeture</label>
    <span class="hint" id="add_holidays-hint">Les jours fériés (France métropolitaine) du premier au dernier jour des périodes d'ouverture.
    % if not service_id:
    Ils apparaîtront dans « Jours de fermeture » après l'enregistrement : pour ouvrir un jour férié, effacez sa ligne et enregistrez sans cocher cette case.
    % elif holidays_not_closed:
    Jours fériés où le service n'est pas fermé : {{', '.join(fmt.date_fr(day) + ' (' + name + ')' for day, name in holidays_not_closed)}}.
    % else:
    Le service est déjà fermé tous les jours fériés de ses périodes.
    % end
    </span>
  </div>
  %   end
  % end
  <div class="grid">
    <div class="field{{' field-error' if errors.get('notice_working_days') else ''}}"><label for="f-notice_working_days">Délai de prévenance (jours ouvrés)</label>
      % if errors.get('notice_working_days'):
      <span class="error-text">{{errors['notice_working_days']}}</span>
      % end
      <input id="f-notice_working_days" name="notice_working_days" value="{{values.get('notice_working_days', '')}}" inputmode="numeric"></div>
    <div class="field{{' field-error' if errors.get('notice_time') else ''}}"><label for="f-notice_time">Heure limite ce jour-là</label>
      % if errors.get('notice_time'):
      <span class="error-text">{{errors['notice_time']}}</span>
      % end
      <input id="f-notice_time" name="notice_time" value="{{values.get('notice_time', '')}}" placeholder="10:00"></div>
  </div>
  <label class="check"><input type="checkbox" name="active" value="1"{{!' checked' if values.get('active') else ''}}> Proposé aux familles</label>
  <p class="actions"><button type="submit" class="button">Enregistrer le service</button></p>
</form>
