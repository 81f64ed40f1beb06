% rebase('layout.tpl', title=title)
% parent = record.get('parent1') or {}
<p class="aside"><a href="/agent/familles/{{family_id}}">← Famille {{family_id}}</a></p>
<h1>Compte de la famille {{family_id}} — {{fmt.full_name(parent)}}</h1>
<p class="lead">Solde du compte : <strong>{{fmt.balance_fr(balance)}}</strong></p>
<p class="actions"><a class="button" href="/agent/familles/{{family_id}}/factures/nouvelle">Créer une facture</a>
<a class="button button-secondary" href="/agent/factures/import">Importer des factures (CSV)</a></p>

<section aria-labelledby="h-paiement">
<h2 id="h-paiement">Enregistrer un paiement reçu</h2>
% include('_form_errors.tpl', refusal=None)
<form method="post" action="/agent/familles/{{family_id}}/paiements" class="form form-wide" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <div class="grid">
    <div class="field{{' field-error' if errors.get('paid_on') else ''}}"><label for="f-paid_on">Date</label>
      % if errors.get('paid_on'):
      <span class="error-text" id="paid_on-error">{{errors['paid_on']}}</span>
      % end
      <input type="date" id="f-paid_on" name="paid_on" value="{{payment.get('paid_on', '')}}" required></div>
    <div class="field{{' field-error' if errors.get('amount') else ''}}"><label for="f-amount">Montant (€)</label>
      % if errors.get('amount'):
      <span class="error-text" id="amount-error">{{errors['amount']}}</span>
      % end
      <input id="f-amount" name="amount" value="{{payment.get('amount', '')}}" inputmode="decimal" required></div>
    <div class="field{{' field-error' if errors.get('method') else ''}}"><label for="f-method">Mode</label>
      % if errors.get('method'):
      <span class="error-text" id="method-error">{{errors['method']}}</span>
      % end
      <select id="f-method" name="method" required><option value="">— Choisir —</option>
      % for key, label in methods.items():
        <option value="{{key}}"{{!' selected' if payment.get('method') == key else ''}}>{{label}}</option>
      % end
      </select></div>
    <div class="field"><label for="f-reference">Référence (n° de chèque…)</label>
      <input id="f-reference" name="reference" value="{{payment.get('reference', '')}}" maxlength="60"></div>
  </div>
  <button type="submit" class="button">Enregistrer le paiement</button>
</form>
</section>

<section aria-labelledby="h-factures">
<h2 id="h-factures">Factures</h2>
% if invoices:
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Période</th><th scope="col">Numéro</th><th scope="col">Émise le</th><th scope="col" class="num">Montant de la facture</th><th scope="col" class="num">Solde antérieur</th><th scope="col" class="num">À payer à l'émission</th><th scope="col" class="num">Reste à payer</th><th scope="col">État</th></tr></thead>
  <tbody>
  % for inv in invoices:
  %   figure = figures[inv['number']]
    <tr><td data-label="Période">{{fmt.month_fr(inv['period'])}}</td><td data-label="Numéro"><a href="/agent/familles/{{family_id}}/factures/{{inv.doc_id}}/facture.pdf" data-hx-boost="false">{{inv['number']}}</a></td>
        <td data-label="Émise le">{{fmt.date_fr(inv['issued_on'])}}</td><td class="num" data-label="Montant de la facture">{{fmt.amount_fr(figure.amount_cents)}}</td>
        <td class="num" data-label="Solde antérieur">{{fmt.amount_fr(figure.previous_balance_cents)}}</td><td class="num" data-label="À payer à l'émission">{{fmt.amount_due_fr(figure.due_at_issue_cents)}}</td>
        <td class="num" data-label="Reste à payer">{{fmt.euros(figure.remaining_cents)}}</td>
        <td data-label="État"><span class="status status-{{figure.state}}">{{figure.state_label}}</span></td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucune facture.</p>
% end
</section>

<section aria-labelledby="h-paiements">
<h2 id="h-paiements">Paiements</h2>
% if payments:
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Date</th><th scope="col">Mode</th><th scope="col">Référence</th><th scope="col" class="num">Montant</th><th scope="col">Enregistré par</th><th scope="col">Correction</th></tr></thead>
  <tbody>
  % for p in payments:
    <tr><td data-label="Date">{{fmt.date_fr(p['paid_on'])}}</td><td data-label="Mode">{{all_methods.get(p['method'], p['method'])}}</td><td data-label="Référence">{{p.get('reference', '')}}</td>
        <td class="num" data-label="Montant">{{fmt.euros(p['amount_cents'])}}</td><td data-label="Enregistré par">{{p.get('recorded_by', '')}}</td>
        <td data-label="Correction">
        % if p['amount_cents'] > 0 and not p.get('reversed_by'):
          <form method="post" action="/agent/familles/{{family_id}}/paiements/{{p.doc_id}}/annuler" class="inline-form">
            <input type="hidden" name="csrf_token" value="{{csrf_token}}">
            <button type="submit" class="button button-danger">Annuler ce paiement</button>
          </form>
        % elif p.get('reversed_by'):
          annulé
        % end
        </td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucun paiement.</p>
% end
</section>

<section aria-labelledby="h-releve">
<h2 id="h-releve">Relevé de compte</h2>
% if statement:
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Date</th><th scope="col">Opération</th><th scope="col" class="num">Débit</th><th scope="col" class="num">Crédit</th><th scope="col" class="num">Solde</th></tr></thead>
  <tbody>
  % for e in statement:
    <tr><td data-label="Date">{{fmt.date_fr(e['date'])}}</td><td data-label="Opération">{{e['label']}}</td><td class="num" data-label="Débit">{{fmt.euros(e['debit_cents']) if e['debit_cents'] else ''}}</td>
        <td class="num" data-label="Crédit">{{fmt.euros(e['credit_cents']) if e['credit_cents'] else ''}}</td><td class="num" data-label="Solde">{{fmt.balance_fr(e['balance_cents'])}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucune opération.</p>
% end
</section>
