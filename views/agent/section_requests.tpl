% rebase('layout.tpl', title=title, wide_page=True)  # the table has a column per field
<p class="aside"><a href="/agent/demandes">← Gestion des demandes</a></p>
<h1>Demandes en attente — {{section.title}}</h1>
<form method="get" action="/agent/demandes/rubrique" class="filters" aria-labelledby="h-filtres">
  <h2 id="h-filtres">Filtrer et trier</h2>
  <div class="field">
    <label for="filtre-rubrique">Rubrique</label>
    <select id="filtre-rubrique" name="rubrique">
    % if section.key not in sections:
      <option value="{{section.key}}" selected>{{section.title}} (0)</option>
    % end
    % for key, (section_title, count) in sections.items():
      <option value="{{key}}"{{!' selected' if key == section.key else ''}}>{{section_title}} ({{count}})</option>
    % end
    </select>
  </div>
  % for name, field in (('du', filters[0]), ('au', filters[1])):
  % include('_field.tpl', field=field, value=typed[name], error=errors.get(name), fid='filtre-' + name)
  % end
  <div class="field">
    <label for="filtre-famille">Famille (numéro ou nom)</label>
    <input id="filtre-famille" name="famille" maxlength="100" value="{{typed['famille']}}">
  </div>
  <div class="field">
    <label for="filtre-etat">Demandes montrées</label>
    <select id="filtre-etat" name="etat">
      <option value=""{{!' selected' if not typed['etat'] else ''}}>Toutes</option>
      <option value="sans-conflit"{{!' selected' if typed['etat'] == 'sans-conflit' else ''}}>Sans conflit (validables par lot)</option>
      <option value="conflit"{{!' selected' if typed['etat'] == 'conflit' else ''}}>En conflit : la fiche a changé depuis la demande</option>
    </select>
  </div>
  <div class="field">
    <label for="filtre-tri">Trier par</label>
    <select id="filtre-tri" name="tri">
      <option value="date"{{!' selected' if typed['tri'] != 'famille' else ''}}>Date de la demande (la plus ancienne d'abord)</option>
      <option value="famille"{{!' selected' if typed['tri'] == 'famille' else ''}}>Famille (nom)</option>
    </select>
  </div>
  <div class="field">
    <label for="filtre-par">Demandes par page</label>
    <select id="filtre-par" name="par">
    % for choice in sizes:
      <option value="{{choice}}"{{!' selected' if choice == size else ''}}>{{choice}}</option>
    % end
    </select>
  </div>
  <p><button type="submit" class="button">Afficher</button></p>
</form>
% include('agent/_section_table.tpl')
