% rebase('layout.tpl', title=title)
<h1>Importer des familles</h1>
<p class="lead">Fichiers CSV exportés par le logiciel enfance : séparateur « ; » ou « , », encodage UTF-8 ou Windows. Un aperçu montre ce qui sera créé ou modifié ; rien n'est importé tant que les fichiers entiers ne sont pas valides.</p>
% include('_form_errors.tpl', errors=errors, refusal=None)
<form method="post" action="/agent/familles/import" enctype="multipart/form-data" class="form" data-hx-boost="false">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % for name, label, hint in (('familles', 'Fichier des familles (obligatoire)', 'Une ligne par enfant ; les informations de la famille sont répétées sur chaque ligne.'), ('personnes', 'Fichier des personnes autorisées (facultatif)', 'Une ligne par personne autorisée.')):
  <div class="field{{' field-error' if errors.get(name) else ''}}">
    <label for="f-{{name}}">{{label}}</label>
    <span class="hint" id="{{name}}-hint">{{hint}} {{max_mb}} Mo au plus.</span>
    % if errors.get(name):
    <span class="error-text" id="{{name}}-error">{{errors[name]}}</span>
    % end
    <input type="file" id="f-{{name}}" name="{{name}}" accept=".csv,text/csv" aria-describedby="{{name}}-hint{{' ' + name + '-error' if errors.get(name) else ''}}"{{!' required' if name == 'familles' else ''}}>
  </div>
  % end
  <button type="submit" class="button">Vérifier les fichiers</button>
</form>
<p><a href="/agent/familles/acces">Envoyer leurs accès aux familles importées</a></p>
% if recent:
<h2>Derniers fichiers chargés</h2>
<ul>
% labels = {None: 'aperçu, non importé', 'queued': 'import en attente', 'running': 'import en cours', 'done': 'importé', 'interrupted': 'import interrompu', 'failed': 'import arrêté sur une erreur'}
% for upload in recent:
  <li>{{fmt.date_fr(upload['uploaded_at'])}} : <a href="/agent/familles/import/{{upload['token']}}">{{labels[upload['status']]}}</a>
  % if upload['status']:
    (<a href="/agent/familles/import/{{upload['token']}}/progression">avancement</a>)
  % end
  </li>
% end
</ul>
% end
% for heading, columns in (('Colonnes du fichier des familles', family_columns), ('Colonnes du fichier des personnes autorisées', person_columns)):
<h2>{{heading}}</h2>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Colonne</th><th scope="col">Contenu</th><th scope="col">Obligatoire</th></tr></thead>
  <tbody>
  % for column in columns:
    <tr><td data-label="Colonne"><code>{{column.name}}</code></td><td data-label="Contenu">{{column.description}}</td><td data-label="Obligatoire">{{'oui' if column.required else 'non'}}</td></tr>
  % end
  </tbody>
</table></div>
% end
<p>Une colonne absente n'est pas importée : le portail garde ses valeurs. Les dates s'écrivent JJ/MM/AAAA. Les enfants sont reconnus d'un import à l'autre par leur prénom et leur date de naissance, les personnes autorisées par leurs nom et prénom ; rien n'est jamais supprimé.</p>
