"""The shape of the organisation: levels, roles, and which role belongs at which level."""

from __future__ import annotations

from db.kinds import AreaLevel, Role

LEVELS: tuple[AreaLevel, ...] = ("city", "town", "community", "grid")
LEVEL_ALIASES: dict[str, AreaLevel] = {
    "city": "city", "市": "city",
    "town": "town", "镇街": "town", "镇": "town", "街道": "town",
    "community": "community", "村社区": "community", "村": "community", "社区": "community",
    "grid": "grid", "网格": "grid",
}

ROLE_LEVEL: dict[Role, AreaLevel] = {
    "grid_leader": "grid",
    "grid_worker": "grid",
    "supervisor": "grid",
    "volunteer": "grid",
    "building_head": "grid",
    "street_head": "grid",
    "community_admin": "community",
    "town_admin": "town",
    "city_admin": "city",
}
ROLE_ALIASES: dict[str, Role] = {role: role for role in ROLE_LEVEL} | {
    "网格长": "grid_leader",
    "网格员": "grid_worker",
    "网格指导员": "supervisor",
    "志愿网格员": "volunteer",
    "楼长": "building_head",
    "街巷长": "street_head",
    "社区管理员": "community_admin",
    "镇街管理员": "town_admin",
    "市级管理员": "city_admin",
}
ADMIN_ROLES: tuple[Role, ...] = ("community_admin", "town_admin", "city_admin")


def parent_level(level: AreaLevel) -> AreaLevel | None:
    index = LEVELS.index(level)
    return LEVELS[index - 1] if index else None
