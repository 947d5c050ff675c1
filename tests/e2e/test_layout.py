"""The header on a phone and at a desk: on a 390 px screen the menu folds behind its button
and nothing is wider than the screen; at 1366 px every link shows without the button."""

import pytest

from sikomo.models import Role
from tests.e2e.test_browser_flow import CHROMIUM, expect, live_app, log_in, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]
PAGES = {
    Role.PENGURUS: ["/laporan/"],
    Role.PENGAWAS: ["/", "/penilaian/", "/akun/profil"],
    Role.DINAS: ["/", "/penilaian/", "/pengaturan/", "/koperasi/"],
}


def widths(tab) -> list[int]:
    """The header's and the document's scroll widths, in CSS pixels."""
    return tab.evaluate(
        "[document.querySelector('.site-header').scrollWidth, document.documentElement.scrollWidth]"
    )


@pytest.mark.parametrize("role", list(PAGES))
def test_the_menu_folds_on_a_phone_and_opens_with_its_button(live_app, page, role):  # noqa: F811
    _app, base = live_app
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, role)
    for path in PAGES[role]:
        page.goto(base + path)
        header, _document = widths(page)
        assert header <= 390, path
        assert not page.locator("button:text-is('Keluar')").is_visible(), path
    page.click("button.nav-toggle")
    expect(page.locator("button:text-is('Keluar')")).to_be_visible()
    assert page.get_attribute("button.nav-toggle", "aria-expanded") == "true"
    assert widths(page)[0] <= 390


@pytest.mark.parametrize("role", list(PAGES))
def test_at_a_desk_every_link_shows_without_the_button(live_app, page, role):  # noqa: F811
    _app, base = live_app
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, base, role)
    page.goto(base + PAGES[role][0])
    assert not page.locator("button.nav-toggle").is_visible()
    assert page.locator("button:text-is('Keluar')").is_visible()
    header, document = widths(page)
    assert header <= 1366 and document == 1366
