% rebase('layout.tpl', title=title)
<p class="aside"><a href="{{back_url}}">← Retour sans enregistrer</a></p>
<h1>{{heading}}</h1>
% if pending and get('submit_label', 'Envoyer la demande') == 'Envoyer la demande':
<p class="warning">Une demande de modification de cette fiche est déjà en attente de validation. Votre nouvelle demande s'y ajoutera.</p>
% end
% include('_form_errors.tpl')
<form method="post" action="{{form_url}}" class="form"{{!' enctype="multipart/form-data"' if get('piece_fields') else ''}} novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <p class="hint">Les champs marqués d'un astérisque (*) sont obligatoires.</p>
  % for name, value in get('secret_hint', {}).items():
  <p class="hint">{{section.field(name).label}} actuel : {{section.field(name).display(value)}}. Laissez le champ vide pour le conserver, ou saisissez le nouveau en entier.</p>
  % end
  % include('_fields.tpl', fields=fields)
  % if section.key == 'person':
  <fieldset class="field{{' field-error' if errors.get('children') else ''}}" id="f-children">
    <legend>Enfants concernés</legend>
    % if errors.get('children'):
    <span class="error-text">{{errors['children']}}</span>
    % end
    % for child in children:
    <label class="check"><input type="checkbox" name="children" value="{{child['id']}}"{{!' checked' if str(child['id']) in [str(c) for c in values.get('children') or []] else ''}}> {{fmt.full_name(child)}}</label>
    % end
  </fieldset>
  % end
  % if get('piece_fields'):
  % include('_pieces.tpl')
  % end
  <p class="actions"><button type="submit" class="button">{{get("submit_label", "Envoyer la demande")}}</button> <a href="{{back_url}}">Annuler</a></p>
</form>
