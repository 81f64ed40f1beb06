% rebase('layout.tpl', title=title)
<h1>Accès des familles importées</h1>
% if waiting:
<p>{{fmt.plural(waiting, 'famille importée n\'a pas encore reçu ses', 'familles importées n\'ont pas encore reçu leurs')}} accès au portail :</p>
<ul>
  <li>{{fmt.plural(by_mail, 'famille recevra', 'familles recevront')}} un courriel avec un lien pour choisir son mot de passe (valable 7 jours) ;</li>
  <li>{{fmt.plural(by_letter, 'famille', 'familles')}} sans adresse e-mail : un courrier à imprimer (un seul PDF, une page par famille) avec l'identifiant et un mot de passe provisoire à changer à la première connexion.</li>
</ul>
<form method="post" action="/agent/familles/acces" class="form">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button">Envoyer les accès</button>
</form>
% else:
<p>Aucune famille importée n'attend ses accès.</p>
% end
% if runs:
<h2>Derniers envois</h2>
<ul>
% for run in runs:
  <li><a href="/agent/familles/acces/{{run['run_id']}}">Envoi du {{fmt.date_fr(run['queued_at'])}}</a> : {{fmt.plural(run['total'], 'famille')}}</li>
% end
</ul>
<p class="hint">Les envois et leurs courriers ne sont gardés que jusqu'au redémarrage du portail.</p>
% end
<p><a href="/agent/familles/import">Importer des familles</a></p>
