"""The texts of a generated year (bench/yeargen.py): report answers, and every message a report causes rendered
once from the real templates with placeholders, then filled in per row; and the time stamps, made fast."""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from bot.core.config import Settings
from bot.services.flows.kinds import REPORT_KINDS, priority as priority_of
from bot.services.notify import detail_rows, staff_buttons
from db.areas import Area
from db.reports import Report
from messages import render

DAY = 86_400
LOCAL_OFFSET = 8 * 3600                       # Asia/Shanghai has no daylight saving: a fixed offset is exact
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴芳", "徐涛", "孙丽"]
ORIGINS = ["上海市浦东新区", "北京市朝阳区", "山东省济南市历下区", "江苏省南京市鼓楼区", "广东省广州市天河区",
           "浙江省杭州市西湖区", "河南省郑州市金水区", "吉林省长春市朝阳区"]
STREETS = ["府前小区", "龙泉花园", "荆河新村", "善国苑", "北辛家园", "杏坛小区"]
OUTCOMES = ["已上门核实，居家健康监测中", "已调解，双方达成一致", "已联系物业清理楼道", "已协调社区为其办理登记",
            "经核实情况属实，已按规定处置", "已电话回访，居民满意"]
DESCRIPTIONS = ["楼道堆放杂物引发争吵", "装修噪音扰民，多次协商未果", "停车位被长期占用", "宠物扰邻引发口角",
                "拖欠工资三个月，多次讨要未果", "家庭赡养纠纷"]


RESOLVED_DETAILS = [json.dumps({"outcome": o}, ensure_ascii=False) for o in OUTCOMES]


def _options(kind: str, key: str) -> tuple[str, ...]:
    options = next(step.options for step in REPORT_KINDS[kind].steps if step.key == key)
    assert isinstance(options, tuple)
    return options


@lru_cache(maxsize=None)
def assigned_detail(name: str) -> str:
    return json.dumps({"to": name, "level": 0}, ensure_ascii=False)


def sample_answers(kind: str, rng: random.Random) -> dict[str, Any]:
    if kind == "arrival":
        test = rng.choice(["negative"] * 8 + ["none", "positive"])
        answers = {"name": rng.choice(NAMES), "phone": f"139{rng.randrange(10**8):08d}",
                   "origin": rng.choice(ORIGINS), "arrival_date": "2026-04-08",
                   "address": f"{rng.choice(STREETS)}{rng.randrange(1, 30)}号楼{rng.randrange(1, 6)}单元"
                              f"{rng.randrange(1, 18)}0{rng.randrange(1, 4)}",
                   "travel": rng.choice(_options("arrival", "travel")),
                   "health": rng.choice(["normal"] * 9 + ["fever", "cough"]), "test_result": test,
                   "companions": rng.choice(["无", "妻子、儿子", "同事一人"])}
        if test != "none":
            answers["test_date"] = "2026-04-07"
        return answers
    return {"category": rng.choice(_options("dispute", "category")), "parties": f"{rng.choice(NAMES)}与{rng.choice(NAMES)}",
            "place": f"{rng.choice(STREETS)}{rng.randrange(1, 30)}号楼", "description": rng.choice(DESCRIPTIONS),
            "urgency": rng.choice(["normal"] * 9 + ["urgent"])}


@dataclass(frozen=True)
class Variant:
    """One way a report may read: its answers, and every message it causes with placeholders left in."""

    kind: str
    priority: str
    details: str
    card: str
    markup: str
    receipt: str
    accepted: str
    resolved: list[str]


def text_variants(count: int, settings: Settings, rng: random.Random) -> list[Variant]:
    grid = Area(0, "\x01GC\x01", "\x01GN\x01", "grid", None)
    out = []
    for index in range(count):
        kind = "arrival" if index % 2 == 0 else "dispute"
        answers = sample_answers(kind, rng)
        level = priority_of(kind, answers, settings.risk_areas)
        report = Report(0, "\x01N\x01", 0, kind, level, "open", 0, index % 7 == 0, answers, None, 0, None,
                        "", None, None, "", "")
        history = [{"at": "\x01T\x01", "action": "created", "actor": "", "reporter": True, "detail": {}},
                   {"at": "\x01T\x01", "action": "assigned", "actor": "", "reporter": False,
                    "detail": {"to": "\x01W\x01", "level": 0}}]
        card = render("report/card", "zh_CN", headline="assigned", report=report, grid=grid,
                      rows=detail_rows(report), history=history, assignee="\x01W\x01", accept_due="\x01D\x01",
                      resolve_due="", reporter={"anonymous": False, "name": "居民", "username": "", "phone": ""},
                      place=None, attached={})
        markup = json.dumps(staff_buttons(report, "zh_CN"), ensure_ascii=False).replace('|0|', '|\x01I\x01|')
        resolved = [render("report/status_resolved", "zh_CN", report=Report(**{**asdict(report), "outcome": o}),
                           grid=grid) for o in OUTCOMES]
        out.append(Variant(kind, level, json.dumps(answers, ensure_ascii=False), card, markup,
                           render("report/submitted", "zh_CN", report=report, grid=grid),
                           render("report/status_accepted", "zh_CN", report=report, grid=grid), resolved))
    return out


_CLOCK = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
_MINUTES = [t[:5] for t in _CLOCK[::60]]


@lru_cache(maxsize=4096)
def _date(day: int, fmt: str) -> str:
    return datetime.fromtimestamp(day * DAY, timezone.utc).strftime(fmt)


def stamp(ts: int) -> str:
    """`bot.core.clock.stamp` of a whole second, from a table (millions of them are written)."""
    return f"{_date(ts // DAY, '%Y-%m-%d')}T{_CLOCK[ts % DAY]}+00:00"


def local(ts: int) -> str:
    """`bot.services.notify.local_time` (Asia/Shanghai, UTC+8 all year)."""
    ts += LOCAL_OFFSET
    return f"{_date(ts // DAY, '%Y-%m-%d')} {_MINUTES[ts % DAY // 60]}"


def local_day(ts: int) -> str:
    return _date((ts + LOCAL_OFFSET) // DAY, "%Y%m%d")


def local_midnight(ts: int) -> int:
    return (ts + LOCAL_OFFSET) // DAY * DAY - LOCAL_OFFSET
