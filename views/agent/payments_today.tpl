% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent">← Tableau de bord</a></p>
<h1>Paiements en ligne du {{fmt.date_fr(day)}}</h1>
<p class="lead">Les paiements par carte sont enregistrés automatiquement dans le compte de la famille : rien à valider.</p>
% if rows:
<div class="table-wrap"><table>
  <caption>{{fmt.plural(len(rows), 'paiement')}} par carte aujourd'hui, {{fmt.euros(total_cents)}} au total</caption>
  <thead><tr><th scope="col">Famille</th><th scope="col">Heure</th><th scope="col">Référence</th><th scope="col" class="num">Montant</th></tr></thead>
  <tbody>
  % for row in rows:
    <tr><th scope="row" data-label="Famille"><a href="/agent/familles/{{row['family_id']}}">{{row['family_id']}}</a> {{row['name']}}</th>
      <td data-label="Heure">{{row['at'][11:16].replace(':', 'h')}}</td><td data-label="Référence">{{row['reference']}}</td>
      <td class="num" data-label="Montant">{{fmt.euros(row['amount_cents'])}}</td></tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucun paiement en ligne aujourd'hui.</p>
% end
