% # The supporting documents a form asks for (one file input per document); expects piece_fields, errors, pieces_again.
<fieldset class="pieces" id="pieces">
  <legend>Pièces justificatives</legend>
  <p class="hint" id="pieces-hint">PDF, ou photo JPEG ou PNG bien lisible : 5 Mo au plus par fichier, 3 fichiers au plus pour la demande.</p>
  % if pieces_again and not any(errors.get(f.name) for f in piece_fields):
  <p class="warning" role="status">Les fichiers choisis n'ont pas été conservés : choisissez-les de nouveau avant d'envoyer.</p>
  % end
  % for f in piece_fields:
  %   fid = 'f-' + f.name
  %   error = errors.get(f.name)
  <div class="field{{' field-error' if error else ''}}" id="{{fid}}-field">
    <label for="{{fid}}">{{f.label}} — {{'obligatoire' if f.required else 'facultatif'}}{{!' <span aria-hidden="true">*</span>' if f.required else ''}}</label>
    % if error:
    <span class="error-text" id="{{fid}}-error">{{error}}</span>
    % end
    <input type="file" id="{{fid}}" name="{{f.name}}" multiple accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png" aria-describedby="pieces-hint{{' ' + fid + '-error' if error else ''}}"{{!' required' if f.required else ''}}{{!' aria-invalid="true"' if error else ''}}>
  </div>
  % end
</fieldset>
