% rebase('layout.tpl', title=title)
<p class="aside"><a href="/inscriptions">← Inscriptions et absences</a></p>
<h1>Inscrire un enfant</h1>
<h2>Tarifs qui s'appliquent à votre famille</h2>
<p>{{'Votre quotient familial : ' + str(qf) + ' €.' if qf not in (None, '') else "Quotient familial non renseigné : le tarif le plus élevé s'applique (renseignez-le dans « Mes informations », rubrique C.A.F.)."}}</p>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Service</th><th scope="col" class="num">Votre prix par jour</th><th scope="col">Toutes les tranches</th></tr></thead>
  <tbody>
  % for p in prices:
    <tr><th scope="row" data-label="Service">{{p['service']['name']}}</th><td class="num" data-label="Votre prix par jour"><strong>{{fmt.euros(p['price'])}}</strong></td>
        <td data-label="Toutes les tranches">{{' ; '.join(label + ' : ' + fmt.euros(cents) for label, cents in p['brackets'])}}</td></tr>
  % end
  </tbody>
</table></div>
<h2>Votre demande</h2>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="/inscriptions/nouvelle" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <fieldset class="field{{' field-error' if errors.get('children') else ''}}" id="f-children">
    <legend>Enfants à inscrire</legend>
    % if errors.get('children'):
    <span class="error-text">{{errors['children']}}</span>
    % end
    % for child in record.get('children', []):
    <label class="check"><input type="checkbox" name="children" value="{{child['id']}}"{{!' checked' if str(child['id']) in values.get('children', []) else ''}}> {{fmt.full_name(child)}}</label>
    % end
  </fieldset>
  <div class="field{{' field-error' if errors.get('service') else ''}}" id="f-service-field">
    <label for="f-service">Service</label>
    % if errors.get('service'):
    <span class="error-text">{{errors['service']}}</span>
    % end
    <select id="f-service" name="service" required><option value="">— Choisir —</option>
    % for s in services.values():
      <option value="{{s['id']}}"{{!' selected' if values.get('service') == s['id'] else ''}}>{{s['name']}}</option>
    % end
    </select>
  </div>
  <div class="grid">
  % for name, label in (('start', 'Du'), ('end', 'Au (inclus)')):
    <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
      % if errors.get(name):
      <span class="error-text">{{errors[name]}}</span>
      % end
      <input type="date" id="f-{{name}}" name="{{name}}" value="{{values.get(name, '')}}" required></div>
  % end
  </div>
  <fieldset class="field" id="f-weekdays">
    <legend>Jours (laissez tout décoché pour tous les jours d'ouverture du service)</legend>
    % if errors.get('weekdays'):
    <span class="error-text">{{errors['weekdays']}}</span>
    % end
    % for index, day in enumerate(weekdays[:5]):
    <label class="check"><input type="checkbox" name="weekdays" value="{{index}}"{{!' checked' if str(index) in values.get('weekdays', []) else ''}}> {{day}}</label>
    % end
  </fieldset>
  <p class="actions"><button type="submit" class="button">Envoyer la demande d'inscription</button></p>
</form>
