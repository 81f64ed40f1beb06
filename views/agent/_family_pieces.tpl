% # The family's pièces (supporting documents of validated requests and of its pre-registration); expects pieces,
% # piece_sections (section key -> title), family_id.
<section aria-labelledby="h-pieces">
  <h2 id="h-pieces">Pièces justificatives</h2>
  % if pieces:
  <div class="table-wrap"><table>
    <thead><tr><th scope="col">Pièce</th><th scope="col">Fichier</th><th scope="col">Reçue le</th><th scope="col">Validée le</th><th scope="col">Demande</th></tr></thead>
    <tbody>
    % for p in pieces:
    <tr><td data-label="Pièce"><a href="/agent/familles/{{family_id}}/pieces/{{p['file']}}" data-hx-boost="false">{{p['type']}}</a></td>
        <td data-label="Fichier">{{p['name']}} ({{'PDF' if p['content'] == 'pdf' else 'photo'}}, {{max(1, p['size'] // 1024)}} Ko)</td>
        <td data-label="Reçue le">{{fmt.date_fr(p['created_at'])}}</td><td data-label="Validée le">{{fmt.date_fr(p['validated_at'])}}</td>
        <td data-label="Demande">{{piece_sections.get(p['section'], p['section'])}}{{' : ' + p['target_label'] if p.get('target_label') else ''}}{{' (demande n° ' + str(p['request_id']) + ')' if p.get('request_id') else ''}}{{' (pré-inscription n° ' + str(p['preregistration_id']) + ')' if p.get('preregistration_id') else ''}}</td></tr>
    % end
    </tbody>
  </table></div>
  % else:
  <p>Aucune pièce justificative conservée.</p>
  % end
</section>
