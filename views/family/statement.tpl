% rebase('layout.tpl', title=title)
<h1>Relevé de compte</h1>
<p class="lead">Solde du compte : <strong>{{fmt.balance_fr(balance)}}</strong></p>
% include('family/_pay_button.tpl')
% if whole:
<p>Tout l'historique du compte. <a href="/releve">Afficher les {{months}} derniers mois</a></p>
% elif earlier:
<p>Opérations depuis le {{fmt.date_fr(first_day)}} ; les {{earlier}} opérations antérieures sont reprises dans le solde reporté. <a href="/releve?tout=1">Afficher tout l'historique</a></p>
% end
% if entries:
<div class="table-wrap"><table>
  <caption>Factures et paiements, le plus récent en premier</caption>
  <thead><tr><th scope="col">Date</th><th scope="col">Opération</th><th scope="col" class="num">Débit</th><th scope="col" class="num">Crédit</th><th scope="col" class="num">Solde</th></tr></thead>
  <tbody>
  % for e in entries:
    <tr><td data-label="Date">{{fmt.date_fr(e['date'])}}</td><td data-label="Opération">{{e['label']}}{{' (' + fmt.month_fr(e['period']) + ')' if e.get('period') else ''}}</td>
        <td class="num" data-label="Débit">{{fmt.euros(e['debit_cents']) if e['debit_cents'] else ''}}</td>
        <td class="num" data-label="Crédit">{{fmt.euros(e['credit_cents']) if e['credit_cents'] else ''}}</td>
        <td class="num" data-label="Solde">{{fmt.balance_fr(e['balance_cents'])}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucune opération sur votre compte.</p>
% end
