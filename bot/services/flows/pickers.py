"""Field types answered with a place: an area by code (pressed or typed), and a grid chosen community first (or
suggested from a shared location: the grid whose boundary holds it, else the nearest grid)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from bot.services import broadcasting
from bot.services.areas import echo, find_area, first_grid_code, grid_at
from bot.services.flows.fields import field_type, normalize_code
from bot.services.flows.model import ConversationState, Env, FieldType, Invalid, Option, Prompt, Step
from db import areas as areas_db
from db.areas import Area
from db.kinds import AreaLevel

if TYPE_CHECKING:
    from bot.services.flows.attachments import Attachment


class AreaCode(FieldType):
    """An area among the step's options, or typed by code (the step's `check` decides whether it may be used)."""

    name = "area"
    pressable = True

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        code = normalize_code(raw)
        if not code:
            raise Invalid("empty")
        area = find_area(env.conn, code)
        if area is None:
            raise Invalid("unknown_area", code=echo(code))
        return area.code

    def press(self, step: Step, value: str, env: Env) -> Any:
        return self.parse(step, value, env)


class GridPicker(FieldType):
    """A grid: a community's button, then one of its grids' (`<prefix>|com|<code>`, `<prefix>|grid|<code>`),
    or a grid code typed at either list. The community chosen is kept in the context as `community`. A location
    shared instead suggests the grid whose boundary holds it, else the nearest grid (within `grid_match_km`), kept
    as `suggested` (`suggested_km`, and `suggested_inside` for a boundary that holds it), to confirm with its
    button (Back: the lists)."""

    name = "grid"
    pressable = True
    actions = ("com",)
    takes = frozenset({"location", "venue"})

    def __init__(self, ask_community: str, ask_grid: str, ask_suggested: str = "report/ask_suggested_grid") -> None:
        self.ask_community, self.ask_grid, self.ask_suggested = ask_community, ask_grid, ask_suggested

    def attach(self, step: Step, item: Attachment, env: Env) -> tuple[ConversationState, Any]:
        found = grid_at(env.conn, (item.latitude, item.longitude), env.settings.grid_match_km)
        if found is None:
            raise Invalid("no_grid_near", km=env.settings.grid_match_km)
        return env.state.with_context(suggested=found.code, suggested_km=round(found.km, 1),
                                      suggested_inside=found.inside), None

    def parse(self, step: Step, raw: str, env: Env) -> Any:
        code = normalize_code(raw)
        if not code:
            raise Invalid("empty")
        grid = find_area(env.conn, code)
        if grid is None or grid.level != "grid":
            raise Invalid("unknown_grid", code=echo(code))
        return grid.code

    def press(self, step: Step, value: str, env: Env) -> Any:
        grid = areas_db.by_code(env.conn, value)
        if grid is None or grid.level != "grid":
            raise Invalid("stale")
        return grid.code

    def act(self, step: Step, action: str, value: str, env: Env) -> ConversationState:
        community = areas_db.by_code(env.conn, value)
        if community is None or community.level != "community":
            raise Invalid("stale")
        return env.state.with_context(community=community.code)

    def prompt(self, step: Step, env: Env) -> Prompt | None:
        suggested = env.state.context.get("suggested")
        grid = areas_db.by_code(env.conn, suggested) if isinstance(suggested, str) else None
        if grid is not None:
            return Prompt(self.ask_suggested, {"suggested": grid, "km": env.state.context.get("suggested_km"),
                                               "inside": bool(env.state.context.get("suggested_inside"))},
                          [Option(grid.code, grid.name)], step.key)
        chosen = env.state.context.get("community")
        community = areas_db.by_code(env.conn, chosen) if isinstance(chosen, str) else None
        if community is None:
            options = [Option(c.code, c.name) for c in areas_db.children(env.conn, None, "community")]
            return Prompt(self.ask_community, {"example": first_grid_code(env.conn)}, options, "com")
        options = [Option(g.code, g.name) for g in areas_db.children(env.conn, community.id, "grid")]
        return Prompt(self.ask_grid, {"community": community}, options, step.key)

    def position(self, step: Step, state: ConversationState) -> str:
        if state.context.get("suggested"):
            return "suggested"
        return step.key if state.context.get("community") else "community"

    def back(self, step: Step, state: ConversationState) -> ConversationState | None:
        """A suggestion goes back to the lists; a community chosen, to the communities."""
        undone = ("suggested", "suggested_km", "suggested_inside") if state.context.get("suggested") else ("community",)
        if not state.context.get(undone[0]):
            return None
        return ConversationState(state.flow, state.answers, state.trail,
                                 {k: v for k, v in state.context.items() if k not in undone}, state.resume)


AREA = field_type(AreaCode())


# An admin's scope and the areas one level below it: what an area question offers a campaign or a broadcast.
BELOW: dict[str, AreaLevel] = {"city": "town", "town": "community", "community": "grid"}


def scope_areas(env: Env) -> list[Option]:
    """The person's scopes and the areas one level below each."""
    found: list[Area] = []
    for scope in broadcasting.scopes(env.conn, env.user_id):
        found.append(scope)
        if scope.level in BELOW:
            found += areas_db.children(env.conn, scope.id, BELOW[scope.level])
    return [Option(a.code, a.name) for a in {a.code: a for a in found}.values()]


def in_scope(env: Env, code: Any) -> None:
    """An area code the person's scope covers (the check of a `scope_areas` question)."""
    area = areas_db.by_code(env.conn, str(code))
    if area is None or not broadcasting.in_scope(env.conn, env.user_id, area.id):
        raise Invalid("out_of_scope", code=code)
