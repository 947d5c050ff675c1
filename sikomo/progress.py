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
from pathlib import Path
from typing import Any

from flask import current_app, jsonify, session

from sikomo.format import angka

TOKEN = re.compile(r"[0-9a-f]{32}")
FORM_FIELD = "kemajuan"  # the upload form's hidden field that carries the token
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


def answer(token: str):
    """The poll's JSON: the signed-in user's own progress only, else 404 (nothing leaks)."""
    # The user id from the signed session, not `current_user`: loading the user would query a
    # database that, on SQLite, the very import being reported may hold locked.
    state = read(path_of(root(), session.get("_user_id"), token))
    if state is None:
        response = jsonify(pesan="Kemajuan impor tidak ditemukan.")
        response.status_code = 404
    else:
        response = jsonify(**state, pesan=message(state))
    response.headers["Cache-Control"] = "no-store"
    return response
