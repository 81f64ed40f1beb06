% rebase('layout.tpl', title=title)
<section class="login-box">
  <h1>Mot de passe oublié</h1>
  <p>Indiquez votre identifiant (le numéro de famille, sur vos factures) ou l'adresse e-mail du responsable du compte.
    Si un compte correspond, vous recevrez un courriel avec un lien pour choisir un nouveau mot de passe : il est
    valable 1 heure et ne sert qu'une fois.</p>
  % if error:
  <div class="flash flash-error" role="alert" id="forgotten-error">{{error}}</div>
  % end
  % # not boosted: htmx 1.9 does not show a 429 (too many requests) answer, a plain POST does
  <form method="post" action="/mot-de-passe-oublie" class="form" data-hx-boost="false">
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    <div class="field">
      <label for="identifiant">Identifiant ou adresse e-mail</label>
      <input id="identifiant" name="identifiant" value="{{typed}}" required maxlength="254" autocomplete="username"
             {{!'aria-describedby="forgotten-error"' if error else ''}}>
    </div>
    <button type="submit" class="button">Recevoir un lien par courriel</button>
  </form>
  <p class="aside">Pas d'adresse e-mail enregistrée sur votre dossier ? Contactez la mairie au {{settings["commune"]["phone"]}}.</p>
  <p class="aside"><a href="/connexion">Retour à la connexion</a></p>
</section>
