% if session.kind == 'agent':
%   links = [('/agent', 'Tableau de bord')]
%   label = 'Espace agent'
% else:
%   links = [('/accueil', 'Accueil')]
%   label = 'Espace famille'
% end
<nav class="main-nav" aria-label="{{label}}">
  <ul class="wrap">
  % for href, text in links:
    <li><a href="{{href}}"{{!' aria-current="page"' if path == href or (href not in ('/accueil', '/agent') and path.startswith(href)) else ''}}>{{text}}</a></li>
  % end
  </ul>
</nav>
