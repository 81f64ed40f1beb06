% rebase('layout.tpl', title=title)
% parent = record.get('parent1') or {}
<p class="aside"><a href="/agent/messages">← Messages des familles</a> · <a href="/agent/messages/{{family_id}}">Toutes les conversations de la famille {{family_id}}</a> · <a href="/agent/familles/{{family_id}}">Fiche de la famille</a></p>
<h1>{{thread.subject}}</h1>
<p>Famille {{family_id}} — {{fmt.full_name(parent)}} · Catégorie : {{categories.get(thread.category, thread.category)}} ·
% if thread.status == 'open':
  <span class="status status-pending">Ouverte, à répondre</span>
% else:
  <span class="status status-validated">Répondue</span>
% end
</p>
% for number, message in enumerate(thread.messages, 1):
%   include('family/_message.tpl', message=message, viewer='agent', anchor='message-' + str(number))
% end
<section aria-labelledby="h-repondre" id="repondre">
  <h2 id="h-repondre">Répondre à la famille</h2>
  % include('_form_errors.tpl')
  <form method="post" action="/agent/messages/{{family_id}}/{{thread.thread_id}}/repondre#repondre" class="form" novalidate>
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    % include('_field.tpl', field=reply_field, value=values.get('body'), error=errors.get('body'), fid='f-body')
    <p class="actions"><button type="submit" class="button">Envoyer la réponse</button></p>
  </form>
</section>
