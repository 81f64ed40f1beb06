% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/parametres">← Paramètres</a></p>
<h1>Conservation des données</h1>
<p class="lead">Les données personnelles des familles ne sont gardées que le temps nécessaire au service (RGPD, article 5).
Chaque jour à {{hour}} h, et au démarrage du portail si le passage du jour n'a pas eu lieu, le portail supprime
ou anonymise ce qui a dépassé sa durée de conservation. Le journal n'en garde que le nombre, jamais le contenu.</p>

<section aria-labelledby="h-passage">
<h2 id="h-passage">Passage quotidien</h2>
% include('agent/_retention_runs.tpl')
<p><a class="button" href="/agent/parametres/conservation/apercu">Voir ce qu'un passage supprimerait maintenant</a></p>
<p class="hint">L'aperçu compte, sorte par sorte, ce qui a dépassé sa durée ; il permet aussi de lancer le passage sans attendre.</p>
</section>

<section aria-labelledby="h-durees">
<h2 id="h-durees">Durées de conservation</h2>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="/agent/parametres/conservation" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  % for period in periods:
  <div class="field{{' field-error' if errors.get(period.key) else ''}}"><label for="f-{{period.key}}">{{period.label}} : nombre de {{period.unit}} {{period.after}} (par défaut {{period.default}})</label>
    <span class="hint" id="f-{{period.key}}-hint">{{period.hint}}</span>
    % if errors.get(period.key):
    <span class="error-text" id="f-{{period.key}}-error">{{errors[period.key]}}</span>
    % end
    <input id="f-{{period.key}}" name="{{period.key}}" value="{{values.get(period.key, '')}}" inputmode="numeric" maxlength="10" aria-describedby="f-{{period.key}}-hint{{' f-' + period.key + '-error' if errors.get(period.key) else ''}}"{{!' aria-invalid="true"' if errors.get(period.key) else ''}}></div>
  % end
  <div class="field{{' field-error' if errors.get(hour_key) else ''}}"><label for="f-{{hour_key}}">Heure du passage quotidien (0 à 23, par défaut 3)</label>
    <span class="hint" id="f-{{hour_key}}-hint">De préférence la nuit, quand personne n'utilise le portail.</span>
    % if errors.get(hour_key):
    <span class="error-text" id="f-{{hour_key}}-error">{{errors[hour_key]}}</span>
    % end
    <input id="f-{{hour_key}}" name="{{hour_key}}" value="{{values.get(hour_key, '')}}" inputmode="numeric" maxlength="10" aria-describedby="f-{{hour_key}}-hint{{' f-' + hour_key + '-error' if errors.get(hour_key) else ''}}"{{!' aria-invalid="true"' if errors.get(hour_key) else ''}}></div>
  <button type="submit" class="button">Enregistrer</button>
</form>
<h3>Sans durée à régler</h3>
<ul>
  <li>Justificatifs et photos d'une demande retirée ou annulée : supprimés aussitôt ; ceux qu'un incident aurait laissés partent au passage suivant.</li>
  <li>Liens « choisir un mot de passe » (valables 1 heure ou 7 jours) et sessions de connexion (2 heures d'inactivité, 12 heures au plus) : inutilisables dès leur expiration, effacés au passage suivant.</li>
  <li>Échecs de connexion et limites contre les abus : gardés en mémoire seulement, jamais sur le disque, et oubliés d'eux-mêmes (une heure à un jour ; 90 jours pour les appareils reconnus) ou au redémarrage.</li>
  <li>Factures et paiements : gardés pour la comptabilité ; ceux d'une famille anonymisée ne portent plus de nom.</li>
</ul>
</section>

<section aria-labelledby="h-journal">
<h2 id="h-journal">Journal des suppressions</h2>
% if journal:
<div class="table-wrap"><table id="retention-journal">
  <thead><tr><th scope="col">Date</th><th scope="col">Par</th><th scope="col">Supprimé ou anonymisé</th></tr></thead>
  <tbody>
  % for entry in journal:
  <tr><td data-label="Date">{{fmt.date_fr(entry['at'])}}</td><td data-label="Par">{{entry['by_label']}}</td><td data-label="Supprimé ou anonymisé">{{entry['summary']}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucune suppression pour le moment.</p>
% end
</section>
