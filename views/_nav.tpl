% if session.kind == 'agent':
%   pending_total = portal.index.pending_count()
%   awaiting = portal.index.awaiting_reply_count()
%   links = [('/agent', 'Tableau de bord', None), ('/agent/demandes', 'Gestion des demandes', pending_total), ('/agent/messages', 'Messages', awaiting or None), ('/agent/familles', 'Familles', None), ('/agent/factures/import', 'Import factures', None)] + ([('/agent/facturation', 'Facturation', None)] if settings['modules'].get('enrolments') else []) + [('/agent/journal', 'Journal', None), ('/agent/parametres', 'Paramètres', None)]
%   label = 'Espace agent'
% else:
%   links = [('/accueil', 'Accueil', None), ('/mes-informations', 'Mes informations', None), ('/mes-demandes', 'Mes demandes', None)] + ([('/inscriptions', 'Inscriptions', None)] if settings['modules'].get('enrolments') else []) + [('/factures', 'Factures', None), ('/releve', 'Relevé de compte', None), ('/messages', 'Messages', portal.index.unread_messages(session.account_id) or None)]
%   label = 'Espace famille'
% end
% def badge(href, count):
%   if href.endswith('/messages'):
%     hint = ' en attente de réponse' if session.kind == 'agent' else ' non lu(s)'
%     return ' <span class="badge" id="nav-messages">' + str(count) + '<span class="visually-hidden">' + hint + '</span></span>'
%   end
%   return ' <span class="badge" id="nav-pending">' + str(count) + '</span>'
% end
<nav class="main-nav" aria-label="{{label}}">
  <ul class="wrap">
  % for href, text, count in links:
    <li><a href="{{href}}"{{!' aria-current="page"' if path == href or (href not in ('/accueil', '/agent') and path.startswith(href)) else ''}}>{{text}}{{!badge(href, count) if count is not None else ''}}</a></li>
  % end
  </ul>
</nav>
