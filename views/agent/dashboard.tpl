% rebase('layout.tpl', title='Tableau de bord')
<h1>Tableau de bord</h1>
<dl class="stats">
  <div><dt>Familles</dt><dd>{{families_count}}</dd></div>
  <div><dt>Demandes en attente</dt><dd>{{pending_count}}</dd></div>
</dl>
