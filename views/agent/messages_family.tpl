% rebase('layout.tpl', title=title)
% parent = record.get('parent1') or {}
<p class="aside"><a href="/agent/messages">← Messages des familles</a> · <a href="/agent/familles/{{family_id}}">Fiche de la famille</a></p>
<h1>Messages de la famille {{family_id}} — {{fmt.full_name(parent)}}</h1>
<p class="actions"><a class="button" href="/agent/messages/nouveau?famille={{family_id}}">Écrire à cette famille</a></p>
% if threads:
<div class="table-wrap">
<table class="inbox">
  <caption>Conversations ({{len(threads)}}), les plus récentes en premier</caption>
  <thead><tr><th scope="col">Objet</th><th scope="col">Catégorie</th><th scope="col">Dernier message</th><th scope="col">État</th></tr></thead>
  <tbody>
  % for thread in threads:
  %   unread = thread.unread_by('agent')
    <tr>
      <td data-label="Objet"><a href="/agent/messages/{{family_id}}/{{thread.thread_id}}">{{!'<strong>' if unread else ''}}{{thread.subject}}{{!'</strong>' if unread else ''}}</a>
      % if unread:
        <span class="badge">{{fmt.plural(unread, 'non lu', 'non lus')}}</span>
      % end
        <span class="muted">({{fmt.plural(len(thread.messages), 'message')}})</span></td>
      <td data-label="Catégorie">{{categories.get(thread.category, thread.category)}}</td>
      <td data-label="Dernier message">{{fmt.date_fr(thread.last_at)}}<br><span class="muted">{{'Famille' if thread.last['author'] == 'family' else 'Mairie'}}</span></td>
      <td data-label="État">
      % if thread.status == 'open':
        <span class="status status-pending">Ouverte, à répondre</span>
      % elif thread.started_by == 'agent' and len(thread.messages) == 1:
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
% else:
<p>Aucune conversation avec cette famille.</p>
% end
