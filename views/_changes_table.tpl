% # The changes of one request; expects rows, show_current, photo_url (or None).
<div class="table-wrap">
<table>
  <thead><tr><th scope="col">Champ</th><th scope="col">Valeur avant</th>{{!'<th scope="col">Valeur actuelle</th>' if show_current else ''}}<th scope="col">Valeur demandée</th></tr></thead>
  <tbody>
  % for row in rows:
    <tr{{!' class="conflict"' if show_current and row['current'] != row['before'] else ''}}>
      <th scope="row" data-label="Champ">{{row['label']}}</th>
      <td data-label="Valeur avant">{{row['before'] or '—'}}</td>
      % if show_current:
      <td data-label="Valeur actuelle">{{row['current'] or '—'}}</td>
      % end
      <td data-label="Valeur demandée">
      % if row['photo'] and photo_url:
        <img class="photo" src="{{photo_url}}" alt="Photo demandée">
      % else:
        <strong>{{row['after'] or '(vide)'}}</strong>
      % end
      </td>
    </tr>
  % end
  </tbody>
</table>
</div>
