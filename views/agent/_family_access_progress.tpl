% # Refreshed by htmx every second while the access run works; without JavaScript the page reloads itself.
% running = state['status'] in ('queued', 'running')
<div id="progression" role="status"{{!' data-hx-get="/agent/familles/acces/' + run_id + '" data-hx-trigger="every 1s" data-hx-swap="outerHTML"' if running else ''}}>
% if running:
  <p>Envoi en cours : {{state['done']}} / {{fmt.plural(state['total'], 'famille')}} traitées.</p>
  <progress max="{{state['total'] or 1}}" value="{{state['done']}}">{{state['done']}} / {{state['total']}}</progress>
  <p><a href="/agent/familles/acces/{{run_id}}">Actualiser</a></p>
% elif state['status'] == 'done':
  <p class="flash flash-success">Accès envoyés : {{fmt.plural(state['mailed'], 'courriel mis', 'courriels mis')}} en file d'envoi, {{fmt.plural(state['letters'], 'courrier', 'courriers')}} à imprimer.</p>
  % if state['pdf']:
  <p><a class="button" href="/agent/familles/acces/{{run_id}}/courriers.pdf" data-hx-boost="false">Télécharger les courriers (PDF)</a></p>
  <p class="hint">Les mots de passe provisoires ne sont écrits que dans ce PDF : téléchargez-le maintenant, il n'est conservé que jusqu'au redémarrage du portail.</p>
  % end
% else:
  <p class="flash flash-error">L'envoi s'est arrêté sur une erreur (enregistrée dans le journal du portail). Les familles non traitées attendent toujours : relancez l'envoi depuis la page des accès.</p>
% end
</div>
