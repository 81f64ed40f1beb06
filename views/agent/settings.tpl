% rebase('layout.tpl', title=title)
<h1>Paramètres</h1>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="/agent/parametres" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <fieldset><legend>La commune (en-tête des pages et des documents)</legend>
  % for name, label in fields:
    <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
      % if errors.get(name):
      <span class="error-text">{{errors[name]}}</span>
      % end
      <input id="f-{{name}}" name="{{name}}" value="{{commune.get(name, '')}}" maxlength="120"></div>
  % end
  </fieldset>
  <fieldset><legend>Adresse publique du portail</legend>
    <p class="hint">L'adresse à laquelle les familles ouvrent le portail : elle est imprimée sur les courriers d'accès et donnée à la banque pour les retours et les notifications de paiement.</p>
  % if public_url_fixed:
    <p><strong>{{public_url or '(aucune)'}}</strong></p>
    <p class="hint">Fixée au démarrage du portail (option --public-url ou variable PORTAL_PUBLIC_URL) : elle ne se modifie pas ici.</p>
  % else:
    <div class="field{{' field-error' if errors.get('public_url') else ''}}"><label for="f-public_url">Adresse publique (par exemple https://famille.ma-commune.fr)</label>
      % if errors.get('public_url'):
      <span class="error-text">{{errors['public_url']}}</span>
      % end
      <input id="f-public_url" name="public_url" type="url" value="{{public_url}}" maxlength="300"></div>
  % end
  % if not public_url:
    <p class="hint">Aucune adresse publique : les courriers d'accès ne peuvent pas indiquer l'adresse du portail, et la banque est rappelée à l'adresse de la page ouverte.</p>
  % end
    <p class="hint">Le portail répond seulement aux adresses : {{', '.join(allowed_hosts)}} (autres noms : option --allowed-hosts ou variable PORTAL_ALLOWED_HOSTS).</p>
  </fieldset>
  <fieldset><legend>Modules optionnels</legend>
    <p class="hint">Un module désactivé disparaît du portail ; ses données sont conservées.</p>
  % for key, label in modules:
    <label class="check"><input type="checkbox" name="{{key}}" value="1"{{!' checked' if enabled.get(key) else ''}}> {{label}}</label>
  % end
  </fieldset>
  <fieldset><legend>Paiement en ligne (Paybox System / Up2pay e-Transactions)</legend>
    <p class="hint">Valeurs fournies par la banque. Laissez la clé HMAC vide pour conserver la clé actuelle{{' (une clé est enregistrée)' if paybox.get('hmac_key_hex') else ''}}.</p>
  % for name, label, pattern in paybox_fields:
    <div class="field{{' field-error' if errors.get(name) else ''}}"><label for="f-{{name}}">{{label}}</label>
      % if errors.get(name):
      <span class="error-text">{{errors[name]}}</span>
      % end
      <input id="f-{{name}}" name="{{name}}" value="{{paybox.get(name, '')}}" maxlength="300"></div>
  % end
    <div class="field{{' field-error' if errors.get('hmac_key_hex') else ''}}"><label for="f-hmac_key_hex">Nouvelle clé HMAC</label>
      % if errors.get('hmac_key_hex'):
      <span class="error-text">{{errors['hmac_key_hex']}}</span>
      % end
      <input id="f-hmac_key_hex" name="hmac_key_hex" value="" autocomplete="off" maxlength="300"></div>
    <label class="check"><input type="checkbox" name="simulator" value="1"{{!' checked' if paybox.get('simulator') else ''}}> Simulateur de banque intégré (démonstration uniquement : aucun paiement réel)</label>
  </fieldset>
  <fieldset><legend>Accès au portail</legend>
    <div class="field{{' field-error' if errors.get('trusted_proxies') else ''}}"><label for="f-trusted_proxies">Proxys inverses de confiance</label>
      <span class="hint" id="f-trusted_proxies-hint">Adresses IP (ou réseaux) des serveurs qui relaient les visites vers le portail, séparées par des virgules. Leur en-tête X-Forwarded-For donne alors l'adresse des visiteurs (limitation des essais de connexion). Laissez vide si le portail reçoit les visites directement.</span>
      % if errors.get('trusted_proxies'):
      <span class="error-text" id="f-trusted_proxies-error">{{errors['trusted_proxies']}}</span>
      % end
      % if trusted_proxies_fixed:
      <input id="f-trusted_proxies" value="{{trusted_proxies or 'aucun'}}" readonly aria-describedby="f-trusted_proxies-hint f-trusted_proxies-fixed">
      <span class="hint" id="f-trusted_proxies-fixed">Défini au démarrage du portail (option --trusted-proxy ou variable PORTAL_TRUSTED_PROXIES) : modifiable seulement là.</span>
      % else:
      <input id="f-trusted_proxies" name="trusted_proxies" value="{{trusted_proxies}}" maxlength="1000" aria-describedby="f-trusted_proxies-hint{{' f-trusted_proxies-error' if errors.get('trusted_proxies') else ''}}"{{!' aria-invalid="true"' if errors.get('trusted_proxies') else ''}}>
      % end
    </div>
  </fieldset>
  % include('agent/_mail_settings.tpl')
  % include('agent/_notice_settings.tpl')
  <button type="submit" class="button">Enregistrer</button>
</form>
% include('agent/_mail_test.tpl')
<h2>Pages légales et aide</h2>
<p>Mentions légales, déclaration d'accessibilité, données personnelles et aide aux familles, liées en bas de chaque page :
<a href="/agent/parametres/pages-legales">modifier les pages légales et l'aide</a>.</p>
<h2>Pièces justificatives</h2>
<p>Les documents que chaque rubrique demande aux familles (avis d'imposition, attestation CAF, RIB…) et ceux qui sont obligatoires : <a href="/agent/parametres/pieces-justificatives">régler les pièces justificatives</a>.</p>
<h2>Exports</h2>
<p>Fichiers CSV pour le logiciel Enfance et la comptabilité : modifications validées, registre des familles, paiements d'une période : <a href="/agent/exports">exporter</a>.</p>
<h2>Services proposés aux familles</h2>
% if services:
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Service</th><th scope="col">Jours</th><th scope="col">Tarifs</th><th scope="col">Délai de prévenance</th><th scope="col">État</th></tr></thead>
  <tbody>
  % for s in services:
    <tr><td data-label="Service"><a href="/agent/services/{{s['id']}}">{{s['name']}}</a></td><td data-label="Jours">{{', '.join(weekdays[d] for d in s['weekdays'])}}</td>
        <td data-label="Tarifs">{{' / '.join(fmt.euros(b['price_cents']) for b in s['brackets'])}}</td>
        <td data-label="Délai de prévenance">{{fmt.plural(s['notice_working_days'], 'jour ouvré', 'jours ouvrés')}} avant, {{s['notice_time']}}</td><td data-label="État">{{'proposé' if s.get('active', True) else 'retiré'}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucun service.</p>
% end
<p><a class="button button-secondary" href="/agent/services/nouveau">Ajouter un service</a></p>
<h2>Conservation des données</h2>
<p><a href="/agent/parametres/conservation">Durées de conservation des données personnelles</a> : ce que le passage quotidien supprime ou anonymise, son aperçu avant le passage et son journal.</p>
<h2>Sauvegardes</h2>
<p><a href="/agent/parametres/sauvegardes">Sauvegardes des données</a> : celles de chaque nuit, leur dossier et leur journal.</p>
<form method="post" action="/agent/parametres/sauvegardes/telecharger" class="form">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button-secondary">Télécharger une sauvegarde</button>
</form>
