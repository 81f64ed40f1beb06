% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/demandes">← Gestion des demandes</a></p>
<h1>Pré-inscriptions en attente</h1>
<p class="lead">{{fmt.plural(total, 'pré-inscription')}} en attente, la plus récente en premier.</p>
% if preregistrations:
<form method="post" action="/agent/pre-inscriptions/supprimer">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <div class="table-wrap"><table>
    <caption>Pré-inscriptions en attente{{f' (page {page} sur {pages})' if pages > 1 else ''}}</caption>
    <thead><tr><th scope="col">Supprimer</th><th scope="col">N°</th><th scope="col">Reçue le</th><th scope="col">Responsable</th><th scope="col">Enfants</th><th scope="col">Détail</th></tr></thead>
    <tbody>
    % for doc in preregistrations:
      % name = fmt.listed_name(doc['parent1'])
      <tr><td data-label="Supprimer"><input type="checkbox" id="choix-{{doc.doc_id}}" name="selection" value="{{doc.doc_id}}">
              <label for="choix-{{doc.doc_id}}" class="visually-hidden">Sélectionner la pré-inscription n° {{doc.doc_id}} ({{name}})</label>
              <input type="hidden" name="sur_la_page" value="{{doc.doc_id}}"></td>
          <td data-label="N°">{{doc.doc_id}}</td><td data-label="Reçue le">{{fmt.date_fr(doc['created_at'])}}</td><td data-label="Responsable">{{name}}</td>
          <td data-label="Enfants">{{', '.join(c['first_name'] for c in doc['children'])}}</td>
          <td data-label="Détail"><a href="/agent/pre-inscriptions/{{doc.doc_id}}">Examiner la pré-inscription n° {{doc.doc_id}}</a></td></tr>
    % end
    </tbody>
  </table></div>
  <p class="hint">Supprimez ici les pré-inscriptions indésirables (envois automatiques, doublons) : une page de confirmation récapitule la sélection avant toute suppression. Une vraie demande se traite depuis son détail (valider ou annuler avec un motif).</p>
  <p class="actions"><button type="submit" class="button button-danger">Supprimer la sélection</button>
    <button type="submit" name="portee" value="page" class="button button-secondary">Supprimer toutes celles de cette page</button></p>
</form>
  % if pages > 1:
<nav aria-label="Pages de la liste" class="pagination"><p>Page {{page}} sur {{pages}} :
    % if page > 1:
  <a href="/agent/pre-inscriptions?page={{page - 1}}" rel="prev">← Plus récentes</a>
    % end
    % if page < pages:
  <a href="/agent/pre-inscriptions?page={{page + 1}}" rel="next">Plus anciennes →</a>
    % end
</p></nav>
  % end
% else:
<p>Aucune pré-inscription en attente.</p>
% end
% if deletions:
<h2>Suppressions récentes</h2>
<ul>
  % for entry in deletions:
  <li>{{fmt.date_fr(entry['at'])}} : {{fmt.plural(entry['count'], 'pré-inscription supprimée', 'pré-inscriptions supprimées')}} par {{entry['by']}} (n° {{', '.join(str(i) for i in entry['ids'])}})</li>
  % end
</ul>
% end
