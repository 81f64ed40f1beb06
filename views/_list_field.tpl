% # A repeated group of inputs (vaccinations, allergies); expects list_field, rows, errors.
<fieldset class="field">
  <legend>{{list_field.label}}</legend>
  <p class="hint">Une ligne par {{list_field.columns[0].label.lower()}} ; laissez une ligne vide pour l'ignorer, videz-la pour la supprimer.</p>
  % for index in range(len(rows) + list_field.blank_rows):
  %   row = rows[index] if index < len(rows) else {}
  <div class="grid">
  %   for column in list_field.columns:
  %     name = list_field.name + '_' + column.name + '_' + str(index)
  %     include('_field.tpl', field=column.__class__(name, column.label + ' (ligne ' + str(index + 1) + ')', column.kind, False, column.choices, column.max_length, ''), value=row.get(column.name), error=errors.get(name), fid=name)
  %   end
  </div>
  % end
</fieldset>
