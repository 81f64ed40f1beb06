% rebase('layout.tpl', title=title)
<h1>Facturation mensuelle</h1>
<p class="lead">Les jours réservés des inscriptions actives, moins les absences non facturées, au tarif de la tranche de quotient familial de chaque famille. Un mois n'est jamais facturé deux fois à une famille.</p>
<form method="get" action="/agent/facturation" class="form">
  <div class="field{{' field-error' if month_error else ''}}"><label for="f-mois">Mois à facturer (AAAA-MM)</label>
    % if month_error:
    <span class="error-text">{{month_error}}</span>
    % end
    <input id="f-mois" name="mois" value="{{month}}" placeholder="2026-11"></div>
  <button type="submit" class="button button-secondary">Voir l'aperçu</button>
</form>
% if preview is not None:
<h2>Aperçu pour {{fmt.month_fr(preview.month)}}</h2>
<p>{{fmt.plural(len(preview.invoices), 'facture')}} à créer, pour un total de <strong>{{fmt.euros(preview.total_cents)}}</strong>.
% if preview.already_billed:
 {{fmt.plural(len(preview.already_billed), 'famille déjà facturée', 'familles déjà facturées')}} pour ce mois {{'sera laissée' if len(preview.already_billed) == 1 else 'seront laissées'}} de côté.
% end
</p>
% if preview.totals_by_service:
<div class="table-wrap"><table>
  <caption>Totaux par service</caption>
  <thead><tr><th scope="col">Service</th><th scope="col" class="num">Montant</th></tr></thead>
  <tbody>
  % for service, cents in sorted(preview.totals_by_service.items()):
    <tr><th scope="row" data-label="Service">{{service}}</th><td class="num" data-label="Montant">{{fmt.euros(cents)}}</td></tr>
  % end
  </tbody>
</table></div>
<div class="table-wrap"><table>
  <caption>Factures par famille</caption>
  <thead><tr><th scope="col">Famille</th><th scope="col">Lignes</th><th scope="col" class="num">Montant</th></tr></thead>
  <tbody>
  % for inv in preview.invoices[:500]:
    <tr><td data-label="Famille"><a href="/agent/familles/{{inv['family_id']}}/compte">{{inv['family_id']}}</a></td>
        <td data-label="Lignes">{{'; '.join(l['child'] + ' — ' + l['service'] + ' × ' + str(l['quantity']) for l in inv['lines'])}}</td>
        <td class="num" data-label="Montant">{{fmt.euros(inv['total_cents'])}}</td></tr>
  % end
  </tbody>
</table></div>
% end
% if preview.invoices:
<form method="post" action="/agent/facturation" class="form">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <input type="hidden" name="mois" value="{{preview.month}}">
  <div class="grid">
    <div class="field"><label for="f-issued_on">Date d'émission</label><input type="date" id="f-issued_on" name="issued_on" value="{{issued_on}}"></div>
    <div class="field"><label for="f-due_on">Date d'échéance</label><input type="date" id="f-due_on" name="due_on" value="{{due_on}}"></div>
  </div>
  <button type="submit" class="button">Créer {{'la facture' if len(preview.invoices) == 1 else 'les ' + fmt.plural(len(preview.invoices), 'facture')}}</button>
</form>
% else:
<p>Rien à facturer pour ce mois.</p>
% end
% end
