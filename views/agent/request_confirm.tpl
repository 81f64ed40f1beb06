% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/demandes/{{family_id}}">← Demandes de la famille {{family_id}}</a></p>
<h1>Valider la demande</h1>
% include('agent/_request_card.tpl', oob=False)
