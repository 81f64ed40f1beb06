"""Paybox System (today Up2pay e-Transactions) card payment: the signed PBX_* form, the bank's RSA-signed
notification, the French texts of its result codes, and the crypto of the local bank simulator.

Protocol as described in Paybox's integration manual (ManuelIntegrationVerifone_PayboxSystem, §"Appel de la page
de paiement", §"Gestion de la réponse"):
- the form's PBX_HMAC is HMAC-SHA512 (PBX_HASH) of "PBX_SITE=…&PBX_RANG=…&…" — every other field in the order of
  the form, values not URL-encoded — keyed with the merchant's secret key decoded from hex, in uppercase hex;
- the bank calls PBX_REPONDRE_A (the IPN) with the PBX_RETOUR variables, the signature K last; the signature is
  RSA with SHA-1 over the URL-encoded "name=value&…" before "&sign=", sent base64 then URL-encoded;
- a payment is good when the signature verifies, erreur is 00000, an authorisation number is present and the
  amount is the one asked.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from storage import clock
from storage.atomic import write_atomically
from storage.payment.gateway import (SUCCESS_CODE, InvalidNotification, Notification, PaymentForm,
                                     PaymentRequest)

EURO = "978"  # ISO 4217 numeric code, PBX_DEVISE
HASH_NAME = "SHA512"
# What the bank sends back, as name:letter (M amount, R our reference, A authorisation number, E result code,
# T Paybox call number); the signature K must come last, or what follows it would not be signed.
RETURN_VARIABLES = "montant:M;ref:R;auto:A;erreur:E;trans:T;sign:K"
RETURN_NAMES = dict(item.split(":")[::-1] for item in RETURN_VARIABLES.split(";"))  # letter -> our name
SIGNATURE_NAME = RETURN_NAMES["K"]
TEST_AUTHORIZATION = "XXXXXX"  # what Paybox's test platform returns as authorisation number
SIMULATOR_PATH = "/paiement-en-ligne/simulateur"
SIMULATOR_FOLDER = "simulator"
SIMULATOR_PRIVATE_KEY = "paybox-test-private.pem"
SIMULATOR_PUBLIC_KEY = "paybox-test-public.pem"
REQUIRED_FIELDS = ("PBX_SITE", "PBX_RANG", "PBX_IDENTIFIANT", "PBX_TOTAL", "PBX_DEVISE", "PBX_CMD", "PBX_PORTEUR",
                   "PBX_RETOUR", "PBX_HASH", "PBX_TIME", "PBX_HMAC")
log = logging.getLogger("portal.payment")

# --- result codes (manual, "Codes réponse PBX_RETOUR"), as a family should read them --------------------------

RESULT_MESSAGES = {
    "00000": "Paiement accepté.",
    "00001": "La banque n'a pas pu joindre le centre d'autorisation. Aucun montant n'a été débité ; "
             "réessayez dans quelques minutes.",
    "00003": "Le service de paiement de la banque a rencontré une erreur. Aucun montant n'a été débité ; "
             "réessayez dans quelques minutes.",
    "00004": "Numéro de carte ou cryptogramme visuel invalide.",
    "00006": "Accès refusé : le paiement en ligne de la commune est mal configuré. Contactez la mairie.",
    "00008": "Date de fin de validité de la carte incorrecte.",
    "00010": "Devise inconnue.",
    "00011": "Montant incorrect.",
    "00015": "Ce paiement a déjà été effectué.",
    "00021": "Cette carte n'est pas acceptée.",
    "00029": "Carte non conforme.",
    "00030": "Le temps laissé pour saisir les informations de la carte est dépassé (15 minutes).",
    "00033": "Paiement refusé : pays de connexion non autorisé.",
    "00040": "Paiement refusé : la carte n'a pas pu être authentifiée (3-D Secure).",
    "99999": "Paiement en attente de validation par votre banque.",
}
# 001xx: refused by the card issuer, xx being its own answer code (manual §12.1); the common ones.
ISSUER_MESSAGES = {
    "05": "Paiement refusé par votre banque.",
    "12": "Transaction invalide.",
    "13": "Montant invalide.",
    "14": "Numéro de carte invalide.",
    "17": "Paiement annulé.",
    "33": "Carte expirée.",
    "34": "Paiement refusé par votre banque.",
    "41": "Carte refusée (carte déclarée perdue).",
    "43": "Carte refusée (carte déclarée volée).",
    "51": "Provision insuffisante ou plafond de la carte dépassé.",
    "54": "Date de validité de la carte dépassée.",
    "55": "Code confidentiel erroné.",
    "57": "Transaction non permise pour cette carte.",
    "75": "Nombre d'essais du code confidentiel dépassé.",
}


def result_message(code: str) -> str:
    """The French sentence for a Paybox result code (erreur)."""
    code = (code or "").strip()
    if code in RESULT_MESSAGES:
        return RESULT_MESSAGES[code]
    if re.fullmatch(r"001[0-9]{2}", code):
        return ISSUER_MESSAGES.get(code[3:], "Paiement refusé par votre banque.") + " Aucun montant n'a été débité."
    return f"Le paiement n'a pas abouti (code {code or 'inconnu'}). Aucun montant n'a été débité."


# --- HMAC of the payment form ---------------------------------------------------------------------------------

def signed_string(fields: list[tuple[str, str]]) -> str:
    """'PBX_SITE=1999888&PBX_RANG=32&…': the fields in form order, values not URL-encoded."""
    return "&".join(f"{name}={value}" for name, value in fields)


def form_hmac(fields: list[tuple[str, str]], key_hex: str) -> str:
    """PBX_HMAC: HMAC-SHA512 of signed_string(fields), the key given in hex, as uppercase hex."""
    key = bytes.fromhex(key_hex.strip())
    return hmac.new(key, signed_string(fields).encode("utf-8"), hashlib.sha512).hexdigest().upper()


def paybox_time(now: datetime | None = None) -> str:
    """PBX_TIME: ISO 8601 with the UTC offset, to the second."""
    return (now or clock.now()).astimezone().replace(microsecond=0).isoformat()


def total_field(amount_cents: int) -> str:
    """PBX_TOTAL: the amount in cents, digits only (at least three, as the manual's examples)."""
    return f"{int(amount_cents):03d}"


# --- RSA signature of the notification ------------------------------------------------------------------------

def split_signature(raw_message: str) -> tuple[str, bytes]:
    """(signed data, binary signature) of a notification: detach the last '&sign=', URL-decode, base64-decode."""
    marker = f"&{SIGNATURE_NAME}="
    position = raw_message.rfind(marker)
    if position <= 0:
        raise InvalidNotification("signature absente")
    data, encoded = raw_message[:position], raw_message[position + len(marker):]
    if "&" in encoded:
        raise InvalidNotification("la signature n'est pas la dernière variable")
    try:
        signature = base64.b64decode(unquote(encoded), validate=True)
    except ValueError:
        raise InvalidNotification("signature illisible") from None
    return data, signature


def public_keys(pem: bytes) -> list:
    """Every public key of a PEM file (the bank may change its key pair: the file can hold the old and the new)."""
    keys = []
    for block in re.findall(rb"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", pem, re.S):
        keys.append(serialization.load_pem_public_key(block))
    return keys


def rsa_sha1_valid(data: bytes, signature: bytes, keys: list) -> bool:
    """True when one of keys verifies signature (PKCS#1 v1.5, SHA-1) over data."""
    for key in keys:
        try:
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA1())  # SHA-1: the bank's choice, not ours
            return True
        except (InvalidSignature, ValueError, TypeError):
            continue
    return False


