"""The default texts of the pages a public site must publish (mentions légales, accessibilité, données personnelles,
aide), written in the light markup of views/markup.py and built from the commune's settings and services.

A page the agent never edited shows its default text, rebuilt at each display: a change of the commune's address in
Paramètres reaches every page at once. The accessibility statement states what the project's own audit establishes
(tests/browser/test_accessibility.py: axe-core in Chromium, no serious or critical violation on the pages it crawls);
no full RGAA audit has been made, and the RGAA then requires the status "non conforme".
"""
from __future__ import annotations

from storage.public_address import configured_public_url
from storage.retention.periods import retention_values

# The day the automated accessibility audit of this version of the portal was run (tests/browser/test_accessibility.py).
AUDIT_DATE_WORDS = "3 décembre 2026"
AXE_VERSION = "4.14"
RGAA_VERSION = "4.1.2"
# In the Données personnelles text, this line is replaced at display by the retention periods (retention_periods_text):
# when the agent edits the page and keeps the line, the periods stay those of the settings.
RETENTION_VARIABLE = "{{durees_de_conservation}}"
HOST_PLACEHOLDER = "Hébergeur : à compléter par la mairie (nom, adresse et téléphone de l'hébergeur du portail)."


def commune_lines(settings: dict) -> dict:
    """The commune's details as the texts say them, with the legal details or their placeholders."""
    commune, legal = settings["commune"], settings.get("legal") or {}
    name = commune.get("name", "")
    postal = f"{commune.get('address1', '')}, {commune.get('postcode', '')} {commune.get('city', '')}".strip(" ,")
    mairie = f"{name}, {commune.get('service', '')}, {postal}".replace(", ,", ",")
    director = (legal.get("publication_director") or "").strip() or f"Le maire de {name}"
    dpo = (legal.get("dpo_contact") or "").strip() or \
        f"Délégué à la protection des données de {name}, {postal} (écrire « à l'attention du délégué à la protection " \
        f"des données »), ou par courriel à {commune.get('email', '')}."
    return {"name": name, "service": commune.get("service", ""), "postal": postal, "mairie": mairie,
            "address1": commune.get("address1", ""), "town": f"{commune.get('postcode', '')} {commune.get('city', '')}",
            "phone": commune.get("phone", ""), "email": commune.get("email", ""), "director": director, "dpo": dpo,
            "host_name": (legal.get("host_name") or "").strip(),
            "host_address": (legal.get("host_address") or "").strip()}


def legal_details_missing(settings: dict) -> list[str]:
    """The legal details still to fill in (their defaults are placeholders), by label."""
    legal = settings.get("legal") or {}
    return [label for key, label in (("host_name", "l'hébergeur"), ("host_address", "l'adresse de l'hébergeur"))
            if not (legal.get(key) or "").strip()]


def mentions_legales(settings: dict, services: list[dict]) -> str:
    c = commune_lines(settings)
    host = "\n".join(x for x in (c["host_name"], c["host_address"]) if x) or HOST_PLACEHOLDER
    return f"""## Éditeur du portail
{c['name']} — {c['service']}
{c['address1']}
{c['town']}
Téléphone : {c['phone']}
Courriel : {c['email']}

## Directeur ou directrice de la publication
{c['director']}

## Hébergement
{host}

## Objet du portail
Le portail famille permet aux familles de {c['name']} de consulter et de mettre à jour leur dossier auprès du \
{c['service']} (restauration scolaire, accueil périscolaire, accueil de loisirs), de lire et payer leurs factures et \
d'écrire à la mairie.

## Données personnelles
Les informations recueillies sur ce portail sont traitées par {c['name']}. La page \
[Données personnelles](/donnees-personnelles) explique pourquoi, qui les reçoit, combien de temps elles sont \
conservées et comment exercer vos droits.

## Cookies
Le portail n'utilise que des cookies nécessaires à son fonctionnement : le cookie de session, qui vous garde \
connecté, un cookie de sécurité des formulaires et un cookie qui reconnaît le navigateur avec lequel vous vous êtes \
déjà connecté. Ils ne servent ni à mesurer l'audience ni à la publicité : ils ne demandent donc pas votre accord.

## Accessibilité
La [déclaration d'accessibilité](/accessibilite) indique l'état de conformité du portail et comment signaler une \
difficulté.

## Propriété intellectuelle
Les textes et documents publiés sur ce portail appartiennent à {c['name']}. Leur reproduction, hors usage personnel, \
demande son autorisation.
"""


