% rebase('layout.tpl', title=title)
<section class="login-box">
  <h1>{{'Choisir votre mot de passe' if first else 'Choisir un nouveau mot de passe'}}</h1>
  <p>Votre identifiant : <strong>{{family_id}}</strong>. Notez-le : il vous servira à chaque connexion.</p>
  % if errors:
  <div class="flash flash-error" role="alert">Le mot de passe n'a pas été enregistré : corrigez les champs signalés.</div>
  % end
  % # not boosted: a link used meanwhile answers 410, which htmx 1.9 would not show
  <form method="post" action="/mot-de-passe/{{token}}" class="form" novalidate data-hx-boost="false">
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    % for name, label, key in (('nouveau', 'Nouveau mot de passe', 'new'), ('confirmation', 'Nouveau mot de passe (confirmation)', 'confirmation')):
    <div class="field{{' field-error' if errors.get(key) else ''}}">
      <label for="f-{{name}}">{{label}}</label>
      % if name == 'nouveau':
      <span class="hint" id="rule-hint">{{rule}}</span>
      % end
      % if errors.get(key):
      <span class="error-text" id="{{name}}-error">{{errors[key]}}</span>
      % end
      <input type="password" id="f-{{name}}" name="{{name}}" autocomplete="new-password" required{{!' aria-describedby="rule-hint"' if name == 'nouveau' else ''}}{{!' aria-invalid="true"' if errors.get(key) else ''}}>
    </div>
    % end
    <button type="submit" class="button">Enregistrer le mot de passe</button>
  </form>
</section>
