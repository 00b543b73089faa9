"""Sending text messages, the way Django sends email: one function, a backend chosen by
settings (SMS_URL). console:// prints, locmem:// keeps messages in `outbox` for tests, and
twilio:// talks to Twilio's REST API.

Failures come back as SmsError: `transient` (the provider is down or busy: try again later)
or not (a bad number, a refused message: trying again will not help).
"""

import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

outbox: list["Sms"] = []  # what locmem:// "sent"


@dataclass(frozen=True)
class Sms:
    to: str
    body: str


class SmsError(Exception):
    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.transient = transient


def send_sms(*, to: str, body: str, timeout: float = 10) -> str:
    """Send one text to an E.164 number; returns the provider's id for it."""
    config = settings.SMS
    match config["backend"]:
        case "console":
            sys.stdout.write(f"SMS to {to}:\n{body}\n")
            return "console"
        case "locmem":
            outbox.append(Sms(to=to, body=body))
            return f"locmem-{len(outbox)}"
        case "twilio":
            return _twilio(config, to=to, body=body, timeout=timeout)
    raise SmsError(f"unknown SMS backend {config['backend']}", transient=False)


def _twilio(config: dict, *, to: str, body: str, timeout: float) -> str:
    url = f"{config['base_url']}/2010-04-01/Accounts/{config['account']}/Messages.json"
    data = urllib.parse.urlencode({"To": to, "From": config["sender"], "Body": body}).encode()
    credentials = base64.b64encode(f"{config['account']}:{config['token']}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - the URL is ours (settings), http(s) only
        url, data=data, headers={"Authorization": f"Basic {credentials}"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.load(response).get("sid", "")
    except urllib.error.HTTPError as error:
        # 429 and 5xx: the provider is busy or down. Other 4xx: this message will not go.
        transient = error.code == 429 or error.code >= 500
        raise SmsError(f"Twilio {error.code}: {_message(error)}", transient=transient) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise SmsError(f"Twilio unreachable: {error}", transient=True) from error


def _message(error: urllib.error.HTTPError) -> str:
    try:
        return json.load(error).get("message", "")[:300]
    except (ValueError, AttributeError):
        return error.reason or ""
