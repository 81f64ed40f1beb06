% # A text in the light markup (views/markup.py), as parsed blocks: every piece of text escaped, links checked.
% for block in blocks:
%   if block.kind in ('h2', 'h3'):
<{{block.kind}}>\\
%     include('legal/_line.tpl', line=block.lines[0])
</{{block.kind}}>
%   elif block.kind == 'ul':
<ul>
%     for line in block.lines:
  <li>\\
%       include('legal/_line.tpl', line=line)
</li>
%     end
</ul>
%   else:
<p>\\
%     for number, line in enumerate(block.lines):
%       if number:
<br>
%       end
%       include('legal/_line.tpl', line=line)
%     end
</p>
%   end
% end
