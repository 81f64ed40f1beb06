<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulateur de paiement — Paybox System</title>
<meta name="description" content="{{description}}">
<link rel="stylesheet" href="{{static_url('css/portal.css')}}">
<link rel="icon" href="{{static_url('favicon.svg')}}" type="image/svg+xml">
</head>
<body>
<main id="contenu" class="wrap">
<div class="login-box">
  <p class="warning"><strong>Simulateur de la banque</strong> (démonstration et tests) : aucune carte n'est demandée ni débitée.</p>
  <h1>Paiement sécurisé</h1>
  <dl class="data-list">
    <div><dt>Montant</dt><dd><strong>{{fmt.euros(amount_cents)}}</strong></dd></div>
    <div><dt>Référence de la commande</dt><dd>{{values['PBX_CMD']}}</dd></div>
    <div><dt>Adresse e-mail du porteur</dt><dd>{{values['PBX_PORTEUR']}}</dd></div>
    <div><dt>Commerçant</dt><dd>site {{values['PBX_SITE']}}, rang {{values['PBX_RANG']}}</dd></div>
  </dl>
  <p class="muted">Empreinte PBX_HMAC vérifiée.</p>
  <form method="post" action="/paiement-en-ligne/simulateur/decision">
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % for name, value in fields:
    <input type="hidden" name="{{name}}" value="{{value}}">
  % end
    <p>
      <button type="submit" class="button" name="decision" value="accepter">Accepter le paiement</button>
      <button type="submit" class="button button-danger" name="decision" value="refuser">Refuser</button>
      <button type="submit" class="button button-secondary" name="decision" value="annuler">Annuler</button>
    </p>
  </form>
</div>
</main>
<footer class="site-footer">
  <div class="wrap">
  % include('_legal_links.tpl')
  </div>
</footer>
</body>
</html>
