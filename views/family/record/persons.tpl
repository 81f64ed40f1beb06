% rebase('layout.tpl', title=title)
<p class="aside"><a href="/mes-informations">← Mes informations</a></p>
<h1>Personnes autorisées</h1>
<p class="lead">Les personnes qui peuvent venir chercher vos enfants ou être appelées en cas d'urgence.</p>
% for card in cards:
<section class="card" aria-labelledby="p-{{card['person']['id']}}">
  <h2 id="p-{{card['person']['id']}}">{{person_label(card['person'])}}</h2>
  % if card['removal_pending']:
  <p class="warning">Retrait demandé, en attente de validation.</p>
  % end
  % include('family/record/_rows.tpl', rows=card['rows'])
  <p class="actions">
    <a class="button button-secondary" href="/mes-informations/personnes/{{card['person']['id']}}/modifier">Modifier</a>
    <a class="button button-danger" href="/mes-informations/personnes/{{card['person']['id']}}/retirer">Retirer</a>
  </p>
</section>
% end
% if not cards:
<p>Aucune personne autorisée n'est enregistrée.</p>
% end
% for request in additions:
<p class="warning">Ajout demandé : {{request['target_label']}} <span class="status status-pending">en attente</span></p>
% end
<p class="actions"><a class="button" href="/mes-informations/personnes/ajouter">Ajouter une personne</a></p>
