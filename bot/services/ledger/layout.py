"""How a ledger's rows are made from the database's: one layout per sheet (or for the CSV), worked out once, then
applied to a batch of rows column by column, so that a cell costs a C-level step (an itemgetter, a dict lookup, a
join) rather than Python code of its own."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta, timezone, tzinfo
from itertools import chain, islice, repeat
from operator import itemgetter
from typing import Any

from bot.core.config import Settings
from bot.services.ledger import labels
from bot.services.ledger.columns import Column, kinds, steps
from bot.services.ledger.xlsx import SharedStrings, cell, escape, needs_escape
from db.ledger import ExportRows

_UTC = timezone.utc
_EXCEL_EPOCH_DAY = date(1899, 12, 30).toordinal()
_UNIX_IN_EXCEL = 25569                   # 1970-01-01 as a spreadsheet day number
# A sheet's text and time slots are filled in the row's template; an empty one is made an empty cell after, one
# str.replace per piece of rows joined.
_TEXT_CELL = '<c t="inlineStr"><is><t>{}</t></is></c>'
_EMPTY = _TEXT_CELL.format("")
_SERIAL_CELL = '<c s="1"><v>{}</v></c>'
_NO_SERIAL = _SERIAL_CELL.format("")
_JOINED_ROWS = 50                        # rows joined into one string (see Layout.xlsx_rows)
# A CSV field starting with one of these is a formula to Excel: it is written after an apostrophe, as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = re.compile("\x1f[=+\\-@\t\r]")       # searched in a column's texts joined after \x1f each
_CLOCK = [f" {h:02d}:{m:02d}" for h in range(24) for m in range(60)]           # each minute of a day
_UNIX_DAY = date(1970, 1, 1).toordinal()
PLACE_COLUMNS = ("grid_code", "grid", "community", "town")       # as db.ledger.ExportRows.places holds them

Rows = Sequence[Sequence[Any]]
Answers = Sequence[dict[str, Any]]
Maker = Callable[[Rows, Answers], list[Any]]


def mask(text: str, head: int = 3, tail: int = 4) -> str:
    """138****0011: the first and last digits kept, the middle starred."""
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def _from_row(at: int) -> Maker:
    get = itemgetter(at)
    return lambda rows, answers: list(map(get, rows))


def _from_answers(key: str) -> Maker:
    """The answer to `key` of each report ("" when not given)."""
    # dict.get with the key repeated: about four times faster than a methodcaller (no argument tuple per call).
    return lambda rows, answers: list(map(dict.get, answers, repeat(key), repeat("")))


class _Offsets(dict[int, int]):
    """The zone's offset in seconds in each UTC hour (exact across DST, which changes on the hour), found once."""

    def __init__(self, tz: tzinfo) -> None:
        super().__init__()
        self.tz = tz

    def __missing__(self, hour: int) -> int:
        moment = datetime.fromtimestamp(hour * 3600, _UTC).astimezone(self.tz)
        offset = self[hour] = int((moment.utcoffset() or timedelta()).total_seconds())
        return offset


class _DayTexts(dict[int, str]):
    """Days since 1970-01-01 as text, each made once."""

    def __missing__(self, day: int) -> str:
        text = self[day] = date.fromordinal(day + _UNIX_DAY).isoformat()
        return text


