"""Bulk-import progress: rows checked then written, shown to the uploading user only."""

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from sikomo import progress
from sikomo.extensions import db
from sikomo.models import Cooperative, Report, Role
from sikomo.registry import importer as registry_importer
from sikomo.registry.importer import COLUMNS, import_cooperatives
from sikomo.reports import importer as report_importer
from sikomo.reports.importer import import_reports
from tests.conftest import as_user, followed
from tests.statements import sent

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
BALANCED = {k: v for k, v in SAMPLE.items() if k != "jenis"}
TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def folder(app, tmp_path):
    app.config["PROGRESS_FOLDER"] = str(tmp_path / "progress")
    return tmp_path / "progress"


@pytest.fixture
def small_steps(monkeypatch):
    """Call back every 2 rows and flush every 3, so ten rows show every phase."""
    for module in (report_importer, registry_importer):
        monkeypatch.setattr(module, "EVERY_ROWS", 2)
        monkeypatch.setattr(module, "WRITE_CHUNK", 3)


def recorder():
    calls = []
    return calls, lambda checked, written, total: calls.append((checked, written, total))


def assert_checked_then_written(calls, total):
    assert calls[-1] == (total, total, total)
    assert {c[2] for c in calls} == {total}
    assert calls == sorted(calls), calls  # never backwards
    assert all(checked == total for checked, written, _ in calls if written), calls
    assert any(0 < c[0] < total for c in calls) and any(0 < c[1] < total for c in calls), calls


def report_rows(make_cooperative, n):
    coops = [make_cooperative(f"KSP {i}", nik=f"35160000000002{i:02d}") for i in range(n)]
    return pd.DataFrame([{"nik": c.nik, **BALANCED} for c in coops])


def register_csv(n, start=0):
    lines = [",".join(COLUMNS)]
    lines += [f"3516{start + i:012d},KSP {start + i},Mojosari,,ksp,ya,,," for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


# --- the callback --------------------------------------------------------------------------


def test_a_report_import_reports_rows_checked_then_written_up_to_the_total(
    make_cooperative, make_user, small_steps
):
    calls, callback = recorder()
    result = import_reports(make_user(Role.DINAS), report_rows(make_cooperative, 10), callback)
    assert result.ok and result.created == 10, result.errors[:2]
    assert_checked_then_written(calls, 10)


def test_a_register_import_reports_rows_checked_then_written_up_to_the_total(
    make_region, small_steps
):
    make_region("Mojosari")
    calls, callback = recorder()
    result = import_cooperatives("uji", register_csv(10), "daftar.csv", callback)
    assert result.ok and result.created == 10, result.errors[:2]
    assert_checked_then_written(calls, 10)


def test_an_import_with_an_error_stops_after_checking_and_writes_nothing(
    make_cooperative, make_user, small_steps
):
    df = report_rows(make_cooperative, 10).astype({"kas": object})
    df.loc[7, "kas"] = "seratus"
    calls, callback = recorder()
    result = import_reports(make_user(Role.DINAS), df, callback)
    assert not result.ok and result.errors[0].baris == 9
    assert calls[-1] == (10, 0, 10) and all(written == 0 for _, written, _ in calls)
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


# --- the file -------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_tracker_writes_at_most_every_fifth_of_a_second_but_always_a_phase_end(tmp_path):
    path, clock = tmp_path / "7" / f"{TOKEN}.json", Clock()
    tracker = progress.Tracker(path, clock)
    seen = []
    for call in [(250, 0, 1000), (500, 0, 1000), (1000, 0, 1000), (1000, 500, 1000)]:
        tracker(*call)
        seen.append(progress.read(path))
        clock.now += 0.05
    tracker(1000, 1000, 1000)
    assert [s["checked"] for s in seen] == [250, 250, 1000, 1000]  # 500 was too soon
    assert progress.read(path) == {"checked": 1000, "written": 1000, "total": 1000}
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


@pytest.mark.parametrize(
    ("state", "text"),
    [
        ((1250, 0, 10000), "1.250 dari 10.000 baris diperiksa"),
        ((10000, 0, 10000), "0 dari 10.000 baris ditulis"),
        ((10000, 4000, 10000), "4.000 dari 10.000 baris ditulis"),
        ((10000, 10000, 10000), "10.000 dari 10.000 baris ditulis; menyimpan…"),
    ],
)
def test_the_page_says_how_many_rows_are_checked_then_written(state, text):
    assert progress.message(dict(zip(("checked", "written", "total"), state, strict=True))) == text


@pytest.mark.parametrize(
    "token",
    ["", "../../config", "0123456789ABCDEF0123456789ABCDEF", TOKEN[:-1], TOKEN + "0", None, 12],
)
def test_a_malformed_token_names_no_file(token):
    assert progress.path_of(Path("/x"), 7, token) is None


def test_a_torn_or_foreign_file_reads_as_nothing(tmp_path):
    path = tmp_path / "x.json"
    for content in ["", "{", '{"checked": 1}', '{"checked": "a", "written": 0, "total": 1}']:
        path.write_text(content)
        assert progress.read(path) is None


def test_stale_files_are_swept_and_fresh_ones_kept(tmp_path):
    old, new = tmp_path / "1" / "old.json", tmp_path / "2" / "new.json"
    for path in (old, new):
        progress.write_atomically(path, {"checked": 0, "written": 0, "total": 1})
    now = new.stat().st_mtime
    progress.sweep(tmp_path, now=now + progress.STALE_SECONDS - 1)
    assert old.exists() and new.exists()
    progress.sweep(tmp_path, now=now + progress.STALE_SECONDS + 1)
    assert not old.exists() and not new.exists()


# --- the poll -------------------------------------------------------------------------------


def own_progress(folder, user, state=(300, 0, 1000)):
    path = progress.path_of(folder, user.id, TOKEN)
    progress.write_atomically(path, dict(zip(("checked", "written", "total"), state, strict=True)))
    return path


@pytest.mark.parametrize("url", ["/laporan/impor/kemajuan/", "/koperasi/impor/kemajuan/"])
def test_the_poll_answers_the_uploading_user_with_counts_and_words(client, login_as, folder, url):
    own_progress(folder, login_as(Role.DINAS))
    response = client.get(url + TOKEN)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.json == {"checked": 300, "written": 0, "total": 1000,
                             "pesan": "300 dari 1.000 baris diperiksa"}  # fmt: skip


@pytest.mark.parametrize("url", ["/laporan/impor/kemajuan/", "/koperasi/impor/kemajuan/"])
def test_another_users_token_is_not_found(client, make_user, folder, url):
    owner = make_user(Role.DINAS, email="pemilik@contoh.test")
    own_progress(folder, owner)
    other = make_user(Role.ADMIN, email="lain@contoh.test")
    as_user(client, other)
    response = client.get(url + TOKEN)
    assert response.status_code == 404 and "300" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "token", ["ABCDEF0123456789ABCDEF0123456789", "123", "..%2F..%2Fconfig", TOKEN + "00"]
)
def test_a_malformed_token_is_not_found(client, login_as, folder, token):
    own_progress(folder, login_as(Role.DINAS))
    assert client.get(f"/laporan/impor/kemajuan/{token}").status_code == 404


