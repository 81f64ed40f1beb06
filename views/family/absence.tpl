% rebase('layout.tpl', title=title)
<p class="aside"><a href="/inscriptions">← Inscriptions et absences</a></p>
<h1>Déclarer une absence</h1>
<p class="lead">Une seule déclaration pour tous les enfants et tous les services concernés aux mêmes dates. Une absence signalée avant le délai de prévenance du service n'est pas facturée. Au-delà, elle l'est, sauf décision de la mairie (par exemple une maladie avec certificat médical).</p>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="/absences/nouvelle" class="form" enctype="multipart/form-data" data-hx-boost="false" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <fieldset class="field{{' field-error' if errors.get('child_service') else ''}}" id="f-child_service">
    <legend>Enfants et services concernés</legend>
    <span class="hint">Cochez chaque service où l'enfant sera absent : la mairie reçoit une demande par enfant et par service.</span>
    % if errors.get('child_service'):
    <span class="error-text">{{errors['child_service']}}</span>
    % end
    % for child, services in choices:
    <fieldset class="child-services" id="f-child-{{child['id']}}">
      <legend>{{fmt.full_name(child)}}</legend>
      % for s in services:
      %   value = str(child['id']) + ':' + s['id']
      <label class="check"><input type="checkbox" name="child_service" value="{{value}}"{{!' checked' if value in values.get('child_service', []) else ''}}> {{s['name']}} <span class="muted">(prévenir {{fmt.plural(s['notice_working_days'], 'jour ouvré', 'jours ouvrés')}} avant, {{s['notice_time']}})</span></label>
      % end
      % if not services:
      <p class="muted">Aucune inscription pour le moment. <a href="/inscriptions/nouvelle">Inscrire un enfant</a></p>
      % end
    </fieldset>
    % end
  </fieldset>
  <div class="grid">
  % for name, label in (('start', 'Du'), ('end', 'Au (inclus)')):
    <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
      % if errors.get(name):
      <span class="error-text">{{errors[name]}}</span>
      % end
      <input type="date" id="f-{{name}}" name="{{name}}" value="{{values.get(name, '')}}" required></div>
  % end
  </div>
  <div class="field{{' field-error' if errors.get('reason') else ''}}"><label for="f-reason">Motif</label>
    % if errors.get('reason'):
    <span class="error-text">{{errors['reason']}}</span>
    % end
    <select id="f-reason" name="reason" required><option value="">— Choisir —</option>
    % for value, text in reasons.items():
      <option value="{{value}}"{{!' selected' if values.get('reason') == value else ''}}>{{text}}</option>
    % end
    </select></div>
  <div class="field"><label for="f-comment">Précision (facultatif)</label>
    <input id="f-comment" name="comment" value="{{values.get('comment', '')}}" maxlength="300"></div>
  <div class="field{{' field-error' if errors.get('certificate') else ''}}"><label for="f-certificate">Certificat médical (facultatif : PDF, JPEG ou PNG, 5 Mo au plus)</label>
    <span class="hint" id="f-certificate-hint">Un seul fichier : il est joint à chacune des demandes de cette déclaration.</span>
    % if errors.get('certificate'):
    <span class="error-text">{{errors['certificate']}}</span>
    % end
    <input type="file" id="f-certificate" name="certificate" accept="application/pdf,image/jpeg,image/png" aria-describedby="f-certificate-hint"></div>
  <p class="actions"><button type="submit" class="button">Déclarer l'absence</button></p>
</form>
