% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/pre-inscriptions">← Pré-inscriptions</a></p>
<h1>Pré-inscription n° {{doc.doc_id}}</h1>
<p>Reçue le {{fmt.date_fr(doc['created_at'])}} · <span class="status status-{{doc['status']}}">{{ {'pending': 'En attente', 'validated': 'Validée', 'cancelled': 'Annulée'}[doc['status']] }}</span>
% if doc['family_id'] and doc['status'] == 'validated':
 · famille créée : <a href="/agent/familles/{{doc['family_id']}}">{{doc['family_id']}}</a>
% end
</p>
% for key, title in (('parent1', 'Responsable'), ('parent2', 'Conjoint')):
%   parent = doc.get(key)
%   if parent:
<h2>{{title}}</h2>
<dl class="data-list">
%     for f in parent_fields:
  <div><dt>{{f.label}}</dt><dd>{{f.display(parent.get(f.name)) or '—'}}</dd></div>
%     end
</dl>
%   end
% end
<h2>Enfants</h2>
% for child in doc['children']:
<dl class="data-list">
% for f in child_fields:
  <div><dt>{{f.label}}</dt><dd>{{f.display(child.get(f.name)) or '—'}}</dd></div>
% end
</dl>
% end
% if doc.get('documents'):
<h2>Pièces justificatives</h2>
% if doc['status'] == 'pending':
%   include('_request_pieces.tpl', documents=doc['documents'], base='/agent/pre-inscriptions/' + str(doc.doc_id), kept=True)
% elif doc['status'] == 'validated':
<p>{{fmt.plural(len(doc['documents']), 'pièce conservée', 'pièces conservées')}} dans le dossier de la <a href="/agent/familles/{{doc['family_id']}}#h-pieces">famille {{doc['family_id']}}</a>.</p>
% else:
<p>{{fmt.plural(len(doc['documents']), 'pièce supprimée', 'pièces supprimées')}} avec la pré-inscription.</p>
% end
% end
% if doc.get('message'):
<h2>Message</h2>
<p class="pre-line">{{doc['message']}}</p>
% end
% if doc['status'] == 'pending' and doc['family_id']:
<div class="flash flash-warning" role="status">La validation de cette pré-inscription a été interrompue (famille n° {{doc['family_id']}}). Validez-la à nouveau pour la terminer : la même famille sera complétée, sans doublon.</div>
<form method="post" action="/agent/pre-inscriptions/{{doc.doc_id}}/valider">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button">Terminer la validation</button>
</form>
% elif doc['status'] == 'pending':
<div class="decision">
  <form method="post" action="/agent/pre-inscriptions/{{doc.doc_id}}/valider">
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    <button type="submit" class="button">Valider : créer la famille et son compte</button>
  </form>
  <form method="post" action="/agent/pre-inscriptions/{{doc.doc_id}}/annuler" class="cancel-form">
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    <label for="motif">Motif d'annulation <span class="hint">(facultatif)</span></label>
    <span class="cancel-row"><input id="motif" name="motif" maxlength="500">
    <button type="submit" class="button button-danger">Annuler la pré-inscription</button></span>
  </form>
</div>
% elif doc.get('reason'):
<p>Motif : {{doc['reason']}}</p>
% end
