% rebase('layout.tpl', title=title)
<h1>Lien expiré ou déjà utilisé</h1>
<p class="lead">Ce lien ne permet plus de choisir un mot de passe : il a déjà servi, il a expiré, ou un lien plus récent
  a été envoyé depuis.</p>
<p>Un lien « Mot de passe oublié » est valable 1 heure ; celui d'un compte ouvert ou réinitialisé par la mairie,
  7 jours. Chacun ne sert qu'une fois.</p>
<p><a class="button" href="/mot-de-passe-oublie">Demander un nouveau lien</a></p>
<p>Vous avez déjà choisi votre mot de passe ? <a href="/connexion">Connectez-vous</a>. Besoin d'aide : la mairie au
  {{settings["commune"]["phone"]}}.</p>