class Layout:
    """How the rows of one sheet (or of the CSV) are made, worked out once: a maker per column turns a batch of
    rows into that column's cells, and the batch's cells are joined in row order (xlsx) or zipped into rows for
    the csv writer. The report's own times and on-time flags come made by the query."""

    def __init__(self, columns: list[Column], source: ExportRows, settings: Settings, *,
                 locale: str, personal: bool, strings: SharedStrings | None) -> None:
        """`strings`: the workbook's shared strings, for an xlsx sheet (None: the CSV). In a sheet the labels,
        places and staff names are shared-string cells, made once; the free texts inline cells."""
        self.xlsx, self.strings = strings is not None, strings
        index = {name: i for i, name in enumerate(source.names)}
        self.people, self.person_cells = source.people, dict[Any, str]()
        self._offsets, self._day_texts = _Offsets(settings.tz), _DayTexts()
        self._days: dict[Any, str] = dict.fromkeys((None, ""), "<c/>" if self.xlsx else "")
        self._places = source.places
        # "days" (xlsx day numbers), "text" (local text) or "ts" (Unix seconds, made local here).
        self.time_form = next((form for form in ("days", "text", "ts") if f"created_{form}" in index), "ts")
        made = [self._column(column, index, locale=locale, personal=personal) for column in columns]
        self.makers = [maker for maker, _ in made]
        # A sheet row: these texts, the row's number, then each column's cell between them.
        self.pieces = ('<row r="{}">' + "".join(slot for _, slot in made) + "</row>").split("{}")

    def _column(self, column: Column, index: dict[str, int], *, locale: str, personal: bool) -> tuple[Maker, str]:
        """The column's maker, and its slot in a sheet row's template (the cell around the text, or the whole
        cell made by the maker)."""
        text_slot = _TEXT_CELL if self.xlsx else "{}"
        if column.type == "datetime":
            read = _from_row(index[column.key.replace("_at", "_" + self.time_form)])
            if self.time_form == "ts" and not self.xlsx:
                return (lambda rows, answers: self._local_texts(read(rows, answers))), "{}"
            if self.time_form == "ts":
                return (lambda rows, answers: list(map(self._time, read(rows, answers)))), "{}"
            # Made by the query: local text (CSV) or day numbers as text (xlsx; '' made an empty cell after).
            return read, _SERIAL_CELL if self.xlsx else "{}"
        values = _values(column, index)
        if column.type == "date":
            return (lambda rows, answers: self._dates(values(rows, answers))), "{}"
        if column.type in ("phone", "id_number") and not personal:
            return (lambda rows, answers: self._texts([mask(str(v)) if v else "" for v in values(rows, answers)])), \
                text_slot
        if column.type in ("choice", "level", "flag"):
            codes = {code: self._whole(text) for code, text in _codes(column, locale).items()}
            codes[""] = codes.get(None) or self._whole("")         # an answer not given
            return (lambda rows, answers: self._coded(codes, values(rows, answers))), "{}"
        if column.key in PLACE_COLUMNS:
            at = PLACE_COLUMNS.index(column.key)
            places = {grid: self._whole(names[at]) for grid, names in self._places.items()}
            return (lambda rows, answers: self._known(places, values(rows, answers))), "{}"
        if column.key == "assignee":
            return (lambda rows, answers: self._people(values(rows, answers))), "{}"
        return (lambda rows, answers: self._texts(values(rows, answers))), text_slot

    def xlsx_rows(self, rows: Rows, answers: Answers, first: int) -> Iterator[str]:
        """The rows' XML, numbered from `first`, a few dozen rows a piece."""
        # One join of every piece in row order (zip interleaves them): no str.format per row, whose parsing of a
        # long template costs more than the cells themselves.
        parts: list[Iterable[str]] = [repeat(self.pieces[0]), map(str, range(first, first + len(rows)))]
        for piece, make in zip(self.pieces[1:], self.makers):
            parts += (repeat(piece), make(rows, answers)) if piece else (make(rows, answers),)
        parts.append(repeat(self.pieces[-1]))
        made = zip(*parts)
        # Joined in pieces small enough for malloc to reuse (a bigger string is mapped and unmapped each time:
        # a page fault per 4 KB, about a fifth of an export's time).
        while xml := "".join(chain.from_iterable(islice(made, _JOINED_ROWS))):
            yield xml.replace(_EMPTY, "<c/>").replace(_NO_SERIAL, "<c/>")

    def csv_rows(self, rows: Rows, answers: Answers) -> list[tuple[str, ...]]:
        return list(zip(*[make(rows, answers) for make in self.makers]))

    def csv_row(self, row: Sequence[Any], answers: dict[str, Any]) -> list[str]:
        return list(self.csv_rows([row], [answers])[0])

    def _whole(self, text: str) -> str:
        """A text known before the rows (a label, a place, a name): its whole cell in a sheet, as it is in a CSV."""
        if self.strings is not None:
            return self.strings.cell(text)
        return cell(text) if self.xlsx else _formula_safe(text)

    def _texts(self, column: list[Any]) -> list[Any]:
        """Free texts: a sheet's escaped (to go in the slot of an inline cell), a CSV's kept from reading as a
        formula; each checked once for the whole column."""
        if None in column:
            column = ["" if v is None else v for v in column]
        between = "" if self.xlsx else "\x1f"
        try:
            joined = between.join(column)
        except TypeError:                            # an answer that is no text (a number, the files sent)
            column = [_plain(v) for v in column]
            joined = between.join(column)
        if self.xlsx:
            return list(map(escape, column)) if needs_escape(joined) else column
        if _FORMULA.search("\x1f" + joined):
            return list(map(_formula_safe, column))
        return column

    def _coded(self, codes: dict[Any, str], values: list[Any]) -> list[str | None]:
        """Labels, looked up; a code without one shown as it is."""
        try:
            found = list(map(codes.get, values))
        except TypeError:                            # an answer that cannot be a key (a list)
            found = [codes.get(v) if isinstance(v, Hashable) else None for v in values]
        if None in found:
            found = [f if f is not None else self._unlabelled(v) for f, v in zip(found, values)]
        return found

    def _known(self, cells: dict[Any, str], keys: list[Any]) -> list[str | None]:
        found = list(map(cells.get, keys))
        if None in found:
            empty = self._whole("")
            found = [f if f is not None else empty for f in found]
        return found

    def _people(self, ids: list[Any]) -> list[str]:
        cells = self.person_cells
        for new in [i for i in set(ids) if i not in cells]:
            cells[new] = self._whole(self.people.get(new, "") if new is not None else "")
        return list(map(cells.__getitem__, ids))

    def _unlabelled(self, value: Any) -> str:
        if self.xlsx:
            return cell(str(value)) if value is not None else "<c/>"
        return "" if value is None else _formula_safe(str(value))

    def _local_texts(self, column: list[int | None]) -> list[str]:
        """Unix seconds as local text to the minute: the local day's text (made once a day) and the time of day
        from a table, a few C-level steps per cell (several times cheaper than SQLite's datetime())."""
        offsets, days, clock = self._offsets, self._day_texts, _CLOCK
        return [days[(local := seconds + offsets[seconds // 3600]) // 86400] + clock[local % 86400 // 60]
                if seconds is not None else "" for seconds in column]

    def _time(self, seconds: int | None) -> str:
        """A sheet's cell of a time given as Unix seconds (a zone with summer time)."""
        if seconds is None:
            return "<c/>"
        local = seconds + self._offsets[seconds // 3600]
        return f'<c s="1"><v>{local / 86400 + _UNIX_IN_EXCEL!r}</v></c>'

    def _dates(self, values: list[Any]) -> list[str | None]:
        try:
            found = list(map(self._days.get, values))
        except TypeError:                            # an answer that cannot be a key (a list)
            return [self._day(v) for v in values]
        if None in found:
            found = [f if f is not None else self._day(v) for f, v in zip(found, values)]
        return found

    def _day(self, value: Any) -> str:
        if not value:
            return "<c/>" if self.xlsx else ""
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):              # an answer that is not a date after all: kept as written
            return cell(_plain(value)) if self.xlsx else _formula_safe(_plain(value))
        made = f'<c s="2"><v>{day.toordinal() - _EXCEL_EPOCH_DAY}</v></c>' if self.xlsx else day.isoformat()
        if len(self._days) < 10_000:                 # a ledger's dates are few: each made once
            self._days[value] = made
        return made


def _values(column: Column, index: dict[str, int]) -> Maker:
    """What a column shows, as read: the answer, the report's field, or the grid's or assignee's id."""
    if column.source == "answer":
        return _from_answers(column.key)
    at = "grid_id" if column.key in PLACE_COLUMNS else "assignee_id" if column.key == "assignee" else column.key
    return _from_row(index[at])


def _formula_safe(text: str) -> str:
    """A CSV text that would start a formula, after an apostrophe (read as text)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _plain(value: Any) -> str:
    """An answer as text; a list (the photos and files sent with a report) as how many."""
    return str(len(value)) if isinstance(value, list) else str(value)


def fixed_offset(settings: Settings) -> int | None:
    """The zone's offset in seconds when it is the same all year (no daylight saving), else None."""
    year = datetime.now(_UTC).year
    offsets = {(datetime(year, month, 15, tzinfo=settings.tz).utcoffset() or timedelta()).total_seconds()
               for month in (1, 4, 7, 10)}
    return int(offsets.pop()) if len(offsets) == 1 else None


def _codes(column: Column, locale: str) -> dict[Any, str]:
    """A coded column's labels: each option its form declares, each status, priority, level."""
    if column.type == "flag":
        return {None: "", **{v: labels.value("flag", bool(v), locale) for v in (0, 1)}}
    if column.type == "level":
        return {n: labels.value("level", n, locale) for n in range(4)}
    if column.source == "answer":
        # Options a step computes from the person answering (an area picker) are no codes to label.
        options: Sequence[Any] = next((s.options for k in kinds() for s in steps(k)
                                       if s.key == column.key and not callable(s.options)), ())
    else:
        options = {"status": ("open", "accepted", "resolved"), "priority": ("normal", "high"),
                   "kind": tuple(kinds())}.get(column.key, ())
    return {None: "", **{code: labels.value(column.key, code, locale) for code in options}}


def answers_in(batch: list[str | None]) -> list[dict[str, Any]]:
    """The answers of a batch of reports: one JSON parse per hundred reports (half the cost of one per report;
    a hundred at a time keeps the joined text small enough for malloc to reuse)."""
    found: list[Any] = []
    for start in range(0, len(batch), 100):
        part = batch[start:start + 100]
        try:
            found += json.loads("[" + ",".join([d or "{}" for d in part]) + "]")
        except ValueError:                           # one report's details unreadable: each read on its own
            found += map(answers_of, part)
    return [f if isinstance(f, dict) else {} for f in found]


def answers_of(details: str | None) -> dict[str, Any]:
    try:
        found = json.loads(details or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
