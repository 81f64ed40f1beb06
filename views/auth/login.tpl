% rebase('layout.tpl', title=title)
<section class="login-box">
  <h1>{{'Espace agent — connexion' if area == 'agent' else 'Connexion à votre espace famille'}}</h1>
  % if error:
  <div class="flash flash-error" role="alert" id="login-error">{{error}}</div>
  % elif query.get('deconnecte'):
  <div class="flash flash-success" role="status">Vous êtes déconnecté.</div>
  % elif area == 'family' and query.get('mot-de-passe') == 'choisi':
  <div class="flash flash-success" role="status">Votre mot de passe est enregistré. Connectez-vous avec votre identifiant et ce mot de passe.</div>
  % end
  % # not boosted: htmx 1.9 does not show a 429 (too many attempts) answer, a plain POST does
  <form method="post" action="{{'/agent/connexion' if area == 'agent' else '/connexion'}}" class="form" data-hx-boost="false">
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    <div class="field">
      <label for="identifiant">{{'Identifiant' if area == 'agent' else 'Identifiant (numéro de famille)'}}</label>
      <input id="identifiant" name="identifiant" value="{{identifiant}}" required autocomplete="username"
             {{!'inputmode="numeric"' if area != 'agent' else ''}} {{!'aria-describedby="login-error"' if error else ''}}>
    </div>
    <div class="field">
      <label for="mot_de_passe">Mot de passe</label>
      <input id="mot_de_passe" name="mot_de_passe" type="password" required autocomplete="current-password">
    </div>
    <button type="submit" class="button">Se connecter</button>
  </form>
  % if area == 'agent':
  <p class="aside"><a href="/connexion">Vous êtes une famille ? Espace famille</a></p>
  % else:
  <p class="aside"><a href="/mot-de-passe-oublie">Mot de passe oublié ?</a> Recevez par courriel un lien pour en choisir un nouveau.</p>
  <p class="aside">Votre identifiant figure sur votre dernière facture. Besoin d'aide : la mairie au {{settings["commune"]["phone"]}}.</p>
  <p class="aside">Nouvelle famille dans la commune ? <a href="/pre-inscription">Remplir la fiche de pré-inscription</a></p>
  <p class="aside"><a href="/agent/connexion">Espace agent de la collectivité</a></p>
  % end
</section>
