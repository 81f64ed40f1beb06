% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/messages">← Messages des familles</a></p>
<h1>{{announcement['subject']}}</h1>
<p>Annonce à toutes les familles ({{families_count}}) · Catégorie : {{categories.get(announcement.get('category'), announcement.get('category', ''))}}</p>
<article class="card message message-agent" id="message-1">
  <h2 class="message-author">Mairie{{' — ' + announcement['author_name'] if announcement.get('author_name') else ''}}</h2>
  <p class="muted">Publiée le {{fmt.date_fr(announcement['created_at'])}}</p>
  <div class="message-body pre-line">{{announcement['body']}}</div>
</article>
