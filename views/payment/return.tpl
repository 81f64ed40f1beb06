% rebase('layout.tpl', title=title)
<h1>{{title}}</h1>
% if outcome == 'effectue' and paid:
<div class="flash flash-success" role="status">Votre paiement de {{fmt.euros(attempt['amount_cents'])}} est enregistré sur votre compte. Merci.</div>
% elif outcome == 'effectue':
<div class="flash flash-info" role="status">{{message}} Il apparaîtra sur votre relevé de compte dès que la banque nous l'aura confirmé (en général en quelques instants).</div>
% elif outcome == 'attente':
<div class="flash flash-warning" role="status">{{message}} Il apparaîtra sur votre relevé de compte dès que la banque l'aura validé.</div>
% else:
<div class="flash flash-error" role="alert">{{message}}</div>
% end
% if attempt:
<dl class="data-list">
  <div><dt>Référence du paiement</dt><dd>{{attempt['reference']}}</dd></div>
  <div><dt>Montant</dt><dd>{{fmt.euros(attempt['amount_cents'])}}</dd></div>
  % if balance is not None:
  <div><dt>Solde de votre compte</dt><dd>{{fmt.balance_fr(balance)}}</dd></div>
  % end
</dl>
% end
% if outcome in ('refuse', 'annule') and attempt and not paid:
% include('family/_pay_button.tpl')
% end
% if code and outcome != 'effectue':
<p class="muted">Code retour de la banque : {{code}}</p>
% end
% if session and session.kind == 'family':
<p class="actions"><a class="button" href="/releve">Voir mon relevé de compte</a> <a class="button button-secondary" href="/accueil">Retour à l'accueil</a></p>
% else:
<p class="actions"><a class="button" href="/connexion">Se connecter au portail famille</a></p>
% end
