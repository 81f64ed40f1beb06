% rebase('layout.tpl', title=title)
<p class="aside"><a href="/inscriptions">← Inscriptions et absences</a></p>
<h1>Déclarer une absence</h1>
<p class="lead">Une absence signalée avant le délai de prévenance du service n'est pas facturée. Au-delà, elle l'est, sauf décision de la mairie (par exemple une maladie avec certificat médical).</p>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="/absences/nouvelle" class="form" enctype="multipart/form-data" hx-boost="false" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % for name, label, options in (('child', 'Enfant', [(str(c['id']), c['first_name'] + ' ' + c['last_name']) for c in record.get('children', [])]), ('service', 'Service', [(s['id'], s['name'] + ' (prévenir ' + str(s['notice_working_days']) + ' jour(s) ouvré(s) avant, ' + s['notice_time'] + ')') for s in services.values()]), ('reason', 'Motif', list(reasons.items()))):
  <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
    % if errors.get(name):
    <span class="error-text">{{errors[name]}}</span>
    % end
    <select id="f-{{name}}" name="{{name}}" required><option value="">— Choisir —</option>
    % for value, text in options:
      <option value="{{value}}"{{!' selected' if values.get(name) == value else ''}}>{{text}}</option>
    % end
    </select></div>
  % end
  <div class="grid">
  % for name, label in (('start', 'Du'), ('end', 'Au (inclus)')):
    <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
      % if errors.get(name):
      <span class="error-text">{{errors[name]}}</span>
      % end
      <input type="date" id="f-{{name}}" name="{{name}}" value="{{values.get(name, '')}}" required></div>
  % end
  </div>
  <div class="field"><label for="f-comment">Précision (facultatif)</label>
    <input id="f-comment" name="comment" value="{{values.get('comment', '')}}" maxlength="300"></div>
  <div class="field{{' field-error' if errors.get('certificate') else ''}}"><label for="f-certificate">Certificat médical (facultatif : PDF, JPEG ou PNG, 5 Mo au plus)</label>
    % if errors.get('certificate'):
    <span class="error-text">{{errors['certificate']}}</span>
    % end
    <input type="file" id="f-certificate" name="certificate" accept="application/pdf,image/jpeg,image/png"></div>
  <p class="actions"><button type="submit" class="button">Déclarer l'absence</button></p>
</form>
