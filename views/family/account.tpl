% rebase('layout.tpl', title=title)
<h1>Mon compte</h1>
% if account.get('temporary_password'):
<p class="warning" role="status">Votre mot de passe est provisoire : choisissez maintenant votre propre mot de passe
  pour accéder au portail. Saisissez comme mot de passe actuel celui que la mairie vous a communiqué.</p>
% end
<section aria-labelledby="h-mdp">
  <h2 id="h-mdp">Changer mon mot de passe</h2>
  % if errors:
  <div class="flash flash-error" role="alert">Le mot de passe n'a pas été changé : corrigez les champs signalés.</div>
  % end
  <form method="post" action="/mon-compte/mot-de-passe" class="form" novalidate>
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    % include('_password_fields.tpl')
    <button type="submit" class="button">Changer le mot de passe</button>
  </form>
</section>
% include('family/_mail_preferences.tpl')
<section aria-labelledby="h-donnees">
  <h2 id="h-donnees">Mes données</h2>
  <p>Vous pouvez télécharger toutes les informations que la mairie conserve sur votre famille (fiche, demandes, messages, factures, paiements), au format JSON.</p>
  <p><a class="button button-secondary" href="/mon-compte/mes-donnees.json" hx-boost="false">Télécharger mes données</a></p>
</section>
