"""End to end in a real browser: a pengurus submits, a pengawas approves, the Dinas confirms the
approval (four-eyes: the pengawas corrected an answer) and counts it.

Playwright drives Debian's Chromium (headless, --no-sandbox) against the app served on
127.0.0.1 from a thread, with CSRF on as in production. Skipped when Chromium or Playwright
is missing; CI installs both (.ci/run).
"""

import json
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from sikomo.auth.operations import create_user
from sikomo.extensions import db
from sikomo.models import Assessment, AssessmentStatus, Report, ReportStatus, Role

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = playwright_api.expect
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]
SAMPLE = json.loads(
    (Path(__file__).parents[1] / "scoring/data/ksp_sejahtera_2025.json").read_text()
)
PASSWORD = "rahasia-e2e-123"
LAST_YEAR = {"total_aset": 7_650_000_000, "total_ekuitas": 2_470_000_000, "total_kewajiban": 5_180_000_000,
             "shu_setelah_pajak": 268_000_000, "jumlah_anggota": 1185, "volume_usaha": 9_120_000_000}  # fmt: skip


def buffered(app):
    """The app with each response read whole (and its file closed) before the server sends it.
    Chromium often drops a static file mid-send when it navigates on; Werkzeug's development
    server then leaves the file to the garbage collector, an unraisable ResourceWarning that the
    suite's warnings-as-errors would charge to whichever test runs next."""

    def wsgi(environ, start_response):
        started = []
        body = app(
            environ, lambda status, headers, exc_info=None: started.append((status, headers))
        )
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        start_response(*started[0])
        return [content]

    return wsgi


