% rebase('layout.tpl', title=title)
<h1>Boîte de réception</h1>
<p class="lead">
% if unread:
  <strong>{{fmt.plural(unread, 'message non lu', 'messages non lus')}}.</strong>
% else:
  Aucun message non lu.
% end
  Les messages de la mairie et vos conversations avec elle, les plus récents en premier.
</p>
<p class="actions"><a class="button" href="/messages/nouveau">Contacter la collectivité</a></p>
% if items:
<div class="table-wrap">
<table class="inbox">
  <caption>Messages ({{len(items)}})</caption>
  <thead><tr><th scope="col">Objet</th><th scope="col">Catégorie</th><th scope="col">Dernier message</th><th scope="col">État</th></tr></thead>
  <tbody>
  % for item in items:
  %   url = ('/messages/annonces/' if item.kind == 'announcement' else '/messages/') + str(item.id)
    <tr{{!' class="unread"' if item.unread else ''}}>
      <td data-label="Objet">
      % if item.unread:
        <a href="{{url}}"><strong>{{item.subject}}</strong></a> <span class="badge">non lu</span>
      % else:
        <a href="{{url}}">{{item.subject}}</a>
      % end
      % if item.messages > 1:
        <span class="muted">({{item.messages}} messages)</span>
      % end
      </td>
      <td data-label="Catégorie">{{categories.get(item.category, item.category)}}</td>
      <td data-label="Dernier message">{{fmt.date_fr(item.last_at)}}<br><span class="muted">{{'Vous' if item.last_author == 'family' else 'Mairie'}}</span></td>
      <td data-label="État">
      % if item.kind == 'announcement':
        Annonce à toutes les familles
      % elif item.status == 'open':
        <span class="status status-pending">En attente de réponse</span>
      % elif item.started_by == 'family':
        <span class="status status-validated">Répondu</span>
      % else:
        Message de la mairie
      % end
      </td>
    </tr>
  % end
  </tbody>
</table>
</div>
% else:
<p>Vous n'avez encore aucun message.</p>
% end
