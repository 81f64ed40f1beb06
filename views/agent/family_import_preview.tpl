% rebase('layout.tpl', title=title)
<h1>Aperçu de l'import des familles</h1>
% errors = preview['errors']
% if preview['encodings']:
<p>Fichiers lus : {{', '.join(f'{name} ({encoding})' for name, encoding in preview['encodings'].items())}}.</p>
% end
% if preview['ignored']:
<p class="flash flash-warning">Colonnes inconnues, non importées : {{', '.join(f'« {column} » ({name})' for name, column in preview['ignored'])}}.</p>
% end
% if errors:
<div class="flash flash-error" role="alert" tabindex="-1">
  <p>Les fichiers contiennent {{fmt.plural(len(errors), 'erreur')}} ; rien ne sera importé. Corrigez les lignes signalées puis recommencez.</p>
  <div class="table-wrap"><table>
    <thead><tr><th scope="col">Fichier</th><th scope="col">Ligne</th><th scope="col">Problème</th></tr></thead>
    <tbody>
    % for name, line, reason in errors[:1000]:
      <tr><td data-label="Fichier">{{name}}</td><td data-label="Ligne">{{line}}</td><td data-label="Problème">{{reason}}</td></tr>
    % end
    </tbody>
  </table></div>
  % if len(errors) > 1000:
  <p>… et {{fmt.plural(len(errors) - 1000, 'autre erreur', 'autres erreurs')}}.</p>
  % end
</div>
<p><a class="button" href="/agent/familles/import">Charger des fichiers corrigés</a></p>
% else:
<ul class="summary">
  <li>{{fmt.plural(len(preview['created']), 'famille à créer', 'familles à créer')}}</li>
  <li>{{fmt.plural(len(preview['updated']), 'famille à mettre à jour', 'familles à mettre à jour')}}</li>
  <li>{{fmt.plural(len(preview['unchanged']), 'famille inchangée', 'familles inchangées')}}</li>
  <li>{{fmt.plural(len(preview['kept']), 'famille', 'familles')}} dont le portail a des valeurs plus récentes que le fichier</li>
</ul>
% if state:
<p><a class="button" href="/agent/familles/import/{{token}}/progression">Voir l'avancement de l'import</a></p>
% else:
<form method="post" action="/agent/familles/import/{{token}}/confirmer" class="form">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % if preview['kept']:
  <div class="field"><label class="check" for="ecraser"><input type="checkbox" id="ecraser" name="ecraser" value="1"> Remplacer aussi les valeurs modifiées dans le portail depuis le dernier import (demandes validées, modifications de l'agent) par celles du fichier</label></div>
  % end
  <button type="submit" class="button">Importer</button>
  <a href="/agent/familles/import">Abandonner</a>
</form>
% end
% if preview['kept']:
<h2>Valeurs modifiées dans le portail depuis le dernier import</h2>
<p>Par défaut, l'import les garde : le fichier n'a pas encore ces changements.</p>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Famille</th><th scope="col">Champ</th><th scope="col">Dans le portail (gardé)</th><th scope="col">Dans le fichier</th></tr></thead>
  <tbody>
  % for family in preview['kept'][:500]:
  % for label, current, imported in family['kept']:
    <tr><td data-label="Famille"><a href="/agent/familles/{{family['family_id']}}">{{family['family_id']}}</a> {{family['name']}}</td><td data-label="Champ">{{label}}</td><td data-label="Dans le portail (gardé)">{{current or '—'}}</td><td data-label="Dans le fichier">{{imported or '—'}}</td></tr>
  % end
  % end
  </tbody>
</table></div>
% end
% if preview['updated']:
<h2>Familles mises à jour</h2>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Famille</th><th scope="col">Champ</th><th scope="col">Avant</th><th scope="col">Après</th></tr></thead>
  <tbody>
  % for family in preview['updated'][:500]:
  % for label, before, after in family['changes']:
    <tr><td data-label="Famille"><a href="/agent/familles/{{family['family_id']}}">{{family['family_id']}}</a> {{family['name']}}</td><td data-label="Champ">{{label}}</td><td data-label="Avant">{{before or '—'}}</td><td data-label="Après">{{after or '—'}}</td></tr>
  % end
  % end
  </tbody>
</table></div>
% if len(preview['updated']) > 500:
<p>… et {{fmt.plural(len(preview['updated']) - 500, 'autre famille', 'autres familles')}} mises à jour.</p>
% end
% end
% if preview['created']:
<h2>Familles créées</h2>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Famille</th><th scope="col">Responsable</th><th scope="col">Enfants</th><th scope="col">Accès</th></tr></thead>
  <tbody>
  % for family in preview['created'][:1000]:
    <tr><td data-label="Famille">{{family['family_id']}}</td><td data-label="Responsable">{{family['name']}}</td><td data-label="Enfants">{{family['children'] or '—'}}</td><td data-label="Accès">{{'courriel' if family['email'] else 'courrier'}}</td></tr>
  % end
  </tbody>
</table></div>
% if len(preview['created']) > 1000:
<p>… et {{fmt.plural(len(preview['created']) - 1000, 'autre famille', 'autres familles')}} créées.</p>
% end
% end
% end
