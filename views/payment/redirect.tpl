% rebase('layout.tpl', title=title)
<h1>Paiement en ligne</h1>
<p class="lead">Montant à payer : <strong>{{fmt.euros(attempt['amount_cents'])}}</strong></p>
<p>Référence du paiement : <strong>{{attempt['reference']}}</strong></p>
% if simulator:
<p class="warning">Démonstration : la page suivante est un simulateur de la banque. Aucune carte n'est débitée.</p>
% end
<p>La page suivante est celle du paiement sécurisé de la banque : vous y saisirez les informations de votre
carte. Le paiement est enregistré automatiquement sur votre compte dès que la banque l'a accepté.</p>
<form id="bank-form" method="post" action="{{form.action}}" data-hx-boost="false" data-autosubmit="true">
% for name, value in form.fields:
  <input type="hidden" name="{{name}}" value="{{value}}">
% end
  <button type="submit" class="button">Continuer vers le paiement sécurisé</button>
</form>
<p><a href="/accueil">Ne pas payer maintenant et revenir à l'accueil</a></p>
<script src="{{static_url('js/autosubmit.js')}}" defer></script>
