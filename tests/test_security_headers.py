"""Headers that keep pages private: CSP without inline script, no framing, no sniffing, no
referrer to other hosts, no caching of signed-in pages; and Django's deploy checks pass."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_page_has_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'")
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_pages_refuse_framing_sniffing_and_referrers(client, db):
    response = client.get("/accounts/login/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_never_stored(client, lead):
    client.force_login(lead)

    response = client.get("/")

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_carry_no_inline_script(client, lead, campaign):
    client.force_login(lead)

    for url in ["/", f"/campaigns/{campaign.pk}/", "/campaigns/"]:
        page = client.get(url).content.decode()
        for tag in page.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            data = 'type="application/json"' in opening  # json_script: data, never run
            assert " src=" in opening or data, f"inline script on {url}"
        assert " onclick=" not in page and " style=" not in page


def test_the_deploy_checks_pass_with_production_settings():
    from django.db import connection

    db = connection.settings_dict
    skip = ("SECURE_", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(skip)},
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres",
        "DEBUG": "0",
        "SECRET_KEY": "k3Jx9-pQ2vLm8RtYw4Zb7NcFh1Gd6Se0Ua5Ko2Ip9Xq3Vj7Wn4Tz8Ey1Br6Ml0Hs",
        "ALLOWED_HOSTS": "majority.example.org",
        "SITE_URL": "https://majority.example.org",
        "EMAIL_URL": "smtp+tls://organizing:pw@smtp.example.org:587",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
