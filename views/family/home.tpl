% rebase('layout.tpl', title='Accueil')
% parent = record.get('parent1') or {}
<h1>Bonjour {{fmt.full_name(parent)}}</h1>
<p class="lead">Famille n° {{record.get('family_id')}}</p>
% if not has_mail_address:
<p class="warning" role="status" id="sans-courriel">Aucune adresse e-mail valide n'est indiquée pour le responsable du compte : la mairie ne peut pas vous prévenir par courriel (factures, réponses, décisions). <a href="/mes-informations/responsable">Ajoutez votre adresse dans Mes informations › Responsable</a>.</p>
% end
<div class="home-grid">
<section class="card" aria-labelledby="h-solde">
  <h2 id="h-solde">Votre compte</h2>
  <p class="amount">{{fmt.balance_fr(balance)}}</p>
  % include('family/_pay_button.tpl')
  % if latest_invoice:
  <p>Dernière facture : <a href="/factures/{{latest_invoice.doc_id}}">{{fmt.month_fr(latest_invoice.period)}}</a> ({{fmt.amount_fr(latest_invoice.figures.amount_cents)}}) :
  %   if latest_invoice.figures.state in ('paid', 'credit_note'):
    <strong>{{latest_invoice.figures.state_label.lower()}}</strong></p>
  %   else:
    <strong>reste {{fmt.euros(latest_invoice.figures.remaining_cents)}}</strong> à payer avant le {{fmt.date_fr(latest_invoice.due_on)}}</p>
  %   end
  % end
  <p><a href="/releve">Relevé de compte</a> · <a href="/factures">Toutes les factures</a></p>
</section>
<section class="card" aria-labelledby="h-messages">
  <h2 id="h-messages">Messages</h2>
  % if unread:
  <p><strong>{{fmt.plural(unread, 'message non lu', 'messages non lus')}}</strong> de la mairie.</p>
  % else:
  <p>Aucun nouveau message.</p>
  % end
  <p><a href="/messages">Boîte de réception</a> · <a href="/messages/nouveau">Écrire à la mairie</a></p>
</section>
<section class="card" aria-labelledby="h-demandes">
  <h2 id="h-demandes">Demandes en attente</h2>
  % if pending:
  <ul>
  % for request, title, status in pending:
    <li>{{title}} — <span class="status status-pending">{{status}}</span></li>
  % end
  </ul>
  % else:
  <p>Aucune demande en attente.</p>
  % end
  <p><a href="/mes-demandes">Mes demandes</a></p>
</section>
</div>
<section aria-labelledby="h-enfants">
  <h2 id="h-enfants">Vos enfants</h2>
  <ul class="cards">
  % for child in record.get('children', []):
    <li class="card"><strong><a href="/mes-informations/enfants/{{child['id']}}">{{fmt.full_name(child)}}</a></strong><br>
      <span class="muted">{{child.get('extra', {}).get('school', '')}} {{child.get('extra', {}).get('class_name', '')}}</span><br>
      <a href="/mes-informations/enfants/{{child['id']}}/fiche-simple.pdf" data-hx-boost="false">Fiche simple</a> ·
      <a href="/mes-informations/enfants/{{child['id']}}/fiche-complete.pdf" data-hx-boost="false">Fiche complète</a></li>
  % end
  </ul>
</section>
