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
  <p>Vous pouvez obtenir tout ce que la mairie conserve sur votre famille : vos coordonnées et celles de votre
  conjoint, vos enfants (avec leurs données de santé), les personnes autorisées à venir les chercher, vos données
  fiscales, C.A.F. et bancaires, vos demandes, vos messages, vos factures et vos paiements. Votre mot de passe n'y
  figure pas.</p>
  <p>Le résumé en PDF se lit et s'imprime facilement. Le fichier complet (format JSON) contient chaque détail, sous une
  forme qu'un logiciel peut relire : c'est lui qu'il faut transmettre si vous voulez confier vos données à un autre
  service.</p>
  <p><a class="button" href="/mon-compte/mes-donnees.pdf" data-hx-boost="false">Résumé de mes données (PDF)</a>
  <a class="button button-secondary" href="/mon-compte/mes-donnees.json" data-hx-boost="false">Télécharger mes données (fichier JSON)</a></p>
  <p class="aside">Ce que la mairie fait de vos données et vos droits : <a href="/donnees-personnelles">Données personnelles</a>.</p>
</section>
