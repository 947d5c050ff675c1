"""The context a page rendered its template with: what a test reads instead of scraping HTML."""

from flask import template_rendered


def rendered_context(client, url: str) -> dict:
    """GET `url` (it must answer 200) and return the context of the first template rendered."""
    contexts = []

    def seen(sender, template, context, **extra):
        contexts.append(context)

    with template_rendered.connected_to(seen, client.application):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return contexts[0]


def review_page(client, report) -> str:
    """The review page of `report` as HTML (it must answer 200)."""
    response = client.get(f"/penilaian/laporan/{report.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)