def parse_notification(data: str) -> dict[str, str]:
    """The variables of the signed part; a name given twice makes the message invalid."""
    pairs = parse_qsl(data, keep_blank_values=True, strict_parsing=False, encoding="utf-8", errors="strict")
    values = {}
    for name, value in pairs:
        if name in values:
            raise InvalidNotification(f"variable en double : {name}")
        values[name] = value
    return values


# --- the adapter ----------------------------------------------------------------------------------------------

class PayboxGateway:
    """The Paybox System adapter over the settings' "paybox" block; relative key paths are below data_dir."""

    def __init__(self, config: dict, data_dir: Path):
        self.config = config
        self.data_dir = Path(data_dir)

    @property
    def simulator(self) -> bool:
        return bool(self.config.get("simulator"))

    @property
    def action_url(self) -> str:
        """Where the browser posts the form: the bank's payment page, or the local simulator."""
        return SIMULATOR_PATH if self.simulator else str(self.config.get("bank_url") or "")

    def configuration_problems(self) -> list[str]:
        """What prevents sending a family to the bank (empty when the settings are complete)."""
        problems = [f"« {name} » manquant" for name in ("site", "rang", "identifiant")
                    if not str(self.config.get(name) or "").strip()]
        key = str(self.config.get("hmac_key_hex") or "").strip()
        if not re.fullmatch(r"(?:[0-9A-Fa-f]{2})+", key):
            problems.append("clé HMAC absente ou non hexadécimale")
        if not self.action_url.startswith(("https://", "http://", "/")):
            problems.append("adresse de la banque invalide")
        return problems

    def payment_form(self, request: PaymentRequest, now: datetime | None = None) -> PaymentForm:
        fields = [
            ("PBX_SITE", str(self.config["site"]).strip()),
            ("PBX_RANG", str(self.config["rang"]).strip()),
            ("PBX_IDENTIFIANT", str(self.config["identifiant"]).strip()),
            ("PBX_TOTAL", total_field(request.amount_cents)),
            ("PBX_DEVISE", EURO),
            ("PBX_CMD", request.reference),
            ("PBX_PORTEUR", request.email),
            ("PBX_RETOUR", RETURN_VARIABLES),
            ("PBX_HASH", HASH_NAME),
            ("PBX_TIME", paybox_time(now)),
            ("PBX_EFFECTUE", request.accepted_url),
            ("PBX_REFUSE", request.refused_url),
            ("PBX_ANNULE", request.cancelled_url),
            ("PBX_ATTENTE", request.waiting_url),
            ("PBX_REPONDRE_A", request.notify_url),
        ]
        fields.append(("PBX_HMAC", form_hmac(fields, self.config["hmac_key_hex"])))
        return PaymentForm(self.action_url, fields)

    def public_key_path(self) -> Path:
        path = Path(str(self.config.get("public_key_path") or ""))
        return path if path.is_absolute() else self.data_dir / path

    def verify_notification(self, raw_message: str) -> Notification:
        data, signature = split_signature(raw_message)
        path = self.public_key_path()
        try:
            keys = public_keys(path.read_bytes())
        except (OSError, ValueError) as error:
            raise InvalidNotification(f"clé publique de la banque illisible ({path}): {error}") from None
        if not keys:
            raise InvalidNotification(f"aucune clé publique dans {path}")
        if not rsa_sha1_valid(data.encode("utf-8"), signature, keys):
            raise InvalidNotification("signature invalide")
        try:
            values = parse_notification(data)
        except UnicodeDecodeError:
            raise InvalidNotification("encodage invalide") from None
        names = {letter: RETURN_NAMES[letter] for letter in "MREAT"}
        amount = values.get(names["M"], "")
        if not amount.isdigit() or not values.get(names["R"]) or not values.get(names["E"]):
            raise InvalidNotification("montant, référence ou code résultat absent")
        return Notification(reference=values[names["R"]], amount_cents=int(amount), result_code=values[names["E"]],
                            authorization=values.get(names["A"], ""), transaction=values.get(names["T"], ""))

    def result_message(self, code: str) -> str:
        return result_message(code)


