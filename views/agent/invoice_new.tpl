% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/familles/{{family_id}}/compte">← Compte de la famille {{family_id}}</a></p>
<h1>Nouvelle facture — famille {{family_id}}</h1>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="/agent/familles/{{family_id}}/factures/nouvelle" class="form form-wide" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <div class="grid">
  % for name, label, kind in (('period', 'Période (AAAA-MM)', 'text'), ('issued_on', "Date d'émission", 'date'), ('due_on', "Date d'échéance", 'date')):
    <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
      % if errors.get(name):
      <span class="error-text">{{errors[name]}}</span>
      % end
      <input type="{{kind}}" id="f-{{name}}" name="{{name}}" value="{{form.get(name, '')}}" required></div>
  % end
  </div>
  <p class="hint">Le numéro de facture est attribué automatiquement. Le solde antérieur est calculé à l'enregistrement. Un prix négatif saisit une remise.</p>
  <datalist id="children-list">
  % for child in record.get('children', []):
    <option value="{{child['first_name']}}">
  % end
  </datalist>
  <div class="table-wrap"><table>
    <caption>Lignes (laissez vides les lignes inutiles)</caption>
    <thead><tr><th scope="col">Enfant</th><th scope="col">Prestation</th><th scope="col">Détail</th><th scope="col">Quantité</th><th scope="col">Prix unitaire (€)</th></tr></thead>
    <tbody>
    % for i in range(rows):
      <tr>
      % for key, label in (('child', 'Enfant'), ('service', 'Prestation'), ('detail', 'Détail'), ('quantity', 'Quantité'), ('price', 'Prix unitaire (€)')):
      %   name = 'line_' + key + '_' + str(i)
        <td class="{{'field-error' if errors.get(name) else ''}}" data-label="{{label}}"><label class="visually-hidden" for="{{name}}">{{label}}, ligne {{i + 1}}</label>
          <input id="{{name}}" name="{{name}}" value="{{form.get(name, '')}}"{{!' list="children-list"' if key == 'child' else ''}}{{!' inputmode="decimal"' if key in ('quantity', 'price') else ''}}></td>
      % end
      </tr>
    % end
    </tbody>
  </table></div>
  <button type="submit" class="button">Créer la facture</button>
</form>
