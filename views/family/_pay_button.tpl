% if settings['modules'].get('payment') and (get('balance') or 0) > 0:
<form id="pay-form" class="pay-form" method="post" action="/paiement-en-ligne" data-hx-boost="false">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button">Payer en ligne {{fmt.euros(balance)}}</button>
  <br><span class="aside">par carte bancaire, sur la page sécurisée de la banque</span>
</form>
% end
