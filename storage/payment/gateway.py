"""What the portal needs from any card payment gateway: a form that sends the family's browser to the bank,
and a way to check the bank's server-to-server notification. storage/payment/paybox.py is the Paybox System adapter."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

SUCCESS_CODE = "00000"


@dataclass(frozen=True)
class PaymentRequest:
    """One attempt to pay: our unique reference, the amount in cents, the payer's email and our URLs."""
    reference: str
    amount_cents: int
    email: str
    accepted_url: str   # the browser comes back here when the payment is accepted (effectué)
    refused_url: str
    cancelled_url: str
    waiting_url: str    # payment waiting for the card issuer's decision (en attente)
    notify_url: str     # the bank's server calls this one (IPN); the only one that records a payment


@dataclass(frozen=True)
class PaymentForm:
    """An HTML form the family's browser posts to the bank: its action URL and its fields, in order."""
    action: str
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class Notification:
    """A notification whose signature the gateway has verified."""
    reference: str
    amount_cents: int
    result_code: str          # SUCCESS_CODE when the card was debited
    authorization: str = ""   # the card issuer's authorisation number, when accepted
    transaction: str = ""     # the bank's transaction number

    @property
    def paid(self) -> bool:
        return self.result_code == SUCCESS_CODE and bool(self.authorization)


class InvalidNotification(ValueError):
    """A notification that does not come from the bank, or was changed on the way (bad or missing signature)."""


class PaymentGateway(Protocol):
    """The card gateway interface the routes and storage/payment/online.py rely on."""

    def payment_form(self, request: PaymentRequest) -> PaymentForm:
        """The signed form that sends the browser to the bank's payment page."""

    def verify_notification(self, raw_message: str) -> Notification:
        """The notification carried by raw_message (a URL-encoded query), or InvalidNotification."""

    def result_message(self, code: str) -> str:
        """The French sentence a family reads for a result code."""
