% rebase('layout.tpl', title=title)
<p class="aside"><a href="/messages">← Boîte de réception</a></p>
<h1>{{thread.subject}}</h1>
<p>Catégorie : {{categories.get(thread.category, thread.category)}} ·
% if thread.status == 'open':
  <span class="status status-pending">En attente de réponse de la mairie</span>
% else:
  <span class="status status-validated">{{'Répondu' if thread.started_by == 'family' else 'Message de la mairie'}}</span>
% end
</p>
% for number, message in enumerate(thread.messages, 1):
%   include('family/_message.tpl', message=message, viewer='family', anchor='message-' + str(number))
% end
<section aria-labelledby="h-repondre" id="repondre">
  <h2 id="h-repondre">Répondre</h2>
  % include('_form_errors.tpl')
  <form method="post" action="/messages/{{thread.thread_id}}/repondre#repondre" class="form" novalidate>
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    % include('_field.tpl', field=reply_field, value=values.get('body'), error=errors.get('body'), fid='f-body')
    <p class="actions"><button type="submit" class="button">Envoyer la réponse</button></p>
  </form>
</section>
