<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"historyCacheSize":0,"scrollIntoViewOnBoost":false}'>
<title>{{title + " — " if title else ""}}Portail Famille · {{settings["commune"]["name"]}}</title>
<meta name="description" content="{{description}}">
% if get('auto_refresh'):
% # A page that follows work in progress: without JavaScript it reloads itself (with it, htmx refreshes the part).
<noscript><meta http-equiv="refresh" content="2"></noscript>
% end
<link rel="stylesheet" href="{{static_url('css/portal.css')}}">
<link rel="icon" href="{{static_url('favicon.svg')}}" type="image/svg+xml">
<script src="{{static_url('js/htmx-1.9.12.min.js')}}" defer></script>
</head>
<body data-hx-boost="true">
<a class="skip-link" href="#contenu">Aller au contenu</a>
<header class="site-header">
  <div class="wrap header-row">
    <p class="brand"><a href="/">Portail Famille</a> <span class="commune">{{settings["commune"]["name"]}}</span></p>
    % if session:
    % # On a phone the menu is folded: this link shows it (CSS :target), without JavaScript; on a wide screen it is hidden.
    <a class="menu-link" href="#menu">Menu</a>
    <form class="logout" method="post" action="{{'/agent/deconnexion' if session.kind == 'agent' else '/deconnexion'}}">
      <input type="hidden" name="csrf_token" value="{{csrf_token}}">
      <span class="who">{{'Agent :' if session.kind == 'agent' else 'Famille n°'}} {{session.account_id}}</span>
      <a class="header-link" href="{{'/agent/mon-compte' if session.kind == 'agent' else '/mon-compte'}}"{{!' aria-current="page"' if path in ('/mon-compte', '/agent/mon-compte') else ''}}>Mon compte</a>
      <button type="submit" class="link-button">Se déconnecter</button>
    </form>
    % end
  </div>
  % if session:
  % include('_nav.tpl')
  % end
</header>
<main id="contenu" class="wrap{{" wide" if get("wide_page") else ""}}" tabindex="-1">
% include('_flashes.tpl')
{{!base}}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>{{settings["commune"]["name"]}} — {{settings["commune"]["service"]}} · {{settings["commune"]["address1"]}}, {{settings["commune"]["postcode"]}} {{settings["commune"]["city"]}} · {{settings["commune"]["phone"]}}</p>
    % include('_legal_links.tpl')
  </div>
</footer>
</body>
</html>
