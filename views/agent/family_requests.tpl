% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/demandes">← Gestion des demandes</a></p>
<h1>Famille {{family_id}} — {{fmt.full_name(record.get('parent1'))}}</h1>
<h2>Demandes en attente : <strong id="family-total">{{len(cards)}}</strong></h2>
% if len(cards) > 1:
<form method="post" action="/agent/demandes/{{family_id}}/tout-valider" class="actions">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button">Valider toutes les demandes de la famille</button>
  <span class="hint">Les demandes dont la fiche a changé entre-temps sont laissées de côté pour vérification.</span>
</form>
% end
% for card in cards:
% include('agent/_request_card.tpl', card=card, oob=False)
% end
% if not cards:
<p>Aucune demande en attente pour cette famille.</p>
% end
% if decided:
<h2>Demandes déjà traitées</h2>
<ul>
% for item in decided:
  <li>{{item['title']}} : <span class="status status-{{item['request']['status']}}">{{item['status']}}</span> — {{item['decision']}}{{' (motif : ' + item['request']['reason'] + ')' if item['request'].get('reason') else ''}}</li>
% end
</ul>
% end
% if audit:
<h2>Historique de la fiche</h2>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Date</th><th scope="col">Par</th><th scope="col">Action</th><th scope="col">Rubrique</th><th scope="col">Détail</th></tr></thead>
  <tbody>
  % for entry in audit:
  <tr><td data-label="Date">{{fmt.date_fr(entry['at'])}}</td><td data-label="Par">{{entry['by']}}</td><td data-label="Action">{{entry['action_label']}}{{' (malgré un changement)' if entry.get('overrode_conflicts') else ''}}</td>
      <td data-label="Rubrique">{{entry['subject']}}</td>
      <td data-label="Détail">{{'; '.join(c['label'] for c in entry.get('changes', []))}}{{' — ' + entry['reason'] if entry.get('reason') else ''}}</td></tr>
  % end
  </tbody>
</table></div>
% end
