% rebase('layout.tpl', title='Accueil')
% parent = record.get('parent1') or {}
<h1>Bonjour {{parent.get('first_name', '')}} {{parent.get('last_name', '')}}</h1>
<p class="lead">Famille n° {{record.get('family_id')}}</p>
<section aria-labelledby="h-enfants">
  <h2 id="h-enfants">Vos enfants</h2>
  <ul class="cards">
  % for child in record.get('children', []):
    <li class="card"><strong>{{child.get('first_name')}} {{child.get('last_name')}}</strong><br>
      né(e) le {{fmt.date_fr(child.get('birth_date'))}}{{' · ' + child['extra'].get('school', '') if child.get('extra', {}).get('school') else ''}}</li>
  % end
  </ul>
</section>
<section aria-labelledby="h-demandes">
  <h2 id="h-demandes">Demandes en attente</h2>
  % if pending:
  <p>{{len(pending)}} demande(s) en attente de validation par la mairie.</p>
  % else:
  <p>Aucune demande en attente.</p>
  % end
</section>
