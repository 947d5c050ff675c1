"""Each role's main pages on the demo district, in Chromium at 390 × 844 and 1366 × 768: nothing
wider than the screen, nothing the Content-Security-Policy blocks, and no serious or critical
axe-core violation. A screenshot of each page
at each size lands in $SIKOMO_SCREENSHOTS (or the test's temporary folder) to be looked at."""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from sikomo.extensions import db
from sikomo.models import Assessment, Report, ReportStatus, User
from sikomo.review.operations import DECIDED
from tests.e2e.test_browser_flow import CHROMIUM, buffered, page  # noqa: F401 (fixture)

axe_api = pytest.importorskip(
    "axe_playwright_python.sync_playwright", reason="axe is not installed"
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]
SIZES = ((390, 844), (1366, 768))
SEVERE = {"serious", "critical"}


def main_pages(own_report: int, report: int, certificate: int) -> dict[str, list[str]]:
    neraca = "/laporan/{}/bagian/neraca"
    return {
        "-": ["/publik/", "/login"],
        "pengurus": ["/laporan/", f"/laporan/{own_report}", neraca.format(own_report),
                     f"/laporan/{own_report}/bagian/kuesioner", "/akun/profil",
                     f"/penilaian/{certificate}/sertifikat"],
        "pengawas": ["/", "/penilaian/", f"/penilaian/laporan/{report}", "/koperasi/",
                     "/indikator/", neraca.format(report)],
        "dinas": ["/", "/indikator/pengaturan", "/pengaturan/", "/koperasi/baru", "/koperasi/impor",
                  "/laporan/impor", "/token/"],
        "admin": ["/audit", "/akun/sesi/", "/akun/kata-sandi"],
    }  # fmt: skip


@pytest.fixture
def demo_site(make_app):
    """The demo district (seed-demo, refresh-scores) with CSRF on, served on a free port."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        runner = app.test_cli_runner()
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        assert runner.invoke(args=["refresh-scores"]).exit_code == 0
        own = db.session.scalar(
            db.select(Report.id)
            .join(User, User.cooperative_id == Report.cooperative_id)
            .where(User.email == "pengurus@sikomo.test")
            .order_by(Report.tahun_buku.desc())
        )
        certificate = db.session.scalar(
            db.select(Assessment.id).where(
                Assessment.report_id == own, Assessment.status.in_(DECIDED)
            )
        )
        other = db.session.scalar(
            db.select(Report.id).where(Report.status == ReportStatus.DISETUJUI).order_by(Report.id)
        )
        server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}", main_pages(own, other, certificate)
        server.shutdown()
        thread.join(5)
        db.session.remove()


def sign_in(tab, base: str, role: str) -> None:
    tab.context.clear_cookies()
    if role == "-":
        return
    tab.goto(f"{base}/login")
    tab.fill("#email", f"{role}@sikomo.test")
    tab.fill("#password", f"{role}-demo-123")
    tab.click("button[type=submit]")
    tab.wait_for_load_state()


def test_main_pages_fit_the_screen_and_pass_axe(demo_site, page, tmp_path):  # noqa: F811
    base, pages = demo_site
    shots = Path(os.environ.get("SIKOMO_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    axe, problems, seen = axe_api.Axe(), [], 0
    refused = []  # what the Content-Security-Policy blocked, as Chromium reports it
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    for role, paths in pages.items():
        sign_in(page, base, role)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for path in paths:
                response = page.goto(base + path)
                assert response.status == 200, (role, path, response.status)
                page.wait_for_load_state("load")
                seen += 1
                name = f"{role}{path}".replace("/", "_").strip("_") or role
                page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
                problems += [f"{role} {path} at {width}: {text[:200]}" for text in refused]
                refused.clear()
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    problems.append(f"{role} {path} at {width}: {wide} px wide")
                for v in axe.run(page).response["violations"]:
                    if v["impact"] in SEVERE:
                        where = ", ".join(str(n["target"]) for n in v["nodes"][:3])
                        problems.append(
                            f"{role} {path} at {width}: axe {v['id']} ({v['impact']}) {where}"
                        )
    assert seen == 2 * sum(len(p) for p in pages.values())
    assert not problems, "\n".join(problems)
