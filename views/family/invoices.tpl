% rebase('layout.tpl', title=title)
<h1>Mes factures</h1>
<p class="lead">Solde actuel de votre compte : <strong>{{fmt.balance_fr(balance)}}</strong> · <a href="/releve">Relevé de compte</a></p>
% if whole:
<p>Toutes vos factures. <a href="/factures">Afficher les {{months}} derniers mois</a></p>
% elif older:
<p>Factures émises depuis le {{fmt.date_fr(first_day)}} ; {{fmt.plural(older, 'facture plus ancienne', 'factures plus anciennes')}} {{'est' if older == 1 else 'sont'}} dans l'historique. <a href="/factures?tout=1">Afficher toutes les factures</a></p>
% end
% if invoices:
<div class="table-wrap"><table>
  <caption>Vos factures, la plus récente en premier</caption>
  <thead><tr><th scope="col">Période</th><th scope="col">Numéro</th><th scope="col" class="num">Montant de la facture</th><th scope="col" class="num">Reste à payer</th><th scope="col">État</th><th scope="col">Documents</th></tr></thead>
  <tbody>
  % for inv in invoices:
  %   figure = inv.figures
    <tr>
      <td data-label="Période"><a href="/factures/{{inv.doc_id}}">{{fmt.month_fr(inv.period)}}</a></td>
      <td data-label="Numéro">{{inv.number}}</td>
      <td class="num" data-label="Montant de la facture">{{fmt.amount_fr(figure.amount_cents)}}</td>
      <td class="num" data-label="Reste à payer">{{fmt.euros(figure.remaining_cents)}}</td>
      <td data-label="État"><span class="status status-{{figure.state}}">{{figure.state_label}}</span></td>
      <td data-label="Documents"><a href="/factures/{{inv.doc_id}}/facture.pdf" data-hx-boost="false">Imprimer<span class="visually-hidden"> la facture {{inv.number}}</span></a> ·
          <a href="/factures/{{inv.doc_id}}/facture.pdf?telecharger=1" data-hx-boost="false">Archiver<span class="visually-hidden"> la facture {{inv.number}}</span></a></td>
    </tr>
  % end
  </tbody>
</table></div>
% elif older:
<p>Aucune facture émise ces {{months}} derniers mois.</p>
% else:
<p>Vous n'avez pas encore de facture.</p>
% end
