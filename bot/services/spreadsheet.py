"""Reading a table as offices save it: CSV in UTF-8, GBK/GB18030 or UTF-16, or an .xlsx workbook, with
headers in English or Chinese mapped to our column names."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.core.errors import GridbotError

Row = tuple[int, dict[str, str]]
# Leading bytes of formats people save a table in by mistake; each gets its own reason.
SIGNATURES = ((b"\xd0\xcf\x11\xe0", "xls"), (b"%PDF", "pdf"), (b"{\\rtf", "rtf"))


class SheetError(GridbotError):
    """A file that cannot be read as a table: `key` names the reason, `line` where (0: the whole file)."""

    def __init__(self, key: str, line: int = 0, **context: Any) -> None:
        super().__init__(key, **context)
        self.line = line


def header_key(text: str) -> str:
    """A header cell compared loosely: full-width folded, case, spaces and underscores ignored."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-")


def read_table(path: Path, columns: Mapping[str, Sequence[str]], required: Sequence[str]) -> list[Row]:
    """Rows as (line number, {column: stripped value}) for each non-blank row below the header.

    `columns` maps each of our column names to the header spellings accepted for it (our name is always
    accepted); a header missing one of `required` is refused. Raises SheetError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SheetError("file_not_found") from None
    except IsADirectoryError:
        raise SheetError("file_not_found") from None
    if not data.strip():
        raise SheetError("file_empty", 1)
    records = _xlsx_records(path, data) if data.startswith(b"PK\x03\x04") else _csv_records(data)
    return _map_header(records, columns, required)


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            raise SheetError("file_format", kind=kind)
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, values) for values in reader]
    except csv.Error as exc:
        raise SheetError("file_unreadable", reader.line_num, reason=str(exc)) from None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else GB18030, a superset of
    GBK, which Chinese Excel uses for CSV. Binary content is refused before GB18030 could misread it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SheetError("file_encoding") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise SheetError("file_format", kind="binary")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetError("file_encoding") from None


def _xlsx_records(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    """The first worksheet's rows, read in openpyxl's read-only mode; a zip that is not a workbook is refused
    by name (a .docx, a plain zip)."""
    from openpyxl import load_workbook

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise SheetError("file_unreadable", reason="broken zip") from None
    if "xl/workbook.xml" not in names:
        kind = "docx" if "word/document.xml" in names else "ods" if "content.xml" in names else "zip"
        raise SheetError("file_format", kind=kind)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:          # openpyxl raises many kinds (KeyError, ValueError, its own) for a bad workbook
        raise SheetError("file_unreadable", reason=type(exc).__name__) from None
    try:
        sheet = workbook.worksheets[0]
        return [(number, [_cell(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def _cell(value: object) -> str:
    """A cell as the text a person sees: phone numbers and ids typed as numbers keep no `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _map_header(records: list[tuple[int, list[str]]], columns: Mapping[str, Sequence[str]],
                required: Sequence[str]) -> list[Row]:
    records = [(line, values) for line, values in records if any(v.strip() for v in values)]
    if not records:
        raise SheetError("file_empty", 1)
    header_line, header = records[0]
    accepted = {header_key(alias): name for name, aliases in columns.items() for alias in (name, *aliases)}
    position: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = accepted.get(header_key(cell))
        if name is not None and name not in position:
            position[name] = index
    missing = [c for c in required if c not in position]
    if missing:
        raise SheetError("missing_columns", header_line, columns=", ".join(missing))
    rows = []
    for line, values in records[1:]:
        rows.append((line, {name: (values[i].strip() if i < len(values) else "") for name, i in position.items()}
                     | {name: "" for name in columns if name not in position}))
    return rows
