% # One labelled input; expects field, value, error (or None), fid (the element id).
% kind = field.kind
% described = ([fid + '-hint'] if field.hint else []) + ([fid + '-error'] if error else [])
% aria = (' aria-describedby="' + ' '.join(described) + '"' if described else '') + (' aria-invalid="true"' if error else '')
<div class="field{{' field-error' if error else ''}}" id="{{fid}}-field">
% if kind == 'bool':
  <label class="check" for="{{fid}}"><input type="checkbox" id="{{fid}}" name="{{field.name}}" value="1"{{!' checked' if value in (True, '1', 'on') else ''}}{{!aria}}> {{field.label}}</label>
% else:
  <label for="{{fid}}">{{field.label}}{{!' <span aria-hidden="true">*</span>' if field.required else ''}}</label>
% end
% if field.hint:
  <span class="hint" id="{{fid}}-hint">{{field.hint}}</span>
% end
% if error:
  <span class="error-text" id="{{fid}}-error">{{error}}</span>
% end
% text = '' if value is None or value is False or value is True else str(value)
% required = ' required' if field.required else ''
% if kind == 'textarea':
  <textarea id="{{fid}}" name="{{field.name}}" maxlength="{{field.max_length}}"{{!required}}{{!aria}}>{{text}}</textarea>
% elif kind == 'choice':
  <select id="{{fid}}" name="{{field.name}}"{{!required}}{{!aria}}>
    <option value="">— Choisir —</option>
  % for choice_value, choice_label in field.choices:
    <option value="{{choice_value}}"{{!' selected' if text == choice_value else ''}}>{{choice_label}}</option>
  % end
  </select>
% elif kind != 'bool':
%   import re
%   input_type = {'email': 'email', 'phone': 'tel'}.get(kind, 'text')
%   if kind in ('date', 'birth_date') and (not text or re.fullmatch(r'\d{4}-\d{2}-\d{2}', text)):
%     input_type = 'date'
%   end
%   mode = ' inputmode="numeric"' if kind in ('postcode', 'integer', 'caf_number') else (' inputmode="decimal"' if kind == 'parts' else '')
%   auto = {'email': 'email', 'postcode': 'postal-code', 'address1': 'address-line1', 'address2': 'address-line2', 'city': 'address-level2', 'last_name': 'family-name', 'first_name': 'given-name'}
%   complete = auto.get(field.name, auto.get(kind, ''))
%   length = '' if input_type == 'date' else ' maxlength="' + str(field.max_length) + '"'  # not allowed on a date input
  <input type="{{input_type}}" id="{{fid}}" name="{{field.name}}" value="{{text}}"{{!length}}{{!mode}}{{!required}}{{!(' autocomplete="' + complete + '"') if complete else ''}}{{!aria}}>
% end
</div>