def accessibilite(settings: dict, services: list[dict]) -> str:
    c = commune_lines(settings)
    url = configured_public_url(settings)
    return f"""{c['name']} s'engage à rendre son portail famille accessible, conformément à l'article 47 de la loi \
n° 2005-102 du 11 février 2005.

Cette déclaration d'accessibilité s'applique au portail famille de {c['name']}{' (' + url + ')' if url else ''}.

## État de conformité
Le portail famille est non conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), version \
{RGAA_VERSION} : aucun audit de conformité complet n'a encore été réalisé, et le RGAA impose cette mention tant \
qu'un tel audit n'a pas mesuré le respect de ses critères.

## Résultats des tests
Toutes les pages du portail sont vérifiées automatiquement, à chaque version, avec l'outil axe-core : aucune erreur \
d'accessibilité grave ou critique n'est relevée sur les pages vérifiées. Ces tests automatiques ne couvrent qu'une \
partie des critères du RGAA et ne remplacent pas un audit.

Le portail est en outre conçu pour que :
- chaque page et chaque formulaire fonctionnent sans JavaScript, au clavier seul et sur les navigateurs anciens ;
- chaque champ ait une étiquette, et chaque erreur soit annoncée à côté du champ concerné ;
- la langue des pages soit déclarée et un lien permette d'aller directement au contenu.

## Contenus non accessibles
### Non-conformités
- Les documents PDF (factures, fiches enfant, fiche de pré-inscription vierge, courrier d'accès, résumé de mes \
données) ne sont pas balisés pour les lecteurs d'écran. Les mêmes informations se lisent sur les pages du portail \
(Factures, Relevé de compte, Mes informations) ; la mairie peut aussi vous les transmettre sous une autre forme.
- Aucun contrôle manuel des critères du RGAA (pertinence des textes, ordre de lecture, restitution par les lecteurs \
d'écran) n'a encore été mené.

### Contenus non soumis à l'obligation d'accessibilité
- La page de paiement de la banque, lors d'un paiement par carte en ligne : elle est fournie par la banque.

## Établissement de cette déclaration
Cette déclaration a été établie le {AUDIT_DATE_WORDS}.

Technologies utilisées : HTML et CSS ; JavaScript (htmx) n'apporte que du confort, le portail fonctionnant sans.

Environnement de test : navigateur Chromium, avec JavaScript ; outil axe-core {AXE_VERSION}.

Pages vérifiées :
- les pages publiques : connexion, mot de passe oublié, fiche de pré-inscription, mentions légales, accessibilité, \
données personnelles et aide ;
- toutes les pages de l'espace famille : accueil, Mes informations et chacun de ses formulaires, Mes demandes, \
inscriptions et absences, factures, relevé de compte, messages, Mon compte ;
- les formulaires envoyés vides, pour vérifier l'affichage des erreurs ;
- les pages de l'espace agent de la mairie.

## Retour d'information et contact
Si vous n'arrivez pas à accéder à un contenu ou à un service du portail, contactez la mairie pour être orienté vers \
une solution accessible ou obtenir le contenu sous une autre forme :
- par courriel : {c['email']}
- par téléphone : {c['phone']}
- par courrier : {c['mairie']}

## Voies de recours
Si vous avez signalé à la mairie un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à un service \
du portail et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :
- écrire un message au Défenseur des droits : https://formulaire.defenseurdesdroits.fr/
- contacter le délégué du Défenseur des droits dans votre région : https://www.defenseurdesdroits.fr/saisir/delegues
- envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, \
75342 Paris CEDEX 07
"""


def duration_words(months: int) -> str:
    """'2 ans', '1 an', '18 mois' for a period in months."""
    if months % 12:
        return f"{months} mois"
    years = months // 12
    return f"{years} an{'s' if years > 1 else ''}"


def retention_periods_text(settings: dict) -> str:
    """The retention periods in words, as the Données personnelles page states them: those set in Paramètres ›
    Conservation des données (storage/retention/periods.py), so that the page says what the daily purge does."""
    periods = retention_values(settings)
    return f"""Vos données sont conservées le temps nécessaire à chaque usage, puis supprimées, ou rendues anonymes \
lorsque la comptabilité publique impose de garder les montants :
- dossier de la famille et des enfants, données de santé comprises : tant que la famille utilise les services, puis \
{duration_words(periods['families'])} après la dernière activité, une fois le compte fermé ;
- factures et paiements : 10 ans, pour la comptabilité publique ; après la fermeture du compte, sans le nom ni les \
coordonnées de la famille ;
- pièces justificatives validées (avis d'imposition, attestation CAF, RIB, carnet de vaccination, justificatif de \
domicile) : {duration_words(periods['pieces'])} après la validation de la demande ; aussitôt supprimées si la demande \
est retirée ou annulée ;
- certificats justifiant une absence : {duration_words(periods['certificates'])} après la fin de l'absence ;
- détail des demandes traitées : {duration_words(periods['requests'])} après la décision ;
- messages échangés avec la mairie : {duration_words(periods['messages'])} après le dernier message ;
- fiches de pré-inscription traitées : {duration_words(periods['preregistrations'])} après la décision ;
- courriels envoyés par le portail : {periods['mails_sent']} jours ({periods['mails_failed']} jours pour ceux qui \
n'ont pas pu partir) ;
- sessions de connexion et liens de mot de passe : jusqu'à leur expiration ; journaux de connexion : 1 an."""


