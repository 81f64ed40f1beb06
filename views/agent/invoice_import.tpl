% rebase('layout.tpl', title=title)
<h1>Importer des factures</h1>
<p class="lead">Fichier CSV exporté par le logiciel de facturation : une ligne par ligne de facture, séparateur « ; » ou « , », encodage UTF-8 ou Windows. Rien n'est importé tant que le fichier entier n'est pas valide.</p>
<p>Colonnes attendues (première ligne) : <code>{{';'.join(columns)}}</code></p>
% if error:
<div class="flash flash-error" role="alert">{{error}}</div>
% end
% if preview is not None and preview.errors:
<div class="flash flash-error" role="alert" tabindex="-1">
  <p>Le fichier contient {{fmt.plural(len(preview.errors), 'erreur')}} ; rien n'a été importé. Corrigez le fichier puis recommencez.</p>
  <div class="table-wrap"><table>
    <thead><tr><th scope="col">Ligne</th><th scope="col">Problème</th></tr></thead>
    <tbody>
    % for line, reason in preview.errors[:500]:
      <tr><td data-label="Ligne">{{line}}</td><td data-label="Problème">{{reason}}</td></tr>
    % end
    </tbody>
  </table></div>
</div>
% elif preview is not None:
<h2>Aperçu : {{fmt.plural(len(preview.invoices), 'facture')}}, {{fmt.euros(preview.total_cents)}} au total</h2>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Famille</th><th scope="col">Numéro</th><th scope="col">Période</th><th scope="col">Émise le</th><th scope="col" class="num">Lignes</th><th scope="col" class="num">Montant</th></tr></thead>
  <tbody>
  % for inv in preview.invoices[:1000]:
    <tr><td data-label="Famille">{{inv['family_id']}}</td><td data-label="Numéro">{{inv['number']}}</td><td data-label="Période">{{fmt.month_fr(inv['period'])}}</td><td data-label="Émise le">{{fmt.date_fr(inv['issued_on'])}}</td>
        <td class="num" data-label="Lignes">{{len(inv['lines'])}}</td><td class="num" data-label="Montant">{{fmt.euros(inv['total_cents'])}}</td></tr>
  % end
  </tbody>
</table></div>
<form method="post" action="/agent/factures/import/{{token}}/confirmer">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <button type="submit" class="button">Importer {{'cette facture' if len(preview.invoices) == 1 else 'ces ' + fmt.plural(len(preview.invoices), 'facture')}}</button>
  <a href="/agent/factures/import">Abandonner</a>
</form>
% end
<form method="post" action="/agent/factures/import" enctype="multipart/form-data" class="form" data-hx-boost="false">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <div class="field"><label for="fichier">Fichier CSV</label>
    <input type="file" id="fichier" name="fichier" accept=".csv,text/csv" required></div>
  <button type="submit" class="button">Vérifier le fichier</button>
</form>