# --- the local simulator of the bank ----------------------------------------------------------------------------

SIMULATOR_DECISIONS = {
    # decision: (result code, which return URL); 00105 is the issuer's "ne pas honorer", 00117 "annulation client"
    "accepter": (SUCCESS_CODE, "PBX_EFFECTUE"),
    "refuser": ("00105", "PBX_REFUSE"),
    "annuler": ("00117", "PBX_ANNULE"),
}
_key_lock = threading.Lock()


def simulator_key_paths(data_dir: Path) -> tuple[Path, Path]:
    folder = Path(data_dir) / SIMULATOR_FOLDER
    return folder / SIMULATOR_PRIVATE_KEY, folder / SIMULATOR_PUBLIC_KEY


def simulator_public_key_setting() -> str:
    """The public_key_path, relative to the data folder, that trusts the simulator's signatures."""
    return f"{SIMULATOR_FOLDER}/{SIMULATOR_PUBLIC_KEY}"


def ensure_simulator_key(data_dir: Path):
    """The simulator's RSA private key, generated once into data/simulator/ (never committed) with its public half."""
    private_path, public_path = simulator_key_paths(data_dir)
    with _key_lock:
        if private_path.exists() and public_path.exists():
            return serialization.load_pem_private_key(private_path.read_bytes(), password=None)
        private_path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        write_atomically(private_path, key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
        write_atomically(public_path, key.public_key().public_bytes(serialization.Encoding.PEM,
                                                                    serialization.PublicFormat.SubjectPublicKeyInfo))
        log.info("Simulateur de paiement : clé de test créée dans %s", private_path.parent)
        return key


def rsa_sha1_sign(data: bytes, private_key) -> str:
    """What the bank puts in K: base64 of the RSA-SHA1 signature (the caller URL-encodes it)."""
    return base64.b64encode(private_key.sign(data, padding.PKCS1v15(), hashes.SHA1())).decode("ascii")


def check_simulated_request(fields: list[tuple[str, str]], config: dict) -> str | None:
    """Why the bank would refuse this payment form (None when it is good): fields, merchant ids and PBX_HMAC."""
    values = dict(fields)
    missing = [name for name in REQUIRED_FIELDS if not values.get(name)]
    if missing:
        return "Champs manquants : " + ", ".join(missing)
    if len(values) != len(fields):
        return "Champ en double."
    if fields[-1][0] != "PBX_HMAC":
        return "PBX_HMAC doit être le dernier champ."
    if values["PBX_HASH"] != HASH_NAME:
        return "Algorithme PBX_HASH non pris en charge par le simulateur."
    for name, setting in (("PBX_SITE", "site"), ("PBX_RANG", "rang"), ("PBX_IDENTIFIANT", "identifiant")):
        if values[name] != str(config.get(setting) or "").strip():
            return "Problème d'identification du commerce (site, rang ou identifiant)."
    try:
        expected = form_hmac(fields[:-1], str(config.get("hmac_key_hex") or ""))
    except ValueError:
        return "Clé HMAC du commerce invalide."
    if not hmac.compare_digest(expected, values["PBX_HMAC"].upper()):
        return "Problème d'identification du commerce : empreinte PBX_HMAC invalide."
    if not values["PBX_TOTAL"].isdigit() or values["PBX_DEVISE"] != EURO:
        return "Montant ou devise invalide."
    if not values["PBX_RETOUR"].endswith(":K"):
        return "La signature (K) doit être la dernière variable de PBX_RETOUR."
    return None


def simulated_result(fields: list[tuple[str, str]], decision: str, private_key) -> tuple[str, str]:
    """(signed result message, return URL) as the bank builds them for the decision taken on its page.

    The message holds the variables asked in PBX_RETOUR with the merchant's names, URL-encoded, the signature last;
    a refused or cancelled payment has no authorisation number (the manual: "la variable n'est pas envoyée")."""
    values = dict(fields)
    code, url_field = SIMULATOR_DECISIONS[decision]
    by_letter = {"M": str(int(values["PBX_TOTAL"])), "R": values["PBX_CMD"], "E": code,
                 "T": str(secrets.randbelow(9 * 10 ** 9) + 10 ** 9),
                 "A": TEST_AUTHORIZATION if code == SUCCESS_CODE else None}
    parts, signature_name = [], None
    for item in values["PBX_RETOUR"].split(";"):
        name, _, letter = item.partition(":")
        if letter == "K":
            signature_name = name
            break
        if by_letter.get(letter) is not None:
            parts.append(f"{name}={quote(by_letter[letter], safe='')}")
    data = "&".join(parts)
    message = f"{data}&{signature_name}={quote(rsa_sha1_sign(data.encode('utf-8'), private_key), safe='')}"
    return message, values.get(url_field, "")
