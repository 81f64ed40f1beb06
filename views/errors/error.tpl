% rebase('layout.tpl', title=title)
<h1>{{title}}</h1>
<p>{{text}}</p>
<p><a href="/">Retour à l'accueil</a></p>
