% rebase('layout.tpl', title=title)
<p><a href="/agent/courriels">← Tous les courriels</a></p>
<h1>{{mail['subject']}}</h1>
<p><span class="status {{row['status_class']}}">{{row['status']}}</span>
% if row['family_id']:
 — famille <a href="/agent/familles/{{row['family_id']}}">{{row['family_id']}}</a>
% end
 — type : {{row['kind']}}</p>
% if row['failed']:
<p class="flash flash-error" role="status">Dernière erreur : {{row['last_error']}}</p>
<form method="post" action="/agent/courriels/{{mail['id']}}/renvoyer" class="form">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button">Renvoyer ce courriel</button>
</form>
% end
<h2>En-têtes</h2>
<dl class="data-list">
% for name, value in headers:
  <dt>{{name}}</dt><dd>{{fmt.date_fr(value) if name == 'Date' else value}}</dd>
% end
</dl>
<h2>Texte</h2>
<div class="pre-line">{{mail['text']}}</div>
% if mail.get('html'):
<details><summary>Version HTML (code source)</summary>
<div class="pre-line">{{mail['html']}}</div>
</details>
% end
<h2>Essais d'envoi</h2>
% if attempts:
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Date</th><th scope="col">Serveur</th><th scope="col">Résultat</th><th scope="col">Réponse du serveur ou erreur</th></tr></thead>
  <tbody>
  % for a in attempts:
    <tr><td data-label="Date">{{fmt.date_fr(a['at'])}}</td><td data-label="Serveur">{{a['server']}}</td><td data-label="Résultat">{{a['result']}}</td><td data-label="Réponse du serveur ou erreur">{{a['answer']}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucun essai pour l'instant.</p>
% end
% if mail.get('retried_at'):
<p>Renvoi demandé le {{', le '.join(fmt.date_fr(at) for at in mail['retried_at'])}}.</p>
% end
