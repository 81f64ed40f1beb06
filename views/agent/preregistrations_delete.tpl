% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/pre-inscriptions">← Pré-inscriptions</a></p>
<h1>Supprimer {{fmt.plural(len(chosen), 'pré-inscription')}} ?</h1>
<div class="flash flash-warning" role="status"><p>Ces pré-inscriptions seront supprimées définitivement, sans réponse à leur expéditeur. Rien n'est encore supprimé.</p></div>
<div class="table-wrap"><table>
  <caption>Pré-inscriptions à supprimer</caption>
  <thead><tr><th scope="col">N°</th><th scope="col">Reçue le</th><th scope="col">Responsable</th><th scope="col">E-mail</th><th scope="col">Enfants</th></tr></thead>
  <tbody>
  % for doc in chosen:
    <tr><td data-label="N°">{{doc.doc_id}}</td><td data-label="Reçue le">{{fmt.date_fr(doc['created_at'])}}</td>
        <td data-label="Responsable">{{fmt.listed_name(doc['parent1'])}}</td><td data-label="E-mail">{{doc['parent1'].get('email', '')}}</td>
        <td data-label="Enfants">{{', '.join(c['first_name'] for c in doc['children'])}}</td></tr>
  % end
  </tbody>
</table></div>
<form method="post" action="/agent/pre-inscriptions/supprimer">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <input type="hidden" name="confirmer" value="1">
  % for doc in chosen:
  <input type="hidden" name="selection" value="{{doc.doc_id}}">
  % end
  <p class="actions"><button type="submit" class="button button-danger">Confirmer la suppression</button>
    <a class="button button-secondary" href="/agent/pre-inscriptions">Ne rien supprimer</a></p>
</form>
