% if errors or refusal:
<div class="flash flash-error" role="alert" id="form-errors" tabindex="-1">
  % if refusal:
  <p>{{refusal}}</p>
  % end
  % if errors:
  <p>Le formulaire contient {{fmt.plural(len(errors), 'erreur')}}. Rien n'a été enregistré ; corrigez les champs signalés :</p>
  <ul>
  % for name, message in errors.items():
    <li><a href="#{{'f-' + name if not name[-1].isdigit() else name}}">{{message}}</a></li>
  % end
  </ul>
  % end
</div>
% end
