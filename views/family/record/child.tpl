% rebase('layout.tpl', title=title)
<p class="aside"><a href="/mes-informations">← Mes informations</a></p>
<h1>{{fmt.full_name(child)}}</h1>
<p>Date de naissance : {{fmt.date_fr(child.get('birth_date'))}}</p>
<p class="actions"><a class="button button-secondary" href="/mes-informations/enfants/{{child['id']}}/fiche-simple.pdf" data-hx-boost="false">Fiche enfant simple (PDF)</a>
<a class="button button-secondary" href="/mes-informations/enfants/{{child['id']}}/fiche-complete.pdf" data-hx-boost="false">Fiche enfant complète (PDF)</a></p>
<section aria-labelledby="h-photo">
  <h2 id="h-photo">Photo</h2>
  % if child.get('photo'):
  <img class="photo" src="/mes-informations/enfants/{{child['id']}}/photo.jpg" alt="Photo de {{child['first_name']}}">
  % else:
  <p>Aucune photo.</p>
  % end
  % for request in photo_pending:
  <p class="pending-value">Nouvelle photo envoyée <span class="status status-pending">en attente</span></p>
  <img class="photo" src="/mes-demandes/{{request.doc_id}}/photo.jpg" alt="Nouvelle photo de {{child['first_name']}}, en attente">
  % end
  <p class="actions"><a class="button button-secondary" href="/mes-informations/enfants/{{child['id']}}/photo">Envoyer une photo</a></p>
</section>
% for part in parts:
<section aria-labelledby="h-{{part['slug']}}">
  <h2 id="h-{{part['slug']}}">{{part['section'].title}}</h2>
  % include('family/record/_rows.tpl', rows=part['rows'])
  <p class="actions"><a class="button button-secondary" href="/mes-informations/enfants/{{child['id']}}/{{part['slug']}}">Modifier : {{part['section'].title}}</a></p>
</section>
% end
