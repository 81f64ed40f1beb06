% rebase('layout.tpl', title=title)
<h1>Pré-inscription envoyée</h1>
<p class="lead">Merci. La mairie a bien reçu votre fiche de pré-inscription. Après vérification, vous recevrez à l'adresse e-mail indiquée votre identifiant et un lien pour choisir votre mot de passe du portail famille.</p>
<p>Pour toute question : {{settings["commune"]["phone"]}} · {{settings["commune"]["email"]}}</p>
<p><a href="/connexion">Retour à la connexion</a></p>
