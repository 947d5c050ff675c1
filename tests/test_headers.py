"""Security headers on every response; nothing a signed-in user sees is cached; no template needs
an inline script or event handler that the Content-Security-Policy would refuse."""

import re
from pathlib import Path

import pytest

from sikomo.headers import ALWAYS
from sikomo.models import Role

TEMPLATES = Path(__file__).parents[1] / "templates"


@pytest.mark.parametrize(
    "path", ["/publik/", "/login", "/halaman-tidak-ada", "/static/css/app.css"]
)
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    for name, value in ALWAYS.items():
        assert headers[name] == value, name
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_hsts_is_sent_over_https(client):
    assert (
        "max-age="
        in client.get("/publik/", base_url="https://localhost").headers["Strict-Transport-Security"]
    )


@pytest.mark.parametrize(
    "path", ["/", "/koperasi/", "/koperasi/ekspor.csv", "/indikator/lkjip.xlsx"]
)
def test_what_a_signed_in_user_sees_is_never_cached(client, login_as, path):
    login_as(Role.DINAS)
    response = client.get(path)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_public_pages_may_be_cached_as_usual(client):
    assert client.get("/publik/").headers.get("Cache-Control") != "no-store"


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        found += [f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
        found += [
            f"{template.name}: {m}"
            for m in re.findall(r"<script(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>", text)
        ]
        found += [f"{template.name}: style=" for _ in re.findall(r"\sstyle=\"", text)]
    assert not found, found


def test_proxy_headers_are_believed_only_behind_a_configured_proxy(make_app):
    seen = []
    for hops in (0, 1):
        app = make_app(PROXY_HOPS=hops)

        @app.get("/_alamat")
        def address():
            from flask import request

            return f"{request.remote_addr} {request.scheme}"

        with app.test_client() as client:
            seen.append(client.get("/_alamat", headers={"X-Forwarded-For": "203.0.113.9",
                                                        "X-Forwarded-Proto": "https"}).get_data(as_text=True))  # fmt: skip
    assert seen == ["127.0.0.1 http", "203.0.113.9 https"]
