"""Assessment (考核): per worker and per grid, a month's reports — handled, accepted and resolved in time, median
times, overdue, escalated away, residents' satisfaction, service tasks done (check-ins, campaign households,
follow-up visits) — and a score by the formula in the settings."""

from __future__ import annotations

import ast
import sqlite3
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.ledger import formula
from bot.services.ledger.periods import Period
from db import ledger as ledger_db
from db import tasks as tasks_db
from db.areas import Area
from db.ledger import WorkRow
from db.tasks import TasksDone


@dataclass
class _Tally:
    handled: int = 0
    resolved: int = 0
    accept_on_time: int = 0
    accept_late: int = 0
    resolve_on_time: int = 0
    resolve_late: int = 0
    overdue: int = 0
    escalated_away: int = 0
    answered: int = 0
    satisfied: int = 0
    checkins: int = 0
    households: int = 0
    visits: int = 0
    accept_seconds: list[float] = field(default_factory=list)
    resolve_seconds: list[float] = field(default_factory=list)

    def add(self, row: WorkRow, now: str) -> None:
        self.handled += 1
        if row.accepted_at is not None:
            on_time = row.accepted_at <= row.accept_due_at
            self.accept_on_time += on_time
            self.accept_late += not on_time
            self.accept_seconds.append(_seconds(row.created_at, row.accepted_at))
        if row.resolved_at is not None:
            self.resolved += 1
            on_time = row.resolved_at <= row.resolve_due_at
            self.resolve_on_time += on_time
            self.resolve_late += not on_time
            self.resolve_seconds.append(_seconds(row.created_at, row.resolved_at))
        elif (row.accept_due_at if row.status == "open" else row.resolve_due_at) < now:
            self.overdue += 1
        self.answered += row.answered
        self.satisfied += row.satisfied

    def add_tasks(self, done: TasksDone) -> None:
        self.checkins += done.checkins
        self.households += done.households
        self.visits += done.visits


def _seconds(start: str, end: str) -> float:
    return max(0.0, (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())


@dataclass(frozen=True)
class Scorecard:
    """One worker's (or one grid's) month."""

    name: str
    grid: Area | None
    person_id: int | None
    handled: int
    resolved: int
    accept_on_time: float | None          # 0…1
    resolve_on_time: float | None
    accept_median: float | None           # seconds
    resolve_median: float | None
    overdue: int
    escalated_away: int
    answered: int                         # residents who answered 满意 or 不满意
    satisfaction: float | None            # of them, the share 满意 (0…1)
    checkins: int                         # service tasks done in the month
    households: int
    visits: int
    score: float | None                   # None: nothing to assess this month


@dataclass(frozen=True)
class Assessment:
    area: Area
    period: Period
    formula: str
    workers: list[Scorecard]              # best score first; those with no report last
    grids: list[Scorecard]


def _rate(good: int, bad: int) -> float | None:
    return good / (good + bad) if good + bad else None


def _card(name: str, grid: Area | None, person_id: int | None, tally: _Tally, tree: ast.expr) -> Scorecard:
    accept_rate = _rate(tally.accept_on_time, tally.accept_late)
    resolve_rate = _rate(tally.resolve_on_time, tally.resolve_late)
    satisfaction = _rate(tally.satisfied, tally.answered - tally.satisfied)
    accept_median = statistics.median(tally.accept_seconds) if tally.accept_seconds else None
    resolve_median = statistics.median(tally.resolve_seconds) if tally.resolve_seconds else None
    score = None
    tasks = tally.checkins + tally.households + tally.visits
    if tally.handled or tasks:
        # A rate with nothing to measure counts as 1 (nothing went wrong); medians in minutes.
        score = round(formula.evaluate(tree, {
            "handled": tally.handled, "resolved": tally.resolved, "overdue": tally.overdue,
            "escalated_away": tally.escalated_away,
            "accept_on_time": 1.0 if accept_rate is None else accept_rate,
            "resolve_on_time": 1.0 if resolve_rate is None else resolve_rate,
            "satisfaction": 1.0 if satisfaction is None else satisfaction,
            "checkins": tally.checkins, "households": tally.households, "visits": tally.visits, "tasks": tasks,
            "accept_minutes": (accept_median or 0) / 60, "resolve_minutes": (resolve_median or 0) / 60}), 1)
    return Scorecard(name, grid, person_id, tally.handled, tally.resolved, accept_rate, resolve_rate, accept_median,
                     resolve_median, tally.overdue, tally.escalated_away, tally.answered, satisfaction, tally.checkins,
                     tally.households, tally.visits, score)


def _ranked(cards: Iterable[Scorecard]) -> list[Scorecard]:
    return sorted(cards, key=lambda c: (c.score is None, -(c.score or 0), -c.handled, c.name))


def assess(conn: sqlite3.Connection, settings: Settings, area: Area, period: Period, now: datetime) -> Assessment:
    """The area's grid leaders and workers (and anyone else who held its reports), and its grids, over the
    reports made in the period."""
    tree = formula.parse(settings.assessment_formula)
    since, until, ts = period.since(settings), period.until(settings), stamp(now)
    grids = {g.id: g for g in ledger_db.grids_in(conn, area.id)}
    staff = ledger_db.grid_staff(conn, area.id)
    home = {s.person_id: grids.get(s.grid_id) for s in staff}
    names = {s.person_id: s.name for s in staff}
    people: dict[int, _Tally] = {s.person_id: _Tally() for s in staff}
    by_grid: dict[int, _Tally] = {g: _Tally() for g in grids}
    for row in ledger_db.work_rows(conn, area.id, since, until):
        by_grid.setdefault(row.grid_id, _Tally()).add(row, ts)
        if row.assignee_id is not None:
            people.setdefault(row.assignee_id, _Tally()).add(row, ts)
    for person_id, count in ledger_db.escalated_away(conn, area.id, since, until).items():
        people.setdefault(person_id, _Tally()).escalated_away += count
        by_grid_id = home.get(person_id)
        if by_grid_id is not None:
            by_grid.setdefault(by_grid_id.id, _Tally()).escalated_away += count
    for done in tasks_db.tasks_done(conn, area.id, since, until):
        by_grid.setdefault(done.grid_id, _Tally()).add_tasks(done)
        if done.person_id is not None:
            people.setdefault(done.person_id, _Tally()).add_tasks(done)
    missing = [p for p in people if p not in names]
    names.update(ledger_db.people_names(conn, missing))
    workers = [_card(names.get(p, str(p)), home.get(p), p, tally, tree) for p, tally in people.items()]
    grid_cards = [_card(g.name, g, None, by_grid.get(g.id, _Tally()), tree) for g in grids.values()]
    return Assessment(area, period, settings.assessment_formula, _ranked(workers), _ranked(grid_cards))


def top(assessment: Assessment, count: int) -> list[Scorecard]:
    """The best workers of the month, for a commendation: only those who handled reports or did tasks."""
    return [card for card in assessment.workers if card.score is not None][:count]
