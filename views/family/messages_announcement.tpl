% rebase('layout.tpl', title=title)
<p class="aside"><a href="/messages">← Boîte de réception</a></p>
<h1>{{announcement['subject']}}</h1>
<p>Annonce à toutes les familles · Catégorie : {{categories.get(announcement.get('category'), announcement.get('category', ''))}}</p>
<article class="card message message-agent" id="message-1">
  <h2 class="message-author">Mairie{{' — ' + announcement['author_name'] if announcement.get('author_name') else ''}}
  % if was_unread:
    <span class="badge">nouveau</span>
  % end
  </h2>
  <p class="muted">Publiée le {{fmt.date_fr(announcement['created_at'])}}</p>
  <div class="message-body pre-line">{{announcement['body']}}</div>
</article>
<p class="actions"><a class="button button-secondary" href="{{ask_url}}">Poser une question à la mairie</a></p>