def test_a_visitor_who_is_not_signed_in_is_not_shown_any_progress(client, make_user, folder):
    own_progress(folder, make_user(Role.DINAS))
    assert client.get(f"/laporan/impor/kemajuan/{TOKEN}").status_code == 404


def test_the_poll_never_waits_on_the_database(client, login_as, folder):
    """On SQLite the import being reported holds the write lock: the poll must not queue on it."""
    own_progress(folder, login_as(Role.DINAS))
    with sent() as statements:
        assert client.get(f"/laporan/impor/kemajuan/{TOKEN}").status_code == 200
    assert statements == []


# --- the upload and the page ---------------------------------------------------------------


def post(client, url, content: bytes, token=TOKEN):
    data = {"berkas": (io.BytesIO(content), "berkas.csv"), progress.FORM_FIELD: token}
    return client.post(url, data=data, content_type="multipart/form-data")


@pytest.fixture
def written(monkeypatch):
    """Every progress file the upload writes, as (path, state)."""
    seen = []
    real = progress.write_atomically

    def spy(path, state):
        if path.suffix == ".json":  # not the answer kept for a form sent twice, or a result
            seen.append((path, state))
        real(path, state)

    monkeypatch.setattr(progress, "write_atomically", spy)
    return seen


def test_an_upload_writes_its_progress_under_the_users_token_then_removes_it(
    client, login_as, make_cooperative, folder, written, small_steps
):
    user = login_as(Role.DINAS)
    df = report_rows(make_cooperative, 10)
    response = post(client, "/laporan/impor", df.to_csv(index=False).encode())
    assert response.status_code == 302
    assert {path for path, _ in written} == {folder / str(user.id) / f"{TOKEN}.json"}
    assert written[-1][1] == {"checked": 10, "written": 10, "total": 10}
    assert not (folder / str(user.id) / f"{TOKEN}.json").exists()