def donnees_personnelles(settings: dict, services: list[dict]) -> str:
    c = commune_lines(settings)
    host = c["host_name"] or "l'hébergeur du portail"
    return f"""{c['name']} traite les données personnelles des familles qui utilisent le portail famille. Cette page \
explique lesquelles, pourquoi, qui les reçoit, combien de temps elles sont gardées et comment exercer vos droits.

## Responsable du traitement
{c['name']}, représentée par son maire : {c['postal']}. Téléphone : {c['phone']}. Courriel : {c['email']}.

## Les données traitées
- les responsables de la famille : identité, adresse, téléphones, courriel, profession et employeur ;
- les enfants : identité, école et classe, régime alimentaire, assurance, autorisations, photo ;
- les données de santé des enfants (médecin, vaccinations, allergies, PAI, traitements), pour leur sécurité pendant \
l'accueil ;
- les personnes autorisées à venir chercher les enfants ou à être appelées en cas d'urgence ;
- le revenu fiscal de référence, le nombre de parts, le numéro d'allocataire et le quotient familial, pour calculer \
les tarifs ;
- les coordonnées bancaires, les factures et les paiements ;
- les demandes, messages et pièces justificatives envoyés à la mairie, et les données de connexion.

## Pourquoi : finalités et bases légales
- Gestion des services de l'enfance (restauration scolaire, accueil périscolaire, accueil de loisirs) : dossiers, \
inscriptions, absences et accueil des enfants en sécurité. Base légale : la mission d'intérêt public de la commune \
(article 6.1.e du RGPD) ; les données de santé ne servent qu'à protéger l'enfant pendant l'accueil (article 9 du RGPD).
- Facturation et paiement des services : tarifs selon le quotient familial, factures, prélèvements et paiements en \
ligne. Base légale : l'exécution du service que vous avez demandé (article 6.1.b) et les obligations comptables de \
la commune (article 6.1.c).
- Communication avec les familles : réponses à vos demandes et messages, courriels d'information sur les services. \
Base légale : la mission d'intérêt public de la commune (article 6.1.e).
- Photo de l'enfant et droit à l'image : votre consentement (article 6.1.a), que vous pouvez retirer à tout moment \
dans Mes informations.
- Sécurité du portail (connexions, protection contre les abus) : l'obligation de la commune de protéger vos données \
(article 32 du RGPD).

Vos données ne servent à rien d'autre : ni publicité, ni revente, ni profilage, et aucune décision n'est prise par \
une machine seule.

## Qui reçoit vos données
- le {c['service']} de la mairie ; les animateurs et agents de restauration ne voient que ce qui est nécessaire à \
l'accueil des enfants (régime, allergies, PAI, personnes autorisées) ;
- le comptable public de la commune (trésorerie, service de gestion comptable de la DGFiP), pour l'encaissement des \
factures ;
- la banque de la commune, pour les paiements par carte en ligne : elle reçoit le montant, la référence du paiement \
et votre adresse e-mail ; votre numéro de carte est saisi chez la banque et la mairie ne le connaît jamais ;
- {host}, qui conserve les données pour le compte de la commune, sans pouvoir s'en servir.

## Combien de temps
{RETENTION_VARIABLE}

## Vos droits
Vous avez le droit d'accéder à vos données, de les faire rectifier ou effacer, d'en limiter l'utilisation, de vous \
opposer à leur traitement et de les récupérer pour les transmettre ailleurs (portabilité), dans les limites prévues \
par le RGPD : par exemple, les factures doivent rester dans la comptabilité de la commune. Vous pouvez retirer à \
tout moment un consentement donné, comme le droit à l'image.
- Accès et portabilité : dans Mon compte, « Télécharger mes données » vous donne toutes vos informations (un \
fichier réutilisable et un résumé lisible en PDF).
- Rectification : corrigez vos informations dans Mes informations ; la mairie valide la modification.
- Pour tout autre droit ou toute question : écrivez à la mairie depuis la messagerie du portail, par courriel à \
{c['email']} ou par courrier : {c['mairie']}. La mairie répond dans un délai d'un mois, qui peut être prolongé de \
deux mois si la demande est complexe.

## Délégué à la protection des données
{c['dpo']}

## Réclamation auprès de la CNIL
Si vous estimez, après avoir contacté la mairie, que vos droits ne sont pas respectés, vous pouvez adresser une \
réclamation à la CNIL : en ligne sur https://www.cnil.fr/fr/plaintes ou par courrier : CNIL, 3 place de Fontenoy, \
TSA 80715, 75334 Paris Cedex 07.
"""


