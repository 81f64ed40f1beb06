% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/familles/{{family_id}}#h-personnes">← Famille {{family_id}}</a></p>
<h1>Retirer {{label}} ?</h1>
<div class="flash flash-warning" role="status"><p>{{label}} ne sera plus sur la liste des personnes autorisées de la famille {{family_id}} : ni pour venir chercher les enfants, ni pour les appels en cas d'urgence. Le retrait est immédiat et inscrit à l'historique. Rien n'est encore retiré.</p></div>
% include('family/record/_rows.tpl', rows=rows)
<form method="post" action="/agent/familles/{{family_id}}/personnes/{{person['id']}}/retirer">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <p class="actions"><button type="submit" class="button button-danger">Confirmer le retrait</button>
    <a class="button button-secondary" href="/agent/familles/{{family_id}}#h-personnes">Ne pas retirer</a></p>
</form>
