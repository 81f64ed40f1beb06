% # One line of a text in the light markup: its pieces of text and its links, escaped.
% for piece in line:
%   if piece.href:
<a href="{{piece.href}}">{{piece.text}}</a>\\
%   else:
{{piece.text}}\\
%   end
% end
