% # One message of a conversation, plain text escaped with its line breaks kept. Expects message, viewer ('family' or 'agent'), anchor.
% mine = message['author'] == viewer
% new = message['author'] != viewer and not message.get('read_at')
<article class="card message message-{{message['author']}}" id="{{anchor}}">
  <h2 class="message-author">
  % if message['author'] == 'agent':
    Mairie{{' — ' + message['author_name'] if message.get('author_name') else ''}}
  % elif viewer == 'family':
    Vous
  % else:
    {{message.get('author_name') or 'La famille'}}
  % end
  % if new:
    <span class="badge">nouveau</span>
  % end
  </h2>
  <p class="muted">{{'Envoyé' if mine else 'Reçu'}} le {{fmt.date_fr(message['created_at'])}}</p>
  <div class="message-body pre-line">{{message['body']}}</div>
</article>
