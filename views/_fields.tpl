% # Every input of a section form; expects fields, values, errors.
% for f in fields:
%   if hasattr(f, 'columns'):
%     include('_list_field.tpl', list_field=f, rows=values.get(f.name) or [])
%   else:
%     include('_field.tpl', field=f, value=values.get(f.name), error=errors.get(f.name), fid='f-' + f.name)
%   end
% end
