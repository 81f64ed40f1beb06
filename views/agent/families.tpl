% rebase('layout.tpl', title=title)
<h1>Familles</h1>
<p class="actions"><a class="button button-secondary" href="/agent/familles/nouvelle">Créer une famille</a>
  <a class="button button-secondary" href="/agent/familles/import">Importer des familles (CSV)</a>
  <a class="button button-secondary" href="/agent/familles/acces">Accès des familles importées</a></p>
<form method="get" action="/agent/familles" class="form" role="search">
  <div class="field">
    <label for="q">Rechercher une famille</label>
    <span class="hint" id="q-hint">Numéro de famille, nom d'un parent ou prénom/nom d'un enfant ({{families_count}} familles).</span>
    <input type="search" id="q" name="q" value="{{query}}" aria-describedby="q-hint">
  </div>
  <button type="submit" class="button">Rechercher</button>
</form>
% if query:
<h2>{{fmt.plural(len(results), 'résultat')}} pour « {{query}} »</h2>
% if results:
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Famille</th><th scope="col">Responsable</th><th scope="col">Enfants</th><th scope="col">Compte</th><th scope="col" class="num">Demandes</th></tr></thead>
  <tbody>
  % for s in results:
    <tr><td data-label="Famille"><a href="/agent/familles/{{s.family_id}}">{{s.family_id}}</a></td><td data-label="Responsable">{{s.name}}</td><td data-label="Enfants">{{', '.join(s.children)}}</td>
        <td data-label="Compte">{{'actif' if s.active else 'désactivé'}}</td><td class="num" data-label="Demandes">{{len(s.pending)}}</td></tr>
  % end
  </tbody>
</table></div>
% end
% end
