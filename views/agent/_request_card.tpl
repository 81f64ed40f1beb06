% # One request with its Valider/Annuler forms; htmx swaps it in place. Expects card (and oob, totals).
% r = card['request']
% base = '/agent/demandes/' + card['family_id'] + '/' + str(r.doc_id)
<article class="card request-card" id="demande-{{r.doc_id}}">
  <h3>{{card['title']}}</h3>
  <p>Envoyée le {{fmt.date_fr(r['created_at'])}} · <span class="status status-{{r['status']}}">{{card['status']}}</span>
  % if r['status'] != 'pending' and r.get('decided_at'):
    le {{fmt.date_fr(r['decided_at'])}} par {{r.get('decided_by')}}
  % end
  </p>
  % if card['message']:
  <div class="flash flash-{{card['message'][0]}}" role="status">{{card['message'][1]}}</div>
  % end
  % if card['conflicts']:
  <div class="warning" role="alert"><strong>Attention :</strong> la fiche a changé depuis cette demande pour :
    {{', '.join(c['label'] for c in card['conflicts'])}}. Comparez « valeur actuelle » et « valeur avant ».</div>
  % end
  % if (r.get('payload') or {}).get('certificate'):
  <p><a href="{{base}}/justificatif" data-hx-boost="false">Voir le justificatif</a></p>
  % end
  % include('_changes_table.tpl', rows=card['rows'], show_current=r['status'] == 'pending', photo_url=base + '/photo.jpg')
  % if r.get('documents'):
  % include('_request_pieces.tpl', documents=r['documents'], base=base, kept=r['status'] in ('pending', 'validated'))
  % end
  % if r['status'] == 'pending':
  <div class="decision">
    <form method="post" action="{{base}}/valider" class="inline-form" data-hx-post="{{base}}/valider" data-hx-target="#demande-{{r.doc_id}}" data-hx-swap="outerHTML">
      <input type="hidden" name="csrf_token" value="{{csrf_token}}">
      % if r['section'] == 'absence':
      <label for="facturation-{{r.doc_id}}">Facturation des jours d'absence</label>
      <select id="facturation-{{r.doc_id}}" name="facturation">
        <option value="auto">Selon le délai de prévenance</option>
        <option value="free">Ne pas facturer (ex. maladie avec certificat)</option>
        <option value="bill">Facturer tous les jours</option>
      </select>
      % end
      % if card['conflicts']:
      <input type="hidden" name="confirmer" value="1">
      <button type="submit" class="button">Confirmer la validation malgré le changement</button>
      % else:
      <button type="submit" class="button">Valider</button>
      % end
    </form>
    <form method="post" action="{{base}}/annuler" class="cancel-form" data-hx-post="{{base}}/annuler" data-hx-target="#demande-{{r.doc_id}}" data-hx-swap="outerHTML">
      <input type="hidden" name="csrf_token" value="{{csrf_token}}">
      % if card.get('reminders'):
      <label for="motif-piece-{{r.doc_id}}">Demander une pièce manquante <span class="hint">(facultatif)</span></label>
      <select id="motif-piece-{{r.doc_id}}" name="motif_piece">
        <option value="">— Aucune —</option>
        % for reminder in card['reminders']:
        <option value="{{reminder}}">{{reminder}}</option>
        % end
      </select>
      % end
      <label for="motif-{{r.doc_id}}">Motif d'annulation <span class="hint">(facultatif, visible par la famille)</span></label>
      <span class="cancel-row"><input id="motif-{{r.doc_id}}" name="motif" maxlength="500">
      <button type="submit" class="button button-danger">Annuler la demande</button></span>
    </form>
  </div>
  % elif r['status'] == 'cancelled' and r.get('reason'):
  <p>Motif : {{r['reason']}}</p>
  % end
</article>
% if get('oob'):
<strong id="family-total" data-hx-swap-oob="true">{{family_total}}</strong>
<span id="nav-pending" data-hx-swap-oob="true" class="badge">{{total}}</span>
% end
