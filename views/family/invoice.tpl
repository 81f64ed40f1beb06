% rebase('layout.tpl', title=title)
<p class="aside"><a href="/factures">← Mes factures</a></p>
<h1>Facture n° {{invoice['number']}}</h1>
<p class="lead">Période : {{fmt.month_fr(invoice['period'])}} · émise le {{fmt.date_fr(invoice['issued_on'])}} · à payer avant le {{fmt.date_fr(invoice['due_on'])}} · <span class="status status-{{figures.state}}">{{figures.state_label}}</span></p>
<div class="table-wrap"><table>
  <caption>Détail des prestations</caption>
  <thead><tr><th scope="col">Enfant</th><th scope="col">Prestation</th><th scope="col">Détail</th><th scope="col" class="num">Quantité</th><th scope="col" class="num">Prix unitaire</th><th scope="col" class="num">Montant</th></tr></thead>
  <tbody>
  % for line in invoice['lines']:
    <tr><td data-label="Enfant">{{line['child']}}</td><td data-label="Prestation">{{line['service']}}</td><td data-label="Détail">{{line.get('detail', '')}}</td><td class="num" data-label="Quantité">{{line['quantity']}}</td><td class="num" data-label="Prix unitaire">{{fmt.euros(line['unit_price_cents'])}}</td><td class="num" data-label="Montant">{{fmt.euros(line['amount_cents'])}}</td></tr>
  % end
  </tbody>
  <tfoot>
    <tr><th scope="row" colspan="5">Montant de la facture</th><td class="num" data-label="Montant">{{fmt.amount_fr(figures.amount_cents)}}</td></tr>
    <tr><th scope="row" colspan="5">Solde antérieur</th><td class="num" data-label="Montant">{{fmt.amount_fr(figures.previous_balance_cents)}}</td></tr>
    <tr><th scope="row" colspan="5">Montant à payer à l'émission</th><td class="num" data-label="Montant"><strong>{{fmt.amount_due_fr(figures.due_at_issue_cents)}}</strong></td></tr>
  </tfoot>
</table></div>
% if figures.state == 'credit_note':
<p>Cet avoir a été déduit de votre compte.</p>
% elif figures.remaining_cents:
<p>Aujourd'hui, après vos paiements : <strong>reste {{fmt.euros(figures.remaining_cents)}} à payer</strong> sur cette facture.</p>
% else:
<p>Aujourd'hui, après vos paiements : <strong>cette facture est payée</strong>.</p>
% end
<p class="aside">Le solde antérieur reprend ce qui restait dû sur vos factures précédentes quand celle-ci a été émise, paiements déduits ; le montant à payer à l'émission est celui imprimé sur la facture.</p>
<p class="actions"><a class="button" href="/factures/{{invoice.doc_id}}/facture.pdf" data-hx-boost="false">Imprimer (PDF)</a>
<a class="button button-secondary" href="/factures/{{invoice.doc_id}}/facture.pdf?telecharger=1" data-hx-boost="false">Archiver (télécharger le PDF)</a></p>
