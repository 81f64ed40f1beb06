% rebase('layout.tpl', title=title)
<h1>Mes informations</h1>
<p class="lead">Vos informations telles que la mairie les connaît. Chaque modification est envoyée à la mairie sous forme de demande ; elle s'applique après validation.</p>
% if pending:
<p class="warning">{{fmt.plural(len(pending), 'demande')}} en attente de validation. <a href="/mes-demandes">Voir mes demandes</a></p>
% end
<h2>Famille</h2>
<ul class="cards">
% for key, slug in slugs.items():
  <li class="card"><a href="/mes-informations/{{slug}}"><strong>{{sections[key].title}}</strong></a><br>
  % if key in ('parent1', 'parent2'):
  %   parent = record.get(key) or {}
  <span class="muted">{{fmt.full_name(parent) or 'Non renseigné'}}</span>
  % end
  </li>
% end
  <li class="card"><a href="/mes-informations/personnes"><strong>Personnes autorisées</strong></a><br>
    <span class="muted">{{fmt.plural(len(record.get('persons', [])), 'personne')}}</span></li>
</ul>
<p class="aside">Vous pouvez aussi <a href="/mon-compte/mes-donnees.json" data-hx-boost="false">télécharger toutes vos données</a> (format JSON).</p>
<h2>Enfants</h2>
<ul class="cards">
% for child in record.get('children', []):
  <li class="card"><a href="/mes-informations/enfants/{{child['id']}}"><strong>{{fmt.full_name(child)}}</strong></a><br>
    <span class="muted">Données complémentaires, données sanitaires, photo</span></li>
% end
</ul>
