% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/parametres">← Paramètres</a></p>
<h1>Pièces justificatives</h1>
<p class="lead">Les documents que les familles joignent à leurs demandes. Chaque ligne ajoute un champ de fichier au formulaire de la rubrique choisie ; une pièce obligatoire doit être jointe pour que la demande parte.</p>
<p class="hint">Formats acceptés : PDF, JPEG ou PNG, {{max_size_mb}} Mo au plus par fichier, {{max_files}} fichiers au plus par demande. Pour retirer une pièce, videz son nom. Les pièces déjà reçues sont conservées.</p>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="/agent/parametres/pieces-justificatives" class="form form-wide" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <div class="table-wrap"><table>
    <thead><tr><th scope="col">Pièce demandée</th><th scope="col">Rubrique</th><th scope="col">Obligatoire</th></tr></thead>
    <tbody>
    % for i, row in enumerate(rows):
    <tr>
      <td data-label="Pièce demandée" class="{{'field-error' if errors.get('doc_label_' + str(i)) else ''}}">
        <label class="visually-hidden" for="doc_label_{{i}}">Pièce demandée, ligne {{i + 1}}</label>
        % if errors.get('doc_label_' + str(i)):
        <span class="error-text" id="doc_label_{{i}}-error">{{errors['doc_label_' + str(i)]}}</span>
        % end
        <input id="doc_label_{{i}}" name="doc_label_{{i}}" value="{{row['label']}}" maxlength="80"{{!' aria-invalid="true" aria-describedby="doc_label_' + str(i) + '-error"' if errors.get('doc_label_' + str(i)) else ''}}></td>
      <td data-label="Rubrique" class="{{'field-error' if errors.get('doc_section_' + str(i)) else ''}}">
        <label class="visually-hidden" for="doc_section_{{i}}">Rubrique, ligne {{i + 1}}</label>
        % if errors.get('doc_section_' + str(i)):
        <span class="error-text" id="doc_section_{{i}}-error">{{errors['doc_section_' + str(i)]}}</span>
        % end
        <select id="doc_section_{{i}}" name="doc_section_{{i}}"{{!' aria-invalid="true" aria-describedby="doc_section_' + str(i) + '-error"' if errors.get('doc_section_' + str(i)) else ''}}>
          <option value="">— Choisir —</option>
          % for key, title in sections:
          <option value="{{key}}"{{!' selected' if row['section'] == key else ''}}>{{title}}</option>
          % end
        </select></td>
      <td data-label="Obligatoire"><label class="check" for="doc_required_{{i}}"><input type="checkbox" id="doc_required_{{i}}" name="doc_required_{{i}}" value="1"{{!' checked' if row['required'] else ''}}> Obligatoire<span class="visually-hidden">, ligne {{i + 1}}</span></label></td>
    </tr>
    % end
    </tbody>
  </table></div>
  <p class="actions"><button type="submit" class="button">Enregistrer les pièces justificatives</button></p>
</form>
