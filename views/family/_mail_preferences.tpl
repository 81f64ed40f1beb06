<section aria-labelledby="courriels">
  <h2 id="courriels">Courriels de la mairie</h2>
  % if mail_address:
  <p>Les courriels du portail sont envoyés à l'adresse du responsable du compte : <strong>{{mail_address}}</strong> (<a href="{{record_page}}">la modifier</a>).</p>
  % else:
  <p class="warning" role="status">Vous ne recevez aucun courriel : aucune adresse e-mail valide n'est indiquée pour le responsable du compte. <a href="{{record_page}}">Ajoutez-en une dans Mes informations › Responsable</a>.</p>
  % end
  <form method="post" action="/mon-compte/courriels" class="form">
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    <fieldset><legend>Je souhaite recevoir par courriel</legend>
    % for topic, (label, hint) in mail_topics.items():
      <label class="check"><input type="checkbox" name="avis" value="{{topic}}"{{!' checked' if mail_wanted[topic] else ''}}> {{label}} <span class="hint">({{hint}})</span></label>
    % end
    <p class="hint">Toujours envoyés : {{' ; '.join(mail_always).lower()}}.</p>
    </fieldset>
    <button type="submit" class="button">Enregistrer mes choix</button>
  </form>
</section>