@pytest.fixture
def live_app(make_app, make_cooperative, make_report):
    """The app with CSRF on, three users and last year's approved report, served on a free port."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        coop = make_cooperative("KSP Sejahtera E2E", nik="3516000000000888")
        make_report(coop, tahun_buku=2024, tanggal_rat="2025-03-10", **LAST_YEAR)
        for role in (Role.PENGURUS, Role.PENGAWAS, Role.DINAS):
            create_user("e2e", f"{role.value} e2e", f"{role.value}@e2e.test", PASSWORD, role,
                        coop.id if role == Role.PENGURUS else None)  # fmt: skip
        db.session.commit()
        server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield app, f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        thread.join(5)
        db.session.remove()


@pytest.fixture
def page():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],  # fmt: skip
        )
        tab = browser.new_page()
        tab.set_default_timeout(15_000)
        yield tab
        browser.close()


def log_in(page, base: str, role: Role) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", f"{role.value}@e2e.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def log_out(page) -> None:
    page.click("text=Keluar")
    page.wait_for_url("**/login*")


def rupiah_text(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def fill_section(page, keys) -> None:
    for key in keys:
        field = page.locator(f"input#{key}")
        if field.count() and SAMPLE.get(key) is not None:
            field.fill(rupiah_text(SAMPLE[key]) if SAMPLE[key] >= 1000 else str(SAMPLE[key]))
    with page.expect_navigation():  # the next section's fields exist only once it has loaded
        page.click("text=Simpan & lanjut")


def pengurus_submits(page, base: str) -> None:
    log_in(page, base, Role.PENGURUS)
    page.select_option("select#tahun_buku", "2025")
    page.click("button:text-is('Mulai')")
    page.fill("input#tanggal_rat", "2026-03-14")
    page.click("text=Simpan & lanjut")
    current_keys = [k for k in SAMPLE if not k.endswith("_lalu")]
    for _section in ("neraca", "hasil-usaha", "anggota"):
        fill_section(page, current_keys)
    closed = page.locator("details:not([open]) > summary")
    while closed.count():
        closed.first.click()  # open every indicator's items, as a person would
    for radio in page.locator("input[type=radio][value=ya]").all():
        # a summary click can land while the page still settles: make sure its group is open
        radio.evaluate(
            "r => { for (let d = r.closest('details'); d; d = d.parentElement.closest('details'))"
            " d.open = true; }"
        )
        radio.check()
    page.click("text=Simpan draf")
    expect(page.locator("text=Semua butir sudah dijawab.")).to_be_visible()
    page.click("text=Ringkasan")
    expect(page.locator("text=Semua pemeriksaan terpenuhi.")).to_be_visible()
    page.click("button:text-is('Ajukan laporan')")
    expect(page.locator("text=Langkah ini tidak dapat dibatalkan.")).to_be_visible()
    expect(page.locator(".confirm-score", has_text="Skor ")).to_be_visible()
    page.click("button:text-is('Ya, ajukan laporan')")
    expect(page.locator("text=telah diajukan")).to_be_visible()
    log_out(page)


def pengawas_approves_with_an_adjusted_answer(page, base: str) -> None:
    log_in(page, base, Role.PENGAWAS)
    page.goto(f"{base}/penilaian/")
    page.click("text=KSP Sejahtera E2E")
    page.locator("#kuesioner summary").first.click()
    page.select_option("select[name='jawaban-tk.prinsip.sukarela.1']", "tidak")
    page.click("text=Simpan koreksi & hitung ulang")
    expect(page.locator("text=1 dikoreksi").first).to_be_visible()
    page.check("input[name=keputusan][value=setujui]")
    page.click("text=Simpan keputusan")
    expect(page.locator(".flash-success", has_text="menunggu persetujuan kedua")).to_be_visible()
    page.click("text=KSP Sejahtera E2E")  # the queue marks it; its own page cannot confirm it
    expect(
        page.locator("#persetujuan-kedua", has_text="Menunggu persetujuan kedua")
    ).to_be_visible()
    assert page.locator("button:text-is('Konfirmasi keputusan')").count() == 0
    log_out(page)


def dinas_confirms_the_decision(page, base: str) -> None:
    log_in(page, base, Role.DINAS)
    page.click("text=Menunggu persetujuan kedua")  # the Dinas's home lists what waits for it
    page.click("text=KSP Sejahtera E2E")
    page.click("button:text-is('Konfirmasi keputusan')")
    expect(page.locator(".flash-success", has_text="Keputusan dikonfirmasi")).to_be_visible()
    page.click("text=Surat keterangan")
    expect(page.locator(".signature", has_text="pengawas e2e")).to_be_visible()
    expect(page.locator(".signature", has_text="dinas e2e")).to_be_visible()
    log_out(page)


def dinas_sees_it_counted(page, base: str) -> None:
    log_in(page, base, Role.DINAS)
    page.goto(f"{base}/indikator/?tahun={date(2026, 1, 1).year}")
    row = page.locator(
        "tr", has=page.locator("td", has_text="Persentase KSP/USP yang dinilai kesehatannya")
    )
    cells = row.first.locator("td").all_inner_texts()
    assert cells[1:3] == ["1", "1"]  # numerator and denominator: our one KSP, assessed


def test_a_report_goes_from_pengurus_to_pengawas_to_the_dinas_indicators(live_app, page):
    app, base = live_app
    pengurus_submits(page, base)
    pengawas_approves_with_an_adjusted_answer(page, base)
    dinas_confirms_the_decision(page, base)
    dinas_sees_it_counted(page, base)
    with app.app_context():
        report = db.session.scalar(db.select(Report).where(Report.tahun_buku == 2025))
        assert report.status == ReportStatus.DISETUJUI and report.data["kas"] == SAMPLE["kas"]
        assessment = db.session.scalar(
            db.select(Assessment).where(Assessment.report_id == report.id)
        )
        assert assessment.status == AssessmentStatus.APPROVED
        assert assessment.decided_by.role == Role.PENGAWAS
        assert assessment.confirmed_by.role == Role.DINAS
        assert (
            report.data["kuesioner"]["tk.prinsip.sukarela.1"] is True
        )  # the pengurus's answer kept
        assert report.review.answers_pengawas == {"tk.prinsip.sukarela.1": False}
