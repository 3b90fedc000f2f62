"""Field types answered with a place: an area by code (pressed or typed), and a grid chosen community first."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.services.areas import echo, find_area, first_grid_code
from bot.services.flows.fields import field_type, normalize_code
from bot.services.flows.model import ConversationState, Env, FieldType, Invalid, Option, Prompt, Step
from db import areas as areas_db
from db.areas import Area


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
    or a grid code typed at either list. The community chosen is kept in the context as `community`."""

    name = "grid"
    pressable = True
    actions = ("com",)

    def __init__(self, ask_community: str, ask_grid: str) -> None:
        self.ask_community, self.ask_grid = ask_community, ask_grid

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
        chosen = env.state.context.get("community")
        community = areas_db.by_code(env.conn, chosen) if isinstance(chosen, str) else None
        if community is None:
            options = [Option(c.code, c.name) for c in areas_db.children(env.conn, None, "community")]
            return Prompt(self.ask_community, {"example": first_grid_code(env.conn)}, options, "com")
        options = [Option(g.code, g.name) for g in areas_db.children(env.conn, community.id, "grid")]
        return Prompt(self.ask_grid, {"community": community}, options, step.key)

    def position(self, step: Step, state: ConversationState) -> str:
        return step.key if state.context.get("community") else "community"

    def back(self, step: Step, state: ConversationState) -> ConversationState | None:
        if not state.context.get("community"):
            return None
        return ConversationState(state.flow, state.answers, state.trail,
                                 {k: v for k, v in state.context.items() if k != "community"}, state.resume)


AREA = field_type(AreaCode())
