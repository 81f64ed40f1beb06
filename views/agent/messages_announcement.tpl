% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/messages">← Messages des familles</a></p>
<h1>{{announcement['subject']}}</h1>
<p>Annonce à toutes les familles ({{families_count}}) · Catégorie : {{categories.get(announcement.get('category'), announcement.get('category', ''))}}</p>
% if mailing:
<p id="envoi-courriels">Par courriel : {{fmt.plural(mailing['queued'], 'courriel mis', 'courriels mis')}} en file d'envoi{{', envoi terminé' if mailing['done'] else ', envoi en cours (quelques courriels par seconde)'}} ; {{fmt.plural(mailing['skipped'], "famille sans adresse e-mail, sans courriels de messages ou inscrite après l'annonce", "familles sans adresse e-mail, sans courriels de messages ou inscrites après l'annonce")}}. <a href="/agent/courriels">Voir les courriels</a></p>
% end
<article class="card message message-agent" id="message-1">
  <h2 class="message-author">Mairie{{' — ' + announcement['author_name'] if announcement.get('author_name') else ''}}</h2>
  <p class="muted">Publiée le {{fmt.date_fr(announcement['created_at'])}}</p>
  <div class="message-body pre-line">{{announcement['body']}}</div>
</article>
