% if any(r['pending'] is not None for r in rows):
<p class="warning">Les valeurs signalées « demandé » attendent la validation de la mairie.</p>
% end
<dl class="data-list">
% for row in rows:
  <div><dt>{{row['label']}}</dt><dd>{{row['value'] or '—'}}
  % if row['pending'] is not None:
    <span class="pending-value">Demandé : {{row['pending'] or '(vide)'}} <span class="status status-pending">en attente</span></span>
  % end
  </dd></div>
% end
</dl>
