"""How a ledger's rows are made from the database's: one layout per sheet (or for the CSV), worked out once, so
that each row costs a few C-level calls rather than several Python calls per cell."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime, timedelta, timezone
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
_EMPTY = '<c t="inlineStr"><is><t></t></is></c>'
_SERIAL_CELL = '<c s="1"><v>None</v></c>'
# A CSV field starting with one of these is a formula to Excel: it is written after an apostrophe, as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = re.compile("(?:^|\x1f)[=+\\-@\t\r]")
PLACE_COLUMNS = ("grid_code", "grid", "community", "town")       # as db.ledger.ExportRows.places holds them


def mask(text: str, head: int = 3, tail: int = 4) -> str:
    """138****0011: the first and last digits kept, the middle starred."""
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def _picker(indexes: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """itemgetter that always returns a tuple (itemgetter of one index returns the item itself)."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda row: (row[only],)
    if not indexes:
        return lambda row: ()
    return itemgetter(*indexes)


class Layout:
    """How the rows of one sheet (or of the CSV) are made, worked out once: cells are grouped by how they are
    read, so that a row costs a few C-level calls (itemgetter, dict lookups, one str.format) rather than
    several Python calls per cell. The report's own times and on-time flags come made by the query."""

    def __init__(self, columns: list[Column], source: ExportRows, settings: Settings, *,
                 locale: str, personal: bool, strings: SharedStrings | None) -> None:
        """`strings`: the workbook's shared strings, for an xlsx sheet (None: the CSV). In a sheet the labels,
        places and staff names are shared-string cells, made once; the free texts inline cells."""
        xlsx = strings is not None
        index = {name: i for i, name in enumerate(source.names)}
        self.people, self.strings = source.people, strings
        self.person_cells: dict[Any, str] = {}
        self.grid_at, self.assignee_at = index["grid_id"], index["assignee_id"]
        self.xlsx, self.tz = xlsx, settings.tz
        self._offsets: dict[int, int] = {}
        self._days: dict[Any, str] = {}
        self._labelled: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self.answer_texts: list[str] = []
        # "days" (xlsx day numbers), "text" (CSV local text) or "ts" (Unix seconds, made local here).
        self.time_form = next((form for form in ("days", "text", "ts") if f"created_{form}" in index), "ts")
        coded: list[tuple[Column, dict[Any, str]]] = []
        place_columns: list[int] = []
        self.with_assignee = False
        self.masked: list[tuple[bool, Any]] = []
        self.days: list[tuple[bool, Any]] = []
        report_texts: list[int] = []
        times: list[int] = []
        group_of: dict[int, str] = {}
        for position, column in enumerate(columns):
            answer = column.source == "answer"
            key: Any = column.key if answer else index.get(column.key)
            if column.type == "datetime":
                group_of[position] = "time"
                times.append(index[column.key.replace("_at", "_" + self.time_form)])
            elif column.type == "date":
                group_of[position] = "day"
                self.days.append((answer, key))
            elif column.type in ("phone", "id_number") and not personal:
                group_of[position] = "masked"
                self.masked.append((answer, key))
            elif column.type in ("choice", "level", "flag"):
                group_of[position] = "coded"
                codes = _codes(column, locale)
                coded.append((column, {k: strings.cell(v) for k, v in codes.items()} if strings else codes))
            elif column.key in PLACE_COLUMNS:
                group_of[position] = "place"
                place_columns.append(PLACE_COLUMNS.index(column.key))
            elif column.key == "assignee":
                group_of[position] = "assignee"
                self.with_assignee = True
            elif answer:
                group_of[position] = "answer"
                self.answer_texts.append(column.key)
            else:
                group_of[position] = "text"
                report_texts.append(index[column.key])
        # Each grid's place cells (or CSV texts), made once.
        self.place_of = {grid: tuple(strings.cell(names[i]) if strings else names[i] for i in place_columns)
                         for grid, names in source.places.items()}
        self.no_place = tuple("<c/>" if xlsx else "" for _ in place_columns)
        self.report_texts, self.times = _picker(report_texts), _picker(times)
        coded.sort(key=lambda found: found[0].source != "report")       # the report's own codes, then answers'
        self.coded_report = _picker([index[c.key] for c, _ in coded if c.source == "report"])
        self.coded_answers = [c.key for c, _ in coded if c.source == "answer"]
        self.coded_maps = [codes for _, codes in coded]
        # The arguments come grouped as `args` makes them; each column's slot names its argument (the coded
        # ones: those read from the report first, then those from the answers).
        coded_order = [p for p in range(len(columns)) if group_of[p] == "coded" and columns[p].source == "report"] \
            + [p for p in range(len(columns)) if group_of[p] == "coded" and columns[p].source == "answer"]
        order = [p for g in ("place", "assignee", "text", "answer") for p in range(len(columns)) if group_of[p] == g] \
            + coded_order + [p for g in ("masked", "time", "day") for p in range(len(columns)) if group_of[p] == g]
        arg_of = {position: n for n, position in enumerate(order)}
        self.free_texts = sum(1 for p in order if group_of[p] not in ("time", "day"))
        text_cell = '<c t="inlineStr"><is><t>{%d}</t></is></c>'
        # Day numbers from the database go straight into the template (None is made an empty cell after).
        self.serial = xlsx and self.time_form == "days"
        time_cell = _SERIAL_CELL.replace("None", "{%d}") if self.serial else "{%d}"
        whole = ("day", "place", "assignee", "coded")          # arguments that are whole cells already
        self.template = "".join((time_cell if group_of[p] == "time" else "{%d}" if group_of[p] in whole
                                 else text_cell) % arg_of[p] for p in range(len(columns)))
        self.csv_order = [arg_of[p] for p in range(len(columns))]

    def args(self, row: Sequence[Any], answers: dict[str, Any]) -> list[Any]:
        """Every cell's text (xlsx: places, staff, labels and dates whole cells), in the layout's argument order."""
        texts: list[Any] = [*self.report_texts(row), *map(answers.get, self.answer_texts)]
        if None in texts:
            texts = [t or "" for t in texts]
        try:
            joined = "".join(texts)
        except TypeError:                            # an answer that is no text (a number, the files sent)
            texts = [_plain(t) for t in texts]
            joined = "".join(texts)
        if self.xlsx and needs_escape(joined):
            texts = [escape(t) for t in texts]
        texts[:0] = self.place_of.get(row[self.grid_at], self.no_place)
        if self.with_assignee:
            person = self.person_cells.get(row[self.assignee_at])
            texts.insert(len(self.no_place), person if person is not None else self._person(row[self.assignee_at]))
        # The coded cells' labels, looked up once per combination of codes (a ledger has few).
        values = (*self.coded_report(row), *map(answers.get, self.coded_answers))
        try:
            found = self._labelled.get(values) or self._label(values)
        except TypeError:                            # an answer that cannot be a key (a list): shown as it is
            found = self._label(values)
        texts += found
        for from_answers, key in self.masked:
            value = answers.get(key) if from_answers else row[key]
            masked = mask(str(value)) if value else ""
            texts.append(escape(masked) if self.xlsx else masked)
        if self.time_form == "ts":
            texts += [self._time(seconds) for seconds in self.times(row)]
        else:
            texts += self.times(row)                 # made by the query (xlsx day numbers: None made empty after)
        days = self._days
        for from_answers, key in self.days:
            value = answers.get(key) if from_answers else row[key]
            texts.append(days.get(value) or self._day(value))
        return texts

    def _label(self, values: tuple[Any, ...]) -> tuple[str, ...]:
        found = tuple(label if (label := codes.get(value) if isinstance(value, Hashable) else None) is not None
                      else self._unlabelled(value) for codes, value in zip(self.coded_maps, values))
        if len(self._labelled) < 10_000 and all(isinstance(v, Hashable) for v in values):
            self._labelled[values] = found
        return found

    def _person(self, person_id: Any) -> str:
        name = self.people.get(person_id, "")
        made = self.person_cells[person_id] = self.strings.cell(name) if self.strings else name
        return made

    def _unlabelled(self, value: Any) -> str:
        if self.strings:
            return cell(str(value)) if value is not None else "<c/>"
        return "" if value is None else str(value)

    def _time(self, seconds: int | None) -> str:
        if seconds is None:
            return "<c/>" if self.xlsx else ""
        hour = seconds // 3600
        offset = self._offsets.get(hour)
        if offset is None:                           # the zone's offset, looked up once per hour (exact across DST)
            moment = datetime.fromtimestamp(hour * 3600, _UTC).astimezone(self.tz)
            offset = self._offsets[hour] = int((moment.utcoffset() or timedelta()).total_seconds())
        local = seconds + offset
        if self.xlsx:
            return f'<c s="1"><v>{local / 86400 + _UNIX_IN_EXCEL!r}</v></c>'
        return datetime.fromtimestamp(local, _UTC).isoformat(" ")[:16]

    def _day(self, value: Any) -> str:
        if not value:
            return "<c/>" if self.xlsx else ""
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):              # an answer that is not a date after all: kept as written
            return cell(str(value)) if self.xlsx else str(value)
        made = f'<c s="2"><v>{day.toordinal() - _EXCEL_EPOCH_DAY}</v></c>' if self.xlsx else day.isoformat()
        if len(self._days) < 10_000:                 # a ledger's dates are few: each made once
            self._days[value] = made
        return made

    def xlsx_row(self, row: Sequence[Any], answers: dict[str, Any]) -> str:
        made = self.template.format(*self.args(row, answers)).replace(_EMPTY, "<c/>")
        return made.replace(_SERIAL_CELL, "<c/>") if self.serial else made

    def csv_row(self, row: Sequence[Any], answers: dict[str, Any]) -> list[str]:
        args = self.args(row, answers)
        # Only the texts (the arguments before the times and dates) can start like a formula: one search.
        if _FORMULA.search("\x1f".join(args[:self.free_texts])):
            args[:self.free_texts] = ["'" + v if v.startswith(_FORMULA_START) else v for v in args[:self.free_texts]]
        return [args[i] for i in self.csv_order]


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
    """The answers of a batch of reports: one JSON parse for the batch (half the cost of one per report)."""
    try:
        found = json.loads("[" + ",".join(d or "{}" for d in batch) + "]")
    except ValueError:                               # one report's details unreadable: each read on its own
        return [answers_of(d) for d in batch]
    return [f if isinstance(f, dict) else {} for f in found]


def answers_of(details: str | None) -> dict[str, Any]:
    try:
        found = json.loads(details or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