def absence_deadline_words(service: dict) -> str:
    """'2 jours ouvrés avant, avant 10:00' for a service's notice period."""
    days, time = int(service.get("notice_working_days", 2)), service.get("notice_time", "10:00")
    if days <= 0:
        return f"le jour même, avant {time}"
    return f"{days} jour{'s' if days > 1 else ''} ouvré{'s' if days > 1 else ''} avant, avant {time}"


def aide(settings: dict, services: list[dict]) -> str:
    c = commune_lines(settings)
    modules = settings.get("modules") or {}
    if modules.get("enrolments"):
        deadlines = "\n".join(f"- {service['name']} : au plus tard {absence_deadline_words(service)} ;"
                              for service in services if service.get("active", True))
        absences = f"""Dans Inscriptions, choisissez « Déclarer une absence ». Déclarez-la au plus tôt ; les délais \
sont comptés en jours ouvrés (du lundi au vendredi, hors jours fériés) avant le jour d'absence :
{deadlines}

Une absence déclarée dans ce délai n'est pas facturée. Après ce délai, les jours réservés sont facturés, sauf \
décision \
de la mairie (par exemple sur présentation d'un certificat médical, que vous pouvez joindre à la déclaration)."""
    else:
        absences = f"""Prévenez la mairie au plus tôt, par la messagerie du portail (Messages) ou au {c['phone']}."""
    card = ("par carte bancaire en ligne : bouton « Payer en ligne » de l'Accueil ; le paiement est enregistré dès que "
            "la banque l'a accepté, sans démarche de votre part ; " if modules.get("payment") else "")
    return f"""## Je ne connais pas mon identifiant
Votre identifiant est votre numéro de famille : il figure sur vos factures et sur le courrier d'accès remis par la \
mairie. Si vous ne le trouvez pas, appelez le {c['service']} au {c['phone']} ou écrivez à {c['email']}.

## J'ai oublié mon mot de passe
Sur la page de connexion, suivez le lien [Mot de passe oublié ?](/mot-de-passe-oublie) et saisissez votre \
identifiant ou votre adresse e-mail : vous recevez un courriel avec un lien, valable une heure, pour choisir un \
nouveau mot de passe. Pas de courriel ? Regardez dans les courriers indésirables, ou demandez un nouveau mot de passe \
à la mairie.

## Je n'ai pas encore de compte
Une famille qui arrive dans la commune remplit la [fiche de pré-inscription](/pre-inscription) : la mairie l'étudie \
puis lui envoie ses codes d'accès.

## Comment une modification est-elle prise en compte ?
Quand vous modifiez vos informations, rien ne change tout de suite : la modification devient une demande, visible \
dans Mes demandes avec l'état « En attente ». La mairie la vérifie puis la valide (vos informations sont alors mises \
à jour) ou l'annule en vous indiquant la raison. Tant qu'elle est en attente, vous pouvez la retirer.

## Comment payer mes factures ?
Vos factures sont dans Factures, à imprimer ou à enregistrer en PDF ; le Relevé de compte montre ce qui reste à \
payer. Vous pouvez payer {card}par prélèvement, si vous avez donné vos coordonnées bancaires ; par chèque ou en \
espèces auprès de la mairie.

## Comment signaler une absence ?
{absences}

## Écrire à la mairie
Dans Messages, « Contacter la collectivité » : la réponse arrive dans le portail. Vous pouvez aussi appeler le \
{c['service']} de {c['name']} au {c['phone']}.

## Mes données personnelles
Ce que la mairie fait de vos données et vos droits sont expliqués sur la page \
[Données personnelles](/donnees-personnelles). Dans Mon compte, « Télécharger mes données » vous donne tout ce que la \
mairie conserve sur votre famille.
"""


DEFAULT_TEXTS = {"mentions-legales": mentions_legales, "accessibilite": accessibilite,
                 "donnees-personnelles": donnees_personnelles, "aide": aide}


def default_text(slug: str, settings: dict, services: list[dict]) -> str:
    """The complete default text of a page, from the settings (commune, legal details, modules) and the services."""
    return DEFAULT_TEXTS[slug](settings, services).strip() + "\n"
