% rebase('layout.tpl', title=title)
% def error_of(name, which):
%   return errors.get(name) if form == which else None
% end
<h1>Exports</h1>
<p class="lead">Des fichiers CSV pour le logiciel Enfance et pour la comptabilité : colonnes séparées par des points-virgules, à ouvrir dans un tableur. Une cellule qui commencerait par =, +, - ou @ est précédée d'une apostrophe, pour qu'aucun tableur ne l'exécute comme une formule.</p>

<h2 id="modifications">Modifications validées</h2>
<p>Une ligne par champ modifié : demandes des familles validées, modifications faites par un agent et pré-inscriptions validées, avec l'ancienne et la nouvelle valeur, pour reporter les changements dans le logiciel Enfance.</p>
% if last_until:
<p>Le dernier export allait jusqu'au {{fmt.date_fr(last_until)}} : « depuis le dernier export » part de là.</p>
% else:
<p>Aucun export pour le moment : le premier contient toutes les modifications validées depuis l'ouverture du portail.</p>
% end
<form method="get" action="/agent/exports/modifications.csv" class="form">
  <fieldset{{!' class="field-error"' if error_of('depuis', 'changes') else ''}}><legend>Modifications à exporter</legend>
  % if error_of('depuis', 'changes'):
    <span class="error-text">{{errors['depuis']}}</span>
  % end
    <label class="check"><input type="radio" name="depuis" value="{{since_last}}"{{!' checked' if values['depuis'] != since_date else ''}}> Depuis le dernier export</label>
    <label class="check"><input type="radio" name="depuis" value="{{since_date}}"{{!' checked' if values['depuis'] == since_date else ''}}> Depuis une date (choisie ci-dessous)</label>
  % include('_field.tpl', field=since_day, value=values['depuis_le'], error=error_of('depuis_le', 'changes'), fid='f-depuis_le')
  </fieldset>
  % include('agent/_export_encoding.tpl', prefix='changes', value=values['encodage'], error=error_of('encodage', 'changes'))
  <button type="submit" class="button">Télécharger les modifications</button>
</form>
% if history:
<div class="table-wrap"><table>
  <caption>Derniers exports des modifications</caption>
  <thead><tr><th scope="col">Exporté le</th><th scope="col">Par</th><th scope="col">Modifications validées</th><th scope="col" class="num">Lignes</th><th scope="col">Télécharger à nouveau</th></tr></thead>
  <tbody>
  % for entry in history:
    <tr><td data-label="Exporté le">{{fmt.date_fr(entry['at'])}}</td><td data-label="Par">{{agent_name(entry['by'])}}</td>
      <td data-label="Modifications validées">{{('du ' + fmt.date_fr(entry['since'])) if entry['since'] else 'depuis l\'ouverture'}} au {{fmt.date_fr(entry['until'])}}</td>
      <td class="num" data-label="Lignes">{{entry['lines']}}</td>
      <td data-label="Télécharger à nouveau"><a href="/agent/exports/modifications.csv?export={{entry.doc_id}}&amp;encodage=utf-8">UTF-8</a> · <a href="/agent/exports/modifications.csv?export={{entry.doc_id}}&amp;encodage=windows-1252">Windows-1252</a></td></tr>
  % end
  </tbody>
</table></div>
% end

<h2 id="familles">Familles</h2>
<p>Tout le registre : une ligne par enfant avec les données de sa famille (responsable, conjoint, adresse, téléphones, e-mail, quotient familial), pour un publipostage ou un import dans un autre logiciel. Une famille sans enfant a une ligne.</p>
<form method="get" action="/agent/exports/familles.csv" class="form">
  % include('agent/_export_encoding.tpl', prefix='register', value=values['encodage'], error=error_of('encodage', 'register'))
  <button type="submit" class="button">Télécharger le registre des familles</button>
</form>

<h2 id="paiements">Paiements</h2>
<p>Les paiements enregistrés sur la période (dates de paiement comprises) : en ligne avec les numéros de transaction et d'autorisation de la banque, au guichet, par prélèvement, et les annulations, puis les totaux par type, égaux à ceux des relevés de compte des familles.</p>
<form method="get" action="/agent/exports/paiements.csv" class="form">
  % include('_field.tpl', field=first_day, value=values['du'], error=error_of('du', 'payments'), fid='f-du')
  % include('_field.tpl', field=last_day, value=values['au'], error=error_of('au', 'payments'), fid='f-au')
  % include('agent/_export_encoding.tpl', prefix='payments', value=values['encodage'], error=error_of('encodage', 'payments'))
  <button type="submit" class="button">Télécharger les paiements</button>
</form>
