<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Accès refusé — Simulateur de paiement</title>
<meta name="description" content="{{description}}">
<link rel="stylesheet" href="{{static_url('css/portal.css')}}">
<link rel="icon" href="{{static_url('favicon.svg')}}" type="image/svg+xml">
</head>
<body>
<main id="contenu" class="wrap">
<div class="login-box">
  <p class="warning"><strong>Simulateur de la banque</strong> (démonstration et tests)</p>
  <h1>Accès refusé</h1>
  <p role="alert">{{problem}}</p>
  <p>Aucun paiement n'a été effectué. <a href="/accueil">Retour au portail famille</a></p>
</div>
</main>
<footer class="site-footer">
  <div class="wrap">
  % include('_legal_links.tpl')
  </div>
</footer>
</body>
</html>
