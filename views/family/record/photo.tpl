% rebase('layout.tpl', title=title)
<p class="aside"><a href="/mes-informations/enfants/{{child['id']}}">← Retour</a></p>
<h1>Photo de {{child['first_name']}}</h1>
<form method="post" action="/mes-informations/enfants/{{child['id']}}/photo" enctype="multipart/form-data" class="form" data-hx-boost="false">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <div class="field{{' field-error' if error else ''}}">
    <label for="photo">Photo (JPEG ou PNG, 5 Mo au plus)</label>
    <span class="hint" id="photo-hint">La photo est recadrée à 600 pixels et ses métadonnées (lieu, appareil) sont supprimées.</span>
    % if error:
    <span class="error-text" id="photo-error" role="alert">{{error}}</span>
    % end
    <input type="file" id="photo" name="photo" accept="image/jpeg,image/png" required aria-describedby="photo-hint{{' photo-error' if error else ''}}">
  </div>
  <p class="actions"><button type="submit" class="button">Envoyer la photo</button></p>
</form>
