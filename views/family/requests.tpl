% rebase('layout.tpl', title=title)
<h1>Mes demandes</h1>
% if not items:
<p>Vous n'avez fait aucune demande.</p>
% end
% for item in items:
% r = item['request']
<article class="card request-card" id="demande-{{r.doc_id}}">
  <h2>{{item['title']}}</h2>
  <p>Envoyée le {{fmt.date_fr(r['created_at'])}} · <span class="status status-{{r['status']}}">{{item['status']}}</span>
  % if r['decided_at'] and r['status'] != 'pending':
    le {{fmt.date_fr(r['decided_at'])}}
  % end
  </p>
  % if r['status'] == 'cancelled' and r.get('reason'):
  <p><strong>Motif de la mairie :</strong> {{r['reason']}}</p>
  % end
  % include('_changes_table.tpl', rows=item['rows'], show_current=False, photo_url='/mes-demandes/' + str(r.doc_id) + '/photo.jpg' if r['status'] == 'pending' else None)
  % if r.get('documents'):
  % include('_request_pieces.tpl', documents=r['documents'], base='/mes-demandes/' + str(r.doc_id), kept=r['status'] in ('pending', 'validated'))
  % end
  % if r['status'] == 'pending':
  <p><a class="button button-danger" href="/mes-demandes/{{r.doc_id}}/retirer">Retirer cette demande<span class="visually-hidden"> : {{item['title']}}</span></a></p>
  % end
</article>
% end
