"""Progress of a bulk import, readable from any worker process: one small JSON file per upload.

The uploading request writes `<PROGRESS_FOLDER>/<user id>/<token>.json` (default
`instance/progress/`), atomically and at most every 0.2 s; the page polls it. A file and not the
database: on SQLite the import holds the only write lock for its whole transaction, and a reader
can wait seconds on it. Every worker on the host (and every host sharing the instance folder, as
attachments already require) sees the same files.
"""

import json
import logging
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import current_app, jsonify, session, url_for

from sikomo.format import angka

TOKEN = re.compile(r"[0-9a-f]{32}")
FORM_FIELD = "kemajuan"  # the upload form's hidden field that carries the token
DUPLICATE_WAIT = 300.0  # seconds a form sent twice waits for its first sending's answer
EVERY_ROWS = 250  # importers call back at least this often
EVERY_SECONDS = 0.2  # and the file is rewritten at most this often
STALE_SECONDS = 6 * 3600  # files a crashed worker left behind are swept after this

ProgressCallback = Callable[[int, int, int], None]
log = logging.getLogger(__name__)


def new_token() -> str:
    return secrets.token_hex(16)


def valid_token(token: Any) -> bool:
    return isinstance(token, str) and TOKEN.fullmatch(token) is not None


def root() -> Path:
    folder = current_app.config.get("PROGRESS_FOLDER")
    return Path(folder or Path(current_app.instance_path) / "progress")


def path_of(base: Path, user_id: Any, token: Any) -> Path | None:
    """The file of `token` for that user, or None when either is not well formed."""
    if not valid_token(token) or not str(user_id).isdigit():
        return None
    return Path(base) / str(int(user_id)) / f"{token}.json"


class Tracker:
    """The `progress(checked, written, total)` callback of one upload, throttled in time."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.monotonic):
        self.path = path
        self.clock = clock
        self.last: float | None = None
        self.state: tuple[int, int, int] | None = None
        self.broken = False

    def __call__(self, checked: int, written: int, total: int) -> None:
        if self.broken:
            return
        now = self.clock()
        edge = written == total or (checked == total and written == 0)  # a phase's end shows
        if self.last is not None and now - self.last < EVERY_SECONDS and not edge:
            return
        if self.state == (checked, written, total):
            return
        self.last, self.state = now, (checked, written, total)
        try:
            write_atomically(self.path, {"checked": checked, "written": written, "total": total})
        except OSError:  # the page then waits without figures; the import itself goes on
            log.warning("import progress not written to %s", self.path, exc_info=True)
            self.broken = True


def write_atomically(path: Path, state: dict) -> None:
    """Write to a temporary file beside `path`, then rename: a reader sees the old or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(state, out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        state = json.loads(path.read_text())
        return {key: int(state[key]) for key in ("checked", "written", "total")}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def message(state: dict) -> str:
    """What the page says, in the words of the import: rows checked, then rows written."""
    checked, written, total = state["checked"], state["written"], state["total"]
    if checked < total:
        return f"{angka(checked)} dari {angka(total)} baris diperiksa"
    if written < total:
        return f"{angka(written)} dari {angka(total)} baris ditulis"
    return f"{angka(total)} dari {angka(total)} baris ditulis; menyimpan…"


def sweep(base: Path, now: float | None = None) -> None:
    """Remove progress files older than STALE_SECONDS (left by a worker that was killed)."""
    limit = (now if now is not None else time.time()) - STALE_SECONDS
    for stale in Path(base).glob("*/*"):
        try:
            if stale.stat().st_mtime < limit:
                stale.unlink()
        except OSError:
            pass  # another worker removed it first


@dataclass(frozen=True)
class Outcome:
    """Where an upload's answer is shown, and what it says (a flash message and its category)."""

    url: str
    message: str
    category: str = "success"


TOO_LONG = Outcome(
    "", "Berkas yang sama masih diproses; muat ulang halaman ini sebentar lagi.", "warning"
)


@contextmanager
def tracking(user_id: int, token: Any) -> Iterator[Tracker | None]:
    """A tracker for the upload's token (None without a valid one); its file goes at the end."""
    base = root()
    path = path_of(base, user_id, token)
    if path is None:
        yield None
        return
    sweep(base)
    try:
        yield Tracker(path)
    finally:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # swept later


def once(
    user_id: int,
    token: Any,
    work: Callable[[Tracker | None], Outcome],
    wait: float = DUPLICATE_WAIT,
) -> Outcome:
    """Run an upload's `work` once per form token. The same form sent again (a double click, a
    re-sent page) does not import twice: it waits for the first sending and answers as it did."""
    path = path_of(root(), user_id, token)
    if path is None:
        with tracking(user_id, token) as tracker:
            return work(tracker)
    done = path.with_suffix(".done")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path.with_suffix(".claim"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return _answer_of_first(done, wait)
    except OSError:  # no folder to claim in: the upload still runs, unguarded
        log.warning("upload token not claimed under %s", path.parent, exc_info=True)
        with tracking(user_id, token) as tracker:
            return work(tracker)
    outcome = TOO_LONG
    try:
        with tracking(user_id, token) as tracker:
            outcome = work(tracker)
    finally:
        try:
            write_atomically(done, asdict(outcome))
        except OSError:
            log.warning("upload answer not kept in %s", done, exc_info=True)
    return outcome


def _answer_of_first(done: Path, wait: float) -> Outcome:
    deadline = time.monotonic() + wait
    while True:
        try:
            return Outcome(**json.loads(done.read_text()))
        except (OSError, ValueError, TypeError):
            if time.monotonic() >= deadline:
                return TOO_LONG
            time.sleep(0.2)


def keep_result(user_id: int, result: dict) -> str | None:
    """Keep a refused upload's result for the page the browser is sent to (post/redirect/get);
    returns the token that page reads it back with (None if it could not be kept). Swept with
    the progress files."""
    token = new_token()
    try:
        write_atomically(path_of(root(), user_id, token).with_suffix(".hasil"), result)
    except OSError:
        log.warning("upload result not kept under %s", root(), exc_info=True)
        return None
    return token


def refusal(
    user_id: int, result: dict, lines: list, message: str, endpoint: str, **values
) -> Outcome:
    """The Outcome of a refused upload: its page, reading back the kept `result`; if it could
    not be kept, the message itself names the first problems."""
    token = keep_result(user_id, result)
    if token is None:
        message += (
            " " + "; ".join(str(line) for line in lines[:5]) + ("; …" if len(lines) > 5 else ".")
        )
    return Outcome(url_for(endpoint, hasil=token, **values), message, "error")


def kept_result(user_id: Any, token: Any) -> dict | None:
    """The user's own kept result for `token`, or None (unknown, swept, someone else's)."""
    path = path_of(root(), user_id, token)
    try:
        return json.loads(path.with_suffix(".hasil").read_text()) if path else None
    except (OSError, ValueError):
        return None


def answer(token: str):
    """The poll's JSON: the signed-in user's own progress only, else 404 (nothing leaks)."""
    # The user id from the signed session, not `current_user`: loading the user would query a
    # database that, on SQLite, the very import being reported may hold locked.
    state = read(path_of(root(), session.get("uid"), token))
    if state is None:
        response = jsonify(pesan="Kemajuan impor tidak ditemukan.")
        response.status_code = 404
    else:
        response = jsonify(**state, pesan=message(state))
    response.headers["Cache-Control"] = "no-store"
    return response
