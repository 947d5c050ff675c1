"""Refuse an uploaded table that is too big to read, before reading it.

An XLSX is a zip: 290 KB can unpack to two million rows and hold a worker for minutes. `check`
looks at the zip's directory (the unpacked size of every part) and streams each worksheet's XML
counting its rows, stopping at the first limit passed; a CSV's lines are counted. Both take well
under a second at the limits. The limits are settings: UPLOAD_MAX_ROWS (default 50,000) and
UPLOAD_MAX_UNPACKED (default 50 MB).
"""

import io
import zipfile

from flask import current_app, has_app_context

from sikomo.format import angka

DEFAULT_ROWS = 50_000
DEFAULT_UNPACKED = 50 * 1024 * 1024
CHUNK = 1024 * 1024
ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")  # <row r="1">, or a prefixed <x:row>


class TooLarge(ValueError):
    """The file passes a limit; the message says which, in Indonesian."""


def limits() -> tuple[int, int]:
    config = current_app.config if has_app_context() else {}
    return (int(config.get("UPLOAD_MAX_ROWS", DEFAULT_ROWS)),
            int(config.get("UPLOAD_MAX_UNPACKED", DEFAULT_UNPACKED)))  # fmt: skip


def check(content: bytes, filename: str) -> None:
    """Raise TooLarge (or ValueError for a file that is no table) before the table is parsed."""
    max_rows, max_unpacked = limits()
    if filename.lower().endswith(".xlsx"):
        _check_xlsx(content, max_rows, max_unpacked)
    elif content.count(b"\n") > max_rows + 1:  # the header line, then the rows
        raise TooLarge(_rows_message(max_rows))


def _check_xlsx(content: bytes, max_rows: int, max_unpacked: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValueError("Berkas bukan XLSX yang dapat dibaca.") from None
    unpacked = sum(p.file_size for p in parts)
    if unpacked > max_unpacked:
        raise TooLarge(
            f"Isi berkas terlalu besar setelah dibuka ({angka(unpacked // 2**20)} MB; paling besar "
            f"{angka(max_unpacked // 2**20)} MB). Bagi berkas menjadi beberapa bagian."
        )
    for part in parts:
        if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
            if _rows(archive, part, max_rows) > max_rows:
                raise TooLarge(_rows_message(max_rows))


def _rows(archive: zipfile.ZipFile, part: zipfile.ZipInfo, stop_after: int) -> int:
    """Rows in a worksheet's XML, read in chunks (the unpacked size is already bounded)."""
    count, tail = 0, b""
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                window = tail + chunk
                count += sum(window.count(tag) for tag in ROW_TAGS)
                count -= sum(tail.count(tag) for tag in ROW_TAGS)  # counted with the last chunk
                tail = window[-8:]
                if count > stop_after:
                    break
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        raise ValueError("Berkas bukan XLSX yang dapat dibaca.") from None
    return count


def _rows_message(max_rows: int) -> str:
    return (f"Berkas berisi lebih dari {angka(max_rows)} baris; bagi menjadi beberapa berkas "
            f"(paling banyak {angka(max_rows)} baris per berkas).")  # fmt: skip
