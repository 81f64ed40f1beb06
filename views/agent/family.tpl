% rebase('layout.tpl', title=title)
% parent = record.get('parent1') or {}
<p class="aside"><a href="/agent/familles">← Familles</a></p>
<h1>Famille {{family_id}} — {{fmt.full_name(parent)}}</h1>
% if not account.get('active', True):
<p class="warning">Compte désactivé : la famille ne peut plus se connecter. Ses données sont conservées.</p>
% end
% if record.get('anonymised_at'):
<p class="warning">Famille anonymisée le {{fmt.date_fr(record['anonymised_at'])}} (durée de conservation des données) : seuls ses factures et ses paiements restent, sans nom ni adresse.</p>
% end
<dl class="stats">
  <div><dt>Solde</dt><dd><a href="/agent/familles/{{family_id}}/compte">{{fmt.balance_fr(balance)}}</a></dd></div>
  <div><dt>Demandes en attente</dt><dd><a href="/agent/demandes/{{family_id}}">{{pending}}</a></dd></div>
</dl>
<p class="actions">
  <a class="button" href="/agent/familles/{{family_id}}/compte">Factures et paiements</a>
  <a class="button button-secondary" href="/agent/demandes/{{family_id}}">Demandes</a>
  <a class="button button-secondary" href="/agent/messages/{{family_id}}">Messages</a>
  <a class="button button-secondary" href="/agent/messages/nouveau?famille={{family_id}}">Écrire à la famille</a>
  <a class="button button-secondary" href="/agent/familles/{{family_id}}/export.json" data-hx-boost="false">Exporter les données (JSON)</a>
</p>
<nav aria-label="Sur cette page" class="toc"><p><strong>Sur cette page :</strong>
% for section, slug, rows in sections:
  <a href="#h-{{slug}}">{{section.title}}</a> ·
% end
  <a href="#h-personnes">Personnes autorisées</a> · <a href="#h-enfants">Enfants</a> · <a href="#h-pieces">Pièces justificatives</a> · <a href="#h-compte">Compte de connexion</a>{{!' · <a href="#h-historique">Historique</a>' if audit else ''}}</p>
</nav>

% for section, slug, rows in sections:
<section aria-labelledby="h-{{slug}}">
  <h2 id="h-{{slug}}">{{section.title}}</h2>
  % include('family/record/_rows.tpl', rows=rows)
  <p><a href="/agent/familles/{{family_id}}/modifier/{{slug}}">Modifier : {{section.title}}</a></p>
</section>
% end

<section aria-labelledby="h-personnes">
  <h2 id="h-personnes">Personnes autorisées</h2>
  % for person, rows in persons:
  <h3>{{person_label(person)}}</h3>
  % include('family/record/_rows.tpl', rows=rows)
  <p class="actions"><a class="button button-secondary" href="/agent/familles/{{family_id}}/personnes/{{person['id']}}/modifier">Modifier<span class="visually-hidden"> {{person_label(person)}}</span></a>
    <a class="button button-danger" href="/agent/familles/{{family_id}}/personnes/{{person['id']}}/retirer">Retirer {{person_label(person)}}</a></p>
  % end
  <p><a href="/agent/familles/{{family_id}}/personnes/ajouter">Ajouter une personne autorisée</a></p>
</section>

<section aria-labelledby="h-enfants">
  <h2 id="h-enfants">Enfants</h2>
  % for child, parts in children:
  <h3>{{fmt.full_name(child)}}</h3>
  % if child.get('photo'):
  <img class="photo" src="/agent/familles/{{family_id}}/enfants/{{child['id']}}/photo.jpg" alt="Photo de {{child['first_name']}}">
  % end
  <p><a href="/agent/familles/{{family_id}}/enfants/{{child['id']}}/fiche-simple.pdf" data-hx-boost="false">Fiche simple (PDF)</a> ·
     <a href="/agent/familles/{{family_id}}/enfants/{{child['id']}}/fiche-complete.pdf" data-hx-boost="false">Fiche complète (PDF)</a></p>
  % for part, rows in parts.items():
  <h4>{{all_sections[{'identite': 'child_identity', 'complementaires': 'child_extra', 'sanitaires': 'child_health'}[part]].title}}</h4>
  % include('family/record/_rows.tpl', rows=rows)
  <p><a href="/agent/familles/{{family_id}}/enfants/{{child['id']}}/{{part}}">Modifier</a></p>
  % end
  % end
  <p><a href="/agent/familles/{{family_id}}/enfants/ajouter">Ajouter un enfant</a></p>
</section>

% include('agent/_family_pieces.tpl')

<section aria-labelledby="h-compte">
  <h2 id="h-compte">Compte de connexion</h2>
  <p>Identifiant : <strong>{{family_id}}</strong> · mot de passe changé le {{fmt.date_fr(account.get('password_changed_at'))}}{{' (provisoire)' if account.get('temporary_password') else ''}}</p>
  % link = account.get('password_link') or {}
  % if link:
  <p>Lien pour choisir le mot de passe envoyé le {{fmt.date_fr(link.get('created_at'))}}, valable jusqu'au {{fmt.date_fr(link.get('expires_at'))}} s'il n'a pas encore servi.</p>
  % end
  <p class="hint">{{'Réinitialiser : un lien pour choisir un nouveau mot de passe est envoyé à ' + mailed_to + '.' if mailed_to else "Réinitialiser : la famille n'a pas d'adresse e-mail valable, un mot de passe provisoire s'affichera pour le courrier."}}</p>
  <div class="decision">
    <form method="post" action="/agent/familles/{{family_id}}/mot-de-passe">
      <input type="hidden" name="csrf_token" value="{{csrf_token}}">
      <button type="submit" class="button button-secondary">Réinitialiser le mot de passe</button>
      % if mailed_to:
      <button type="submit" name="acces" value="papier" class="button button-secondary">Mot de passe provisoire (courrier papier)</button>
      % end
    </form>
    <form method="post" action="/agent/familles/{{family_id}}/{{'desactiver' if account.get('active', True) else 'reactiver'}}">
      <input type="hidden" name="csrf_token" value="{{csrf_token}}">
      <button type="submit" class="button {{'button-danger' if account.get('active', True) else ''}}">{{'Désactiver le compte' if account.get('active', True) else 'Réactiver le compte'}}</button>
    </form>
  </div>
</section>

% if audit:
<section aria-labelledby="h-historique">
<h2 id="h-historique">Historique</h2>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Date</th><th scope="col">Par</th><th scope="col">Action</th><th scope="col">Rubrique</th><th scope="col">Champs</th></tr></thead>
  <tbody>
  % for entry in audit:
  <tr><td data-label="Date">{{fmt.date_fr(entry['at'])}}</td><td data-label="Par">{{entry['by']}}</td><td data-label="Action">{{entry['action_label']}}</td>
      <td data-label="Rubrique">{{entry['subject']}}</td>
      <td data-label="Champs">{{'; '.join(c['label'] for c in entry.get('changes', []))}}{{' — ' + entry['reason'] if entry.get('reason') else ''}}</td></tr>
  % end
  </tbody>
</table></div>
</section>
% end
