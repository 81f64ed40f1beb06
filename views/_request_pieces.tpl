% # The supporting documents of a request (the family's Mes demandes, the agent's card); expects documents, base
% # (the request's URL) and kept (whether its files still exist).
<div class="request-pieces">
  <p><strong>Pièces justificatives ({{len(documents)}})</strong>{{'' if kept else ' : supprimées avec la demande'}}</p>
  <ul>
  % for d in documents:
    <li>
    % if kept:
      <a href="{{base}}/pieces/{{d['file']}}" data-hx-boost="false">Ouvrir : {{d['type']}}</a>
    % else:
      {{d['type']}}
    % end
      — {{d['name']}} ({{'PDF' if d['content'] == 'pdf' else 'photo'}}, {{max(1, d['size'] // 1024)}} Ko)</li>
  % end
  </ul>
</div>
