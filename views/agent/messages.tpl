% rebase('layout.tpl', title=title)
<h1>Messages des familles</h1>
<p class="lead">{{fmt.plural(awaiting, 'conversation')}} en attente de réponse · {{fmt.plural(unread, 'message non lu', 'messages non lus')}}.</p>
<p class="actions"><a class="button" href="/agent/messages/nouveau">Écrire à une famille ou à toutes</a></p>
<nav aria-label="Filtrer les conversations">
  <p class="filters">Afficher :
  % for number, (key, label) in enumerate(filters.items()):
    {{'· ' if number else ''}}{{!'<strong aria-current="page">' if key == chosen else '<a href="/agent/messages' + ('?filtre=' + key if key else '') + '">'}}{{label}}{{!'</strong>' if key == chosen else '</a>'}}
  % end
  </p>
</nav>
% if rows:
<div class="table-wrap">
<table class="inbox">
  <caption>Conversations{{' — ' + filters[chosen].lower() if chosen else ''}} : non lues d'abord, puis en attente de réponse, les plus récentes en premier
  % if total > len(rows):
    ({{len(rows)}} premières sur {{total}})
  % end
  </caption>
  <thead><tr><th scope="col">Famille</th><th scope="col">Objet</th><th scope="col">Catégorie</th><th scope="col">Dernier message</th><th scope="col">État</th></tr></thead>
  <tbody>
  % for family, thread in rows:
    <tr{{!' class="unread"' if thread.unread else ''}}>
      <td data-label="Famille"><a href="/agent/messages/{{family.family_id}}">{{family.family_id}}</a><br>{{family.name}}</td>
      <td data-label="Objet">
      % if thread.unread:
        <a href="/agent/messages/{{family.family_id}}/{{thread.thread_id}}"><strong>{{thread.subject}}</strong></a> <span class="badge">{{fmt.plural(thread.unread, 'non lu', 'non lus')}}</span>
      % else:
        <a href="/agent/messages/{{family.family_id}}/{{thread.thread_id}}">{{thread.subject}}</a>
      % end
      % if thread.messages > 1:
        <span class="muted">({{thread.messages}} messages)</span>
      % end
      </td>
      <td data-label="Catégorie">{{categories.get(thread.category, thread.category)}}</td>
      <td data-label="Dernier message">{{fmt.date_fr(thread.last_at)}}</td>
      <td data-label="État">
      % if thread.open:
        <span class="status status-pending">Ouverte, à répondre</span>
      % elif thread.started_by == 'agent' and thread.messages == 1:
        Envoyée par la mairie
      % else:
        <span class="status status-validated">Répondue</span>
      % end
      </td>
    </tr>
  % end
  </tbody>
</table>
</div>
<p class="aside">La liste montre pour chaque famille ses conversations non lues ou en attente et ses trois dernières autres ;
toutes ses conversations sont sur sa page de messages (lien sur le numéro).</p>
% else:
<p>Aucune conversation{{' ' + filters[chosen].lower() if chosen else ''}}.</p>
% end
<h2>Annonces envoyées à toutes les familles</h2>
% if announcements:
<ul>
% for a in announcements:
  <li><a href="/agent/messages/annonces/{{a.doc_id}}">{{a['subject']}}</a> — {{fmt.date_fr(a['created_at'])}}</li>
% end
</ul>
% else:
<p>Aucune annonce pour l'instant.</p>
% end
