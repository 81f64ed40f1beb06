% rebase('layout.tpl', title=title)
% r = item['request']
<p class="aside"><a href="/mes-demandes">← Mes demandes</a></p>
<h1>Retirer cette demande ?</h1>
<div class="flash flash-warning" role="status"><p>La demande sera retirée : la mairie ne la traitera pas. Rien n'est encore retiré.</p></div>
<article class="card request-card" id="demande-{{r.doc_id}}">
  <h2>{{item['title']}}</h2>
  <p>Envoyée le {{fmt.date_fr(r['created_at'])}} · <span class="status status-{{r['status']}}">En attente</span></p>
  % include('_changes_table.tpl', rows=item['rows'], show_current=False, photo_url='/mes-demandes/' + str(r.doc_id) + '/photo.jpg')
</article>
<form method="post" action="/mes-demandes/{{r.doc_id}}/retirer">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <p class="actions"><button type="submit" class="button button-danger">Confirmer le retrait</button>
    <a class="button button-secondary" href="/mes-demandes#demande-{{r.doc_id}}">Ne pas retirer</a></p>
</form>
