"""Links that leave the site (certificates, e-mail): built from the configured public address,
never from the Host header a request sent, and the same from a request or a cron job."""

from flask import current_app


def site_root() -> str:
    """The configured PUBLIC_URL (else the development address), ending in '/'."""
    root = current_app.config.get("PUBLIC_URL") or current_app.config["DEVELOPMENT_URL"]
    return root if root.endswith("/") else root + "/"


def path_for(endpoint: str, **values) -> str:
    """An app-relative path ('/laporan/12'), also outside a request (the CLI)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(path: str) -> str:
    """The deep link to an app-relative path: 'https://sikomo.example/laporan/12'."""
    return site_root() + path.lstrip("/")
