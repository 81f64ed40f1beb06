% rebase('layout.tpl', title='Page d\'essai')
<h1>Page d'essai</h1>
<div id="liste">
% include('_test_part.tpl')
</div>
