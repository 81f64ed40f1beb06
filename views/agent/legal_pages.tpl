% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/parametres">Paramètres</a> › Pages légales et aide</p>
<h1>Pages légales et aide</h1>
<p class="lead">Les pages que tout site public doit publier, liées en bas de chaque page du portail. Chacune part d'un
texte complet, construit à partir des informations de la commune : modifiez-le si besoin, ou rétablissez-le.</p>
% include('_form_errors.tpl', refusal=None)
% if missing:
<p class="warning">À compléter : {{', '.join(missing)}}. Tant que ces informations manquent, les mentions légales
  l'indiquent « à compléter ».</p>
% end
<form method="post" action="/agent/parametres/pages-legales" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <fieldset><legend>Informations légales (reprises dans les textes par défaut)</legend>
  % for field in fields:
  % include('_field.tpl', field=field, value=details.get(field.name, ''), error=errors.get(field.name), fid='f-' + field.name)
  % end
  </fieldset>
  <p class="hint">Le nom, l'adresse, le téléphone et l'e-mail de la commune se modifient dans <a href="/agent/parametres">Paramètres</a>.</p>
  <button type="submit" class="button">Enregistrer les informations légales</button>
</form>
<h2>Écrire les pages</h2>
<div class="hint" id="markup-help">
  <p>Mise en forme : une ligne vide sépare les paragraphes ; une ligne qui commence par « ## » est un titre
  (« ### » un sous-titre) ; une ligne qui commence par « - » est un élément de liste. Les adresses web
  (https://…) et e-mail deviennent des liens ; un lien avec un texte s'écrit [texte du lien](/aide) ou
  [texte du lien](https://adresse). Le texte s'affiche tel qu'il est écrit : aucun code HTML n'est interprété.</p>
</div>
% for page in pages:
<section class="legal-editor" id="page-{{page['slug']}}" aria-labelledby="h-{{page['slug']}}">
  <h3 id="h-{{page['slug']}}">{{page['title']}}</h3>
  <p class="muted">
  % if page['edited']:
    Texte modifié le {{fmt.date_fr(page['edited']['updated_at'][:10])}} à {{page['edited']['updated_at'][11:16]}} par {{page['edited']['updated_by']}}.
  % else:
    Texte par défaut, construit à partir des informations de la commune.
  % end
    <a href="/{{page['slug']}}">Voir la page « {{page['title']}} »</a>
  </p>
  % if page['error']:
  <div class="flash flash-error" role="alert">Le texte de la page « {{page['title']}} » n'a pas été enregistré : <a href="#t-{{page['slug']}}">{{page['error']}}</a></div>
  % end
  <form method="post" action="/agent/parametres/pages-legales/{{page['slug']}}" class="form form-wide" novalidate>
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    <div class="field{{' field-error' if page['error'] else ''}}">
      <label for="t-{{page['slug']}}">Texte de la page « {{page['title']}} »</label>
    % described = 'markup-help' + (' t-' + page['slug'] + '-variable' if page['slug'] == 'donnees-personnelles' else '') + (' t-' + page['slug'] + '-error' if page['error'] else '')
    % if page['slug'] == 'donnees-personnelles':
      <span class="hint" id="t-{{page['slug']}}-variable">La ligne {{retention_variable}} est remplacée, sur la page, par les durées de conservation des données.</span>
    % end
    % if page['error']:
      <span class="error-text" id="t-{{page['slug']}}-error">{{page['error']}}</span>
    % end
      <textarea id="t-{{page['slug']}}" name="texte" rows="16" maxlength="{{max_length}}" aria-describedby="{{described}}"{{!' aria-invalid="true"' if page['error'] else ''}}>{{page['text']}}</textarea>
    </div>
    <p class="actions">
      <button type="submit" class="button" name="action" value="enregistrer">Enregistrer</button>
      <button type="submit" class="button button-secondary" name="action" value="retablir">Rétablir le texte par défaut</button>
    </p>
  </form>
</section>
% end
