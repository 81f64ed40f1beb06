% for kind, text in flashes:
<div class="flash flash-{{kind}}" role="{{'alert' if kind == 'error' else 'status'}}">{{text}}</div>
% end
