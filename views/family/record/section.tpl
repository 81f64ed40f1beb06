% rebase('layout.tpl', title=title)
<p class="aside"><a href="/mes-informations">← Mes informations</a></p>
<h1>{{section.title}}</h1>
% if empty:
<p>{{'Aucun conjoint renseigné.' if section.key == 'parent2' else 'Aucune information renseignée.'}}</p>
% end
% include('family/record/_rows.tpl', rows=rows)
<p class="actions"><a class="button" href="{{edit_url}}">{{'Ajouter un conjoint' if empty and section.key == 'parent2' else 'Modifier'}}</a></p>
