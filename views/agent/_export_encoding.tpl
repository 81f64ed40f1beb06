% # The encoding choice of one export form; expects prefix (unique per form), value, error (or None), encodings.
<div class="field{{' field-error' if error else ''}}">
  <label for="f-{{prefix}}-encodage">Encodage du fichier</label>
  <span class="hint" id="f-{{prefix}}-encodage-hint">UTF-8 garde tous les caractères ; Windows-1252 remplace ceux qu'il ne connaît pas (ő devient o).</span>
% if error:
  <span class="error-text" id="f-{{prefix}}-encodage-error">{{error}}</span>
% end
  <select id="f-{{prefix}}-encodage" name="encodage" aria-describedby="f-{{prefix}}-encodage-hint{{' f-' + prefix + '-encodage-error' if error else ''}}"{{!' aria-invalid="true"' if error else ''}}>
  % for key, (label, _, _) in encodings.items():
    <option value="{{key}}"{{!' selected' if value == key else ''}}>{{label}}</option>
  % end
  </select>
</div>
