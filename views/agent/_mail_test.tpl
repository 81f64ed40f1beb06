<h2 id="courriel-essai">Courriel d'essai</h2>
<p>Envoie tout de suite un courriel au serveur SMTP réglé ci-dessus et affiche sa réponse (ou l'erreur), sans passer par la file d'attente.</p>
<form method="post" action="/agent/parametres/courriel-essai" class="form">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <div class="field"><label for="f-test-adresse">Adresse du destinataire</label>
    <input id="f-test-adresse" name="adresse" type="email" value="{{settings['commune'].get('email', '')}}" autocomplete="email" maxlength="254"></div>
  <button type="submit" class="button button-secondary">Envoyer un courriel d'essai</button>
</form>
