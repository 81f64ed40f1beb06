% rebase('layout.tpl', title=title)
<h1>Courriels</h1>
<p class="lead">Chaque courriel que le portail envoie aux familles, avec son état : {{counts['pending']}} en attente, {{fmt.plural(counts['sent'], 'envoyé')}}, {{counts['failed']}} en échec.</p>
% if smtp_problem:
<p class="flash flash-error" role="status">Les courriels ne partent pas : {{smtp_problem}}. Ils sont conservés et partiront dès que le serveur SMTP sera réglé dans <a href="/agent/parametres#courriels">Paramètres</a>.</p>
% end
<form method="get" action="/agent/courriels" class="form" role="search">
  <div class="field{{' field-error' if family_error else ''}}"><label for="f-famille">Numéro de famille</label>
    % if family_error:
    <span class="error-text" id="f-famille-error">{{family_error}}</span>
    % end
    <input id="f-famille" name="famille" value="{{family_id}}" inputmode="numeric" maxlength="12"{{!' aria-describedby="f-famille-error"' if family_error else ''}}></div>
  <div class="field"><label for="f-statut">État</label>
    <select id="f-statut" name="statut">
    % for key, (label, _) in filters.items():
      <option value="{{key}}"{{!' selected' if key == chosen else ''}}>{{label}}</option>
    % end
    </select></div>
  <button type="submit" class="button button-secondary">Filtrer</button>
</form>
% if rows:
<div class="table-wrap"><table>
  <caption>{{fmt.plural(total, 'courriel')}}, les plus récents en premier{{' — page ' + str(page) + ' sur ' + str(pages) if pages > 1 else ''}}</caption>
  <thead><tr><th scope="col">Date</th><th scope="col">Famille</th><th scope="col">Destinataire</th><th scope="col">Objet</th><th scope="col">État</th><th scope="col" class="num">Essais</th></tr></thead>
  <tbody>
  % for r in rows:
    <tr><td data-label="Date">{{fmt.date_fr(r['created_at'])}}</td>
        % if r['family_id']:
        <td data-label="Famille"><a href="/agent/familles/{{r['family_id']}}">{{r['family_id']}}</a></td>
        % else:
        <td data-label="Famille">—</td>
        % end
        <td data-label="Destinataire">{{r['to']}}</td><td data-label="Objet"><a href="/agent/courriels/{{r['id']}}">{{r['subject']}}</a></td>
        <td data-label="État"><span class="status {{r['status_class']}}">{{r['status']}}</span></td><td class="num" data-label="Essais">{{r['attempts']}}</td></tr>
  % end
  </tbody>
</table></div>
% if previous_url or next_url:
<nav aria-label="Pages de la liste des courriels"><p class="filters">
  % if previous_url:
  <a href="{{previous_url}}" rel="prev">Plus récents</a>
  % end
  % if next_url:
  <a href="{{next_url}}" rel="next">Plus anciens</a>
  % end
</p></nav>
% end
% else:
<p>Aucun courriel{{' pour ce filtre' if family_id or chosen else ''}}.</p>
% end
