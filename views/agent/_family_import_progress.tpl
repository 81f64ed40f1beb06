% # The part of the progress page that htmx refreshes every second while the import runs (without JavaScript, the
% # page reloads itself: layout.tpl's noscript refresh).
% running = state['status'] in ('queued', 'running')
<div id="progression" role="status"{{!' data-hx-get="/agent/familles/import/' + token + '/progression" data-hx-trigger="every 1s" data-hx-swap="outerHTML"' if running else ''}}>
% if running:
  <p>Import en cours : {{state['done']}} / {{fmt.plural(state['total'], 'famille')}} traitées.</p>
  <progress max="{{state['total'] or 1}}" value="{{state['done']}}">{{state['done']}} / {{state['total']}}</progress>
  <p><a href="/agent/familles/import/{{token}}/progression">Actualiser</a></p>
% elif state['status'] == 'done':
  <p class="flash flash-success">Import terminé : {{fmt.plural(state['created'], 'famille créée', 'familles créées')}}, {{fmt.plural(state['updated'], 'famille mise à jour', 'familles mises à jour')}}, {{fmt.plural(state['unchanged'], 'famille inchangée', 'familles inchangées')}}.</p>
  % if waiting:
  <p>{{fmt.plural(waiting, 'famille importée attend ses', 'familles importées attendent leurs')}} accès au portail. <a class="button" href="/agent/familles/acces">Envoyer les accès</a></p>
  % end
% else:
  <div class="flash flash-warning">
    <p>L'import a été interrompu ({{state['done']}} / {{fmt.plural(state['total'], 'famille')}} traitées), par exemple par un redémarrage du portail. Le relancer termine le travail sans rien faire deux fois.</p>
    <form method="post" action="/agent/familles/import/{{token}}/confirmer">
      <input type="hidden" name="csrf_token" value="{{csrf_token}}">
      % if state.get('overwrite'):
      <input type="hidden" name="ecraser" value="1">
      % end
      <button type="submit" class="button">Relancer l'import</button>
    </form>
  </div>
% end
</div>
