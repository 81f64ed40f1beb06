% rebase('layout.tpl', title=title)
<p class="aside"><a href="/inscriptions">← Inscriptions et absences</a></p>
<h1>Planning {{fmt.of_name(child['first_name'])}} — {{fmt.month_fr(month)}}</h1>
<p class="actions">
% if previous:
<a href="/planning/{{child['id']}}?mois={{previous}}">← Mois précédent</a>{{' · ' if following else ''}}
% end
% if following:
<a href="/planning/{{child['id']}}?mois={{following}}">Mois suivant →</a>
% end
% for other in children:
%   if other['id'] != child['id']:
 · <a href="/planning/{{other['id']}}?mois={{month}}">Planning {{fmt.of_name(other['first_name'])}}</a>
%   end
% end
</p>
% if table['columns']:
<p class="legend"><span class="day-booked">réservé</span> jour réservé · <span class="day-absent">absent</span> absence enregistrée (« facturé » si signalée hors délai) · <span class="day-closed">fermé</span> service fermé ce jour-là (vacances, jour férié) · case vide : le service n'ouvre pas ce jour de la semaine · — : pas d'inscription ce jour</p>
<div class="table-wrap"><table class="planning">
  <caption>Jours réservés et absences {{fmt.of_name(child['first_name'])}}</caption>
  <thead><tr><th scope="col">Jour</th>
  % for service in table['columns']:
    <th scope="col">{{service['name']}}</th>
  % end
  </tr></thead>
  <tbody>
  % for row in table['rows']:
    <tr class="{{'weekend' if row['weekend'] else ''}}"><th scope="row" data-label="Jour">{{row['label']}}</th>
    % for service, (kind, text) in zip(table['columns'], row['cells']):
      <td class="day-{{kind}}" data-label="{{service['name']}}">{{text}}</td>
    % end
    </tr>
  % end
  </tbody>
</table></div>
% else:
<p>Aucune inscription pour {{child['first_name']}}. <a href="/inscriptions/nouvelle">Inscrire un enfant</a></p>
% end
