% # One section's pending requests as a table decided in batches; htmx swaps this block. Expects the page's values.
<div id="tableau-demandes">
% if outcome and outcome.get('error'):
<div class="flash flash-error" role="alert">{{outcome['error']}}</div>
% elif outcome:
<div class="batch-result flash {{'flash-success' if outcome['decided'] else 'flash-warning'}}" role="status" tabindex="-1" id="resultat-lot">
  <h2>Résultat de la décision</h2>
  <p><strong>{{outcome['summary']}}.</strong> Chaque famille reçoit un courriel avec la décision.</p>
  % if outcome['already']:
  <p>{{fmt.plural(outcome['already'], 'demande était déjà traitée', 'demandes étaient déjà traitées')}} : rien n'a été décidé deux fois.</p>
  % end
  % if outcome['unknown']:
  <p>{{fmt.plural(outcome['unknown'], 'demande introuvable', 'demandes introuvables')}} dans cette rubrique : {{fmt.plural(outcome['unknown'], 'ignorée', 'ignorées', with_count=False)}}.</p>
  % end
  % if outcome['set_aside']:
  <div class="table-wrap"><table>
    <caption>{{fmt.plural(len(outcome['set_aside']), 'demande laissée', 'demandes laissées')}} en attente, à traiter une par une</caption>
    <thead><tr><th scope="col">Famille</th><th scope="col">Demande</th><th scope="col">Envoyée le</th><th scope="col">Raison</th></tr></thead>
    <tbody>
    % for item in outcome['set_aside']:
      <tr class="conflict"><th scope="row" data-label="Famille"><a href="/agent/demandes/{{item['family_id']}}">{{item['family_id']}}</a> {{item['name']}}</th>
        <td data-label="Demande">{{item['title']}}</td><td data-label="Envoyée le">{{fmt.date_fr(item['created_at'])}}</td>
        <td data-label="Raison">{{item['reason']}}</td></tr>
    % end
    </tbody>
  </table></div>
  % end
</div>
% end
<p class="lead"><strong id="section-total">{{matching}}</strong> {{fmt.plural(matching, 'demande', with_count=False)}} en attente dans cette rubrique{{' (avec ces filtres)' if typed['du'] or typed['au'] or typed['famille'] or typed['etat'] else ''}}.</p>
% if rows:
<form method="post" action="/agent/demandes/rubrique/decider" data-hx-post="/agent/demandes/rubrique/decider" data-hx-target="#tableau-demandes" data-hx-swap="outerHTML">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % for name in filters_kept:
  <input type="hidden" name="{{name}}" value="{{typed[name]}}">
  % end
  <p class="actions"><a href="{{table_url(tout='1')}}">Tout sélectionner sur la page</a>
    · <a href="{{table_url()}}">Tout désélectionner</a>
    · <a href="#decision-lot">Aller aux boutons de décision</a></p>
  <p id="lecture-tableau">Chaque colonne de champ montre la valeur actuelle → la valeur demandée ; en gris, les valeurs inchangées.</p>
  <div class="table-wrap">
  <table class="request-table" aria-describedby="lecture-tableau">
    <caption>{{section.title}} : demandes en attente{{', page ' + str(page_number) + ' sur ' + str(pages) if pages > 1 else ''}}, {{'par famille' if typed['tri'] == 'famille' else 'la plus ancienne en premier'}}</caption>
    <thead><tr>
      <th scope="col">Sélection et décision</th><th scope="col">Demandeur</th><th scope="col">Envoyée le</th>
      % if section.target:
      <th scope="col">{{'Personne' if section.target == 'person' else 'Enfant'}}</th>
      % end
      % for name, label in columns:
      <th scope="col">{{label}}</th>
      % end
      <th scope="col">Statut de la demande</th>
    </tr></thead>
    <tbody>
    % for row in rows:
    % described = 'Demande ' + section.title + ' de la famille ' + row['family_id'] + ' (' + row['name'] + '), envoyée le ' + fmt.date_fr(row['created_at'])
    <tr id="ligne-{{row['key']}}"{{!' class="conflict"' if row['conflicts'] or row['missing'] else ''}}>
      <td data-label="Sélection et décision" class="row-decision">
        <input type="checkbox" id="choix-{{row['key']}}" name="demande" value="{{row['key']}}"{{!' checked' if row['checked'] else ''}}>
        <label for="choix-{{row['key']}}"><span class="visually-hidden">Sélectionner : {{described}}</span><span aria-hidden="true">Choisir</span></label>
        <button type="submit" name="une" value="valider:{{row['key']}}" class="button button-small" aria-label="Valider : {{described}}">Valider</button>
        <button type="submit" name="une" value="annuler:{{row['key']}}" class="button button-small button-danger" aria-label="Annuler : {{described}}">Annuler</button>
      </td>
      <th scope="row" data-label="Demandeur"><a href="/agent/demandes/{{row['family_id']}}">{{row['family_id']}}</a> {{row['name']}}</th>
      <td data-label="Envoyée le">{{fmt.date_fr(row['created_at'])}}</td>
      % if section.target:
      <td data-label="{{'Personne' if section.target == 'person' else 'Enfant'}}">{{row['target'] or '—'}}</td>
      % end
      % for cell in row['cells']:
      % if cell['changed']:
      <td data-label="{{cell['label']}}"><span class="current-value">{{cell['current'] or '(vide)'}}</span> <span aria-hidden="true">→</span><span class="visually-hidden">devient</span> <strong>{{cell['requested'] or '(vide)'}}</strong></td>
      % else:
      <td data-label="{{cell['label']}}" class="unchanged">{{cell['current'] or '—'}}<span class="visually-hidden"> (inchangé)</span></td>
      % end
      % end
      <td data-label="Statut de la demande">En attente
      % if row['missing']:
        <span class="warning-text"><strong>Attention :</strong> la fiche visée n'existe plus.</span>
      % elif row['conflicts']:
        <span class="warning-text"><strong>Attention :</strong> la fiche a changé depuis la demande ({{', '.join(row['conflicts'])}}).</span>
      % end
      </td>
    </tr>
    % end
    </tbody>
  </table>
  </div>
  <fieldset class="batch-decision" id="decision-lot">
    <legend>Décision pour les demandes cochées</legend>
    <p class="hint">Les demandes dont la fiche a changé depuis leur envoi ne sont jamais validées ici : elles restent en attente et sont listées après la décision.</p>
    <p><button type="submit" name="decision" value="valider" class="button">Valider la sélection</button></p>
    <label for="motif-lot">Motif d'annulation <span class="hint">(facultatif, le même pour chaque demande annulée, visible par la famille)</span></label>
    <span class="cancel-row"><input id="motif-lot" name="motif" maxlength="500">
    <button type="submit" name="decision" value="annuler" class="button button-danger">Annuler la sélection</button></span>
  </fieldset>
</form>
% if pages > 1:
<nav aria-label="Pages du tableau" class="pagination"><p>Page {{page_number}} sur {{pages}} :
  % if page_number > 1:
  <a href="{{table_url(page=str(page_number - 1))}}" rel="prev">← Demandes précédentes</a>
  % end
  % if page_number < pages:
  <a href="{{table_url(page=str(page_number + 1))}}" rel="next">Demandes suivantes →</a>
  % end
</p></nav>
% end
% else:
<p>Aucune demande en attente dans cette rubrique{{' avec ces filtres' if typed['du'] or typed['au'] or typed['famille'] or typed['etat'] else ''}}.</p>
% end
</div>
% if get('oob'):
<span id="nav-pending" data-hx-swap-oob="true" class="badge">{{total}}</span>
% end
