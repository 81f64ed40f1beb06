% rebase('layout.tpl', title=title)
<p class="aside"><a href="/agent/parametres/conservation">← Conservation des données</a></p>
<h1>Aperçu : ce qu'un passage supprimerait maintenant</h1>
% include('agent/_retention_runs.tpl')
<div class="table-wrap"><table id="retention-preview">
  <caption>Nombre d'éléments par sorte de données (jamais leur contenu), avec les durées en vigueur</caption>
  <thead><tr><th scope="col">Données</th><th scope="col">Supprimées quand</th><th scope="col">Nombre</th></tr></thead>
  <tbody>
  % for kind in kinds:
    <tr data-kind="{{kind.key}}"><th scope="row" data-label="Données">{{kind.label}}</th><td data-label="Supprimées quand">{{when[kind.key]}}</td><td data-label="Nombre">{{preview.get(kind.key, 0)}}</td></tr>
  % end
  </tbody>
  <tfoot><tr><th scope="row" colspan="2">Total</th><td data-label="Nombre">{{sum(preview.values())}}</td></tr></tfoot>
</table></div>
<form method="post" action="/agent/parametres/conservation/lancer">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <p class="hint" id="run-hint">Ce qui est compté ci-dessus est supprimé ou anonymisé définitivement, et le passage compte pour celui du jour ; un second passage le même jour ne supprime rien de plus.</p>
  <button type="submit" class="button button-danger" aria-describedby="run-hint">Lancer maintenant</button>
</form>
