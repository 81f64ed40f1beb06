% rebase('layout.tpl', title='Tableau de bord')
<h1>Tableau de bord</h1>
% if oldest:
<p class="lead">Plus ancienne attente : <a href="{{oldest['url']}}">{{oldest['what']}}</a>, depuis le {{fmt.date_fr(oldest['since'])}} (<strong>{{oldest['age']}}</strong>).</p>
% else:
<p class="lead">Rien n'attend : tout est à jour.</p>
% end
<dl class="stats">
  <div><dt>Demandes en attente</dt><dd><a href="/agent/demandes" aria-label="{{fmt.plural(pending_count, 'demande')}} en attente : Gestion des demandes">{{pending_count}}</a></dd></div>
  <div><dt>Familles concernées</dt><dd><a href="/agent/demandes" aria-label="{{fmt.plural(waiting_families, 'famille')}} ayant des demandes en attente">{{waiting_families}}</a></dd></div>
  <div><dt>Pré-inscriptions à examiner</dt><dd><a href="/agent/pre-inscriptions" aria-label="{{fmt.plural(preregistrations, 'pré-inscription')}} à examiner">{{preregistrations}}</a></dd></div>
  <div><dt>Messages non lus des familles</dt><dd><a href="/agent/messages?filtre=non-lues" aria-label="{{fmt.plural(unread, 'message non lu', 'messages non lus')}}">{{unread}}</a></dd></div>
  <div><dt>Conversations en attente de réponse</dt><dd><a href="/agent/messages?filtre=en-attente" aria-label="{{fmt.plural(awaiting, 'conversation')}} en attente de réponse">{{awaiting}}</a></dd></div>
  <div><dt>Courriels en échec</dt><dd><a href="/agent/courriels?statut=echec" aria-label="{{fmt.plural(failed_mails, 'courriel')}} en échec">{{failed_mails}}</a></dd></div>
  % if payments is not None:
  <div><dt>Paiements en ligne du jour</dt><dd><a href="/agent/paiements-du-jour" aria-label="{{fmt.plural(len(payments), 'paiement')}} en ligne aujourd'hui">{{len(payments)}}</a></dd></div>
  % end
  <div><dt>Familles inscrites</dt><dd><a href="/agent/familles" aria-label="{{fmt.plural(families_count, 'famille inscrite', 'familles inscrites')}}">{{families_count}}</a></dd></div>
</dl>
<section aria-labelledby="h-rubriques">
  <h2 id="h-rubriques">Demandes en attente par rubrique</h2>
  % if by_section:
  <div class="table-wrap"><table>
    <caption>Chaque rubrique ouvre le tableau de ses demandes, à valider ou annuler par lots</caption>
    <thead><tr><th scope="col">Rubrique</th><th scope="col" class="num">En attente</th></tr></thead>
    <tbody>
    % for key, title, count in by_section:
      <tr><th scope="row" data-label="Rubrique"><a href="/agent/demandes/rubrique?rubrique={{key}}">{{title}}</a></th><td class="num" data-label="En attente">{{count}}</td></tr>
    % end
    </tbody>
  </table></div>
  <p><a class="button" href="/agent/demandes">Traiter les demandes famille par famille</a></p>
  % else:
  <p>Aucune demande en attente.</p>
  % end
</section>
% if module_requests is not None:
<section aria-labelledby="h-inscriptions">
  <h2 id="h-inscriptions">Inscriptions et absences en attente</h2>
  % if module_requests:
  <ul>
  % for key, title, count in module_requests:
    <li><a href="/agent/demandes/rubrique?rubrique={{key}}">{{title}} : {{fmt.plural(count, 'demande')}}</a></li>
  % end
  </ul>
  % else:
  <p>Aucune inscription ni absence en attente.</p>
  % end
</section>
% end
<section aria-labelledby="h-recent">
  <h2 id="h-recent">Dernières décisions</h2>
  % if recent:
  <ul>
  % for e in recent:
    <li>{{fmt.date_fr(e['at'])}} — famille <a href="/agent/demandes/{{e['family_id']}}">{{e['family_id']}}</a> : {{e['action_label']}} ({{e['subject']}})</li>
  % end
  </ul>
  <p><a href="/agent/journal">Tout le journal</a></p>
  % else:
  <p>Aucune décision pour le moment.</p>
  % end
</section>