def test_an_upload_with_errors_is_still_all_or_nothing_and_leaves_no_progress(
    client, login_as, make_cooperative, folder, written
):
    login_as(Role.DINAS)
    df = report_rows(make_cooperative, 3).astype({"kas": object})
    df.loc[1, "kas"] = "seratus"
    response = followed(client, post(client, "/laporan/impor", df.to_csv(index=False).encode()))
    page = response.get_data(as_text=True)
    assert "tidak ada yang disimpan" in page and "seratus" in page
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0
    assert written[-1][1] == {"checked": 3, "written": 0, "total": 3}
    assert list(folder.glob("*/*.json")) == []  # progress gone; the kept answer stays a while


def test_a_register_upload_with_errors_writes_nothing(client, login_as, make_region, folder):
    make_region("Mojosari")
    login_as(Role.ADMIN)
    content = register_csv(3) + b"123,KSP Salah,Mojosari,,ksp,ya,,,\n"
    response = followed(client, post(client, "/koperasi/impor", content))
    assert "NIK harus tepat 16 digit angka." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Cooperative.id))) == 0


def test_a_form_sent_twice_imports_once_and_answers_both_alike(
    client, login_as, make_cooperative, folder
):
    login_as(Role.DINAS)
    content = report_rows(make_cooperative, 3).to_csv(index=False).encode()
    first, second = post(client, "/laporan/impor", content), post(client, "/laporan/impor", content)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 3
    again = post(client, "/laporan/impor", content, token=TOKEN.replace("a", "b"))  # a new form
    assert again.status_code == 302 and db.session.scalar(db.select(db.func.count(Report.id))) == 3


def test_a_second_sending_while_the_first_runs_waits_for_its_answer(app, folder, monkeypatch):
    user_id, outcome = 7, progress.Outcome("/laporan/impor", "3 laporan diimpor.")
    with app.test_request_context():
        monkeypatch.setattr(progress, "root", lambda: folder)
        claim = folder / "7" / f"{TOKEN}.claim"
        claim.parent.mkdir(parents=True)
        claim.touch()  # a first sending is running
        assert progress.once(user_id, TOKEN, lambda t: 1 / 0, wait=0.3) == progress.TOO_LONG
        progress.write_atomically(folder / "7" / f"{TOKEN}.done", {"url": outcome.url,
                                  "message": outcome.message, "category": "success"})  # fmt: skip
        assert progress.once(user_id, TOKEN, lambda t: 1 / 0) == outcome


def test_a_kept_result_is_read_back_only_by_its_user(app, folder, monkeypatch):
    with app.test_request_context():
        monkeypatch.setattr(progress, "root", lambda: folder)
        token = progress.keep_result(5, {"errors": [{"baris": 2, "kolom": "nik", "pesan": "x"}]})
        assert progress.kept_result(5, token)["errors"][0]["kolom"] == "nik"
        assert progress.kept_result(6, token) is None and progress.kept_result(5, "../x") is None


@pytest.mark.parametrize("token", ["", "bukan-token", "../x"])
def test_an_upload_without_a_valid_token_imports_as_before(
    client, login_as, make_cooperative, folder, written, token
):
    login_as(Role.DINAS)
    df = report_rows(make_cooperative, 2)
    response = post(client, "/laporan/impor", df.to_csv(index=False).encode(), token=token)
    assert response.status_code == 302 and written == []
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 2


@pytest.mark.parametrize(
    ("url", "poll"),
    [
        ("/laporan/impor", "/laporan/impor/kemajuan/"),
        ("/koperasi/impor", "/koperasi/impor/kemajuan/"),
    ],
)
def test_the_import_page_has_a_progress_bar_a_live_text_and_a_fresh_token(
    client, login_as, url, poll
):
    login_as(Role.DINAS)
    pages = [client.get(url).get_data(as_text=True) for _ in range(2)]
    tokens = [re.search(r'name="kemajuan" value="([0-9a-f]{32})"', page)[1] for page in pages]
    assert tokens[0] != tokens[1]
    page = pages[0]
    assert re.search(r"<progress id=\"upload-progress\"[^>]*>", page)
    assert 'role="status" aria-live="polite"' in page
    assert f'data-progress-url="{poll}{tokens[0]}"' in page
    assert "js/upload-progress.js" in page


def test_an_unwritable_progress_folder_does_not_stop_the_import(
    client, login_as, make_cooperative, app, tmp_path, monkeypatch
):
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("")
    app.config["PROGRESS_FOLDER"] = str(blocker)  # mkdir under a file fails
    warnings = []
    monkeypatch.setattr(progress.log, "warning", lambda *args, **kwargs: warnings.append(args))
    login_as(Role.DINAS)
    response = post(
        client, "/laporan/impor", report_rows(make_cooperative, 2).to_csv(index=False).encode()
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 2
    written = [w for w in warnings if "progress not written" in w[0]]
    assert len(written) == 1  # once, then the tracker stops trying
