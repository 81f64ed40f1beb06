% rebase('layout.tpl', title=title)
<h1>Inscriptions et absences</h1>
<p class="actions"><a class="button" href="/inscriptions/nouvelle">Inscrire un enfant</a>
<a class="button button-secondary" href="/absences/nouvelle">Déclarer une absence</a></p>
% for child, enrolments in children:
<section aria-labelledby="h-child-{{child['id']}}">
  <h2 id="h-child-{{child['id']}}">{{fmt.full_name(child)}}</h2>
  % if enrolments:
  <div class="table-wrap"><table>
    <thead><tr><th scope="col">Service</th><th scope="col">Période</th><th scope="col">Jours</th></tr></thead>
    <tbody>
    % for e, service in enrolments:
      <tr><td data-label="Service">{{service['name']}}</td><td data-label="Période">du {{fmt.date_fr(e['start'])}} au {{fmt.date_fr(e['end'])}}</td><td data-label="Jours">{{weekdays_label(e['weekdays'])}}</td></tr>
    % end
    </tbody>
  </table></div>
  % else:
  <p>Aucune inscription en cours.</p>
  % end
  <p><a href="/planning/{{child['id']}}">Planning {{fmt.of_name(child['first_name'])}}</a></p>
</section>
% end
<h2>Mes demandes d'inscription et d'absence</h2>
% if module_requests:
<ul>
% for r, title, status in module_requests:
  <li>{{fmt.date_fr(r['created_at'])}} — {{title}} — <span class="status status-{{r['status']}}">{{status}}</span>{{' : ' + r['reason'] if r.get('reason') else ''}}
  % if (r.get('payload') or {}).get('certificate'):
    · <a href="/absences/{{r.doc_id}}/justificatif" data-hx-boost="false">justificatif envoyé</a>
  % end
  </li>
% end
</ul>
% else:
<p>Aucune demande.</p>
% end
% if absences:
<h2>Absences enregistrées</h2>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Enfant</th><th scope="col">Service</th><th scope="col">Dates</th><th scope="col">Motif</th><th scope="col">Jours facturés</th><th scope="col">Justificatif</th></tr></thead>
  <tbody>
  % for a in absences:
  %   child = [c for c in record.get('children', []) if str(c['id']) == str(a['child_id'])]
    <tr><td data-label="Enfant">{{child[0]['first_name'] if child else '?'}}</td><td data-label="Service">{{services.get(a['service_id'], {}).get('name', a['service_id'])}}</td>
        <td data-label="Dates">du {{fmt.date_fr(a['start'])}} au {{fmt.date_fr(a['end'])}}</td><td data-label="Motif">{{reasons.get(a['reason'], a['reason'])}}</td>
        <td data-label="Jours facturés">{{sum(1 for d in a['days'] if d['billed'])}} sur {{len(a['days'])}}</td>
        <td data-label="Justificatif">{{!'<a href="/absences/%d/justificatif" data-hx-boost="false">voir</a>' % a['request_id'] if a.get('certificate') and a.get('request_id') else '—'}}</td></tr>
  % end
  </tbody>
</table></div>
% end
