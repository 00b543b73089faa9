"""Text messages through Twilio's REST API, against a stand-in Twilio on loopback (the real
one is a third party's remote API): what we send, and how its answers become outcomes."""

import json
import threading
import urllib.parse
from base64 import b64decode
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from organizing import sms
from organizing.sms import SmsError, send_sms


class FakeTwilio(BaseHTTPRequestHandler):
    answer: tuple[int, dict] = (201, {"sid": "SM123"})
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        self.received.append(
            {
                "path": self.path,
                "auth": b64decode(self.headers["Authorization"].split()[1]).decode(),
                "form": dict(urllib.parse.parse_qsl(self.rfile.read(length).decode())),
            }
        )
        status, body = self.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    FakeTwilio.received, FakeTwilio.answer = [], (201, {"sid": "SM123"})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS = {
        "backend": "twilio",
        "base_url": f"http://127.0.0.1:{server.server_port}",
        "account": "AC42",
        "token": "s3cret",
        "sender": "+15551230000",
    }
    yield FakeTwilio
    server.shutdown()


def test_it_posts_the_message_to_the_account_with_its_credentials(twilio):
    sid = send_sms(to="+13125550143", body="Harbor: meeting tomorrow 18:00")

    assert sid == "SM123"
    (request,) = twilio.received
    assert request["path"] == "/2010-04-01/Accounts/AC42/Messages.json"
    assert request["auth"] == "AC42:s3cret"
    assert request["form"] == {
        "To": "+13125550143",
        "From": "+15551230000",
        "Body": "Harbor: meeting tomorrow 18:00",
    }


def test_a_refused_number_is_a_permanent_failure_with_twilios_reason(twilio):
    twilio.answer = (400, {"code": 21211, "message": "The 'To' number is not valid."})

    with pytest.raises(SmsError) as caught:
        send_sms(to="+1555", body="hi")

    assert not caught.value.transient
    assert "not valid" in str(caught.value)


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_or_down_provider_is_worth_retrying(twilio, status):
    twilio.answer = (status, {"message": "try later"})

    with pytest.raises(SmsError) as caught:
        send_sms(to="+13125550143", body="hi")

    assert caught.value.transient


def test_an_unreachable_provider_is_worth_retrying(settings):
    settings.SMS = {
        "backend": "twilio",
        "base_url": "http://127.0.0.1:9",  # discard port: nothing listens
        "account": "AC42",
        "token": "s3cret",
        "sender": "+15551230000",
    }

    with pytest.raises(SmsError) as caught:
        send_sms(to="+13125550143", body="hi", timeout=2)

    assert caught.value.transient


def test_locmem_keeps_what_was_sent(settings):
    settings.SMS = {"backend": "locmem"}
    sms.outbox.clear()

    send_sms(to="+13125550143", body="hi")

    assert sms.outbox == [sms.Sms(to="+13125550143", body="hi")]
