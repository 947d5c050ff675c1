"""Every API error is JSON {"errors": [{"field", "message"}]} in Indonesian; never a traceback."""

import pytest

from sikomo.api import bp


def assert_json_error(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["errors"] and all(e["message"] for e in body["errors"])
    assert "Traceback" not in response.get_data(as_text=True)
    return body


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/v1/tidak-ada", 404),
        ("GET", "/api/v2/koperasi", 404),
        ("DELETE", "/api/v1/koperasi", 405),
        ("GET", "/api/v1/reports", 405),
        ("GET", "/api/v1/reports/1", 401),
        ("GET", "/api/v1/koperasi/3516000000000000", 404),
        ("GET", "/api/v1/koperasi?page=0", 400),
        ("GET", "/api/v1/indicators", 400),
        ("POST", "/api/v1/reports", 401),
    ],
)
def test_api_errors_are_json(client, method, url, status):
    assert_json_error(client.open(url, method=method), status)


def test_405_says_which_methods_are_allowed(client):
    response = client.delete("/api/v1/koperasi")
    assert "GET" in response.headers["Allow"]


def test_a_too_large_body_is_413_json(make_app, make_cooperative, make_token):
    app = make_app(MAX_CONTENT_LENGTH=100)
    with app.app_context():
        secret = make_token(make_cooperative("KSP Sejahtera"))
        response = app.test_client().post(
            "/api/v1/reports", data="{" + " " * 200 + "}", content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )  # fmt: skip
    assert_json_error(response, 413)


def test_a_crash_is_500_json_without_a_stack_trace(client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("rahasia internal: /srv/sikomo/db.py line 42")

    monkeypatch.setattr("sikomo.api.reference.scoring.builtin_rulesets", boom)
    response = client.get("/api/v1/rulesets")
    body = assert_json_error(response, 500)
    assert "rahasia internal" not in response.get_data(as_text=True)
    assert body["errors"][0]["message"].startswith("Terjadi kesalahan")


def test_html_pages_keep_their_html_errors(client):
    response = client.get("/halaman-tidak-ada")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_the_api_is_rate_limited_with_a_json_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        codes = [client.get("/api/v1/schema").status_code for _ in range(3)]
        response = client.get("/api/v1/schema")
    assert codes == [200, 200, 429]
    assert_json_error(response, 429)


def test_the_blueprint_is_csrf_exempt_so_tokens_alone_authorise_posts(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().post("/api/v1/reports", json={})
    assert response.status_code == 401  # not a CSRF 400: the token is what is missing
    assert bp.name == "api"


def test_a_made_up_bearer_string_each_time_is_limited_by_address(
    make_app, make_cooperative, make_token
):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        codes = [client.get("/api/v1/schema", headers={"Authorization": f"Bearer palsu-{i}"}).status_code
                 for i in range(3)]  # fmt: skip
        secret = make_token(make_cooperative())
        valid = client.get("/api/v1/schema", headers={"Authorization": f"Bearer {secret}"})
    assert codes == [200, 200, 429]
    assert valid.status_code == 200  # a real token has its own allowance
