% label, links = nav
% def badge(href, count):
%   if href.endswith('/messages'):
%     hint = ' en attente de réponse' if session.kind == 'agent' else ' ' + fmt.plural(count, 'non lu', 'non lus', with_count=False)
%     return ' <span class="badge" id="nav-messages">' + str(count) + '<span class="visually-hidden">' + hint + '</span></span>'
%   end
%   return ' <span class="badge" id="nav-pending">' + str(count) + '</span>'
% end
<nav class="main-nav" id="menu" aria-label="{{label}}" tabindex="-1">
  <ul class="wrap">
  % for href, text, count in links:
    <li><a href="{{href}}"{{!' aria-current="page"' if path == href or (href not in ('/accueil', '/agent') and path.startswith(href)) else ''}}>{{text}}{{!badge(href, count) if count is not None else ''}}</a></li>
  % end
    <li class="menu-close"><a href="#contenu">Fermer le menu</a></li>
  </ul>
</nav>
