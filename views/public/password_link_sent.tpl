% rebase('layout.tpl', title=title)
<h1>Demande envoyée</h1>
<p class="lead">Si un compte du portail correspond à ce que vous avez saisi et qu'une adresse e-mail y est enregistrée,
  un courriel vient d'y être envoyé avec un lien pour choisir un nouveau mot de passe.</p>
<p>Le lien est valable 1 heure et ne sert qu'une fois. Votre mot de passe actuel reste valable tant que vous n'en avez
  pas choisi un autre.</p>
<p>Rien reçu après quelques minutes ? Regardez dans les courriers indésirables, ou contactez la mairie au
  {{settings["commune"]["phone"]}}.</p>
<p><a href="/connexion">Retour à la connexion</a></p>
