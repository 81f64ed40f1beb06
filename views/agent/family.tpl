% rebase('layout.tpl', title=title)
% parent = record.get('parent1') or {}
<p class="aside"><a href="/agent/familles">← Familles</a></p>
<h1>Famille {{family_id}} — {{parent.get('last_name', '')}} {{parent.get('first_name', '')}}</h1>
% if not account.get('active', True):
<p class="warning">Compte désactivé : la famille ne peut plus se connecter.</p>
% end
<dl class="stats">
  <div><dt>Solde</dt><dd>{{fmt.euros(balance)}}</dd></div>
  <div><dt>Demandes en attente</dt><dd><a href="/agent/demandes/{{family_id}}">{{pending}}</a></dd></div>
</dl>
<ul class="cards">
  <li class="card"><a href="/agent/familles/{{family_id}}/compte"><strong>Compte : factures et paiements</strong></a></li>
  <li class="card"><a href="/agent/demandes/{{family_id}}"><strong>Demandes et historique</strong></a></li>
</ul>
<h2>Enfants</h2>
<ul>
% for child in record.get('children', []):
  <li>{{child['first_name']}} {{child['last_name']}} (né(e) le {{fmt.date_fr(child.get('birth_date'))}}) —
    <a href="/agent/familles/{{family_id}}/enfants/{{child['id']}}/fiche-simple.pdf">fiche simple</a> ·
    <a href="/agent/familles/{{family_id}}/enfants/{{child['id']}}/fiche-complete.pdf">fiche complète</a></li>
% end
</ul>
