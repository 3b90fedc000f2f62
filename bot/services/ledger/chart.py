"""The digest's chart: reports made per day and kind, as a PNG (matplotlib's Agg backend, no display), its
Chinese drawn with a CJK font that ships as a Python package (Noto Sans SC), else one found on the system.

matplotlib (and numpy under it) is imported when the first chart is drawn, not when the bot starts: it weighs
some 60 MB, and most hours no chart is drawn."""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

# Families tried when the packaged font is not installed (Debian: fonts-noto-cjk, fonts-wqy-zenhei …).
SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                   "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei")
COLOURS = ("#2f6db5", "#e08a2e", "#4a9c5d", "#b5473a", "#7b5ea7", "#8c8c8c")
# rcParams are process-wide: one chart is drawn at a time.
_drawing = threading.Lock()


class NoCjkFont(RuntimeError):
    """No font that draws Chinese was found: install the package pylopdf-fonts-zh-cn or a system CJK font."""


@lru_cache(maxsize=1)
def cjk_family() -> str:
    """The family name of a CJK font matplotlib knows (registering the packaged one first)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    try:
        from pylopdf_fonts_zh_cn import sans_path
    except ImportError:
        pass
    else:
        path = Path(sans_path())
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    installed = {font.name for font in font_manager.fontManager.ttflist}
    for family in SYSTEM_FAMILIES:
        if family in installed:
            return family
    raise NoCjkFont("no CJK font")


def daily_bars(title: str, days: Sequence[str], series: Mapping[str, Sequence[int]], axis_label: str) -> bytes:
    """Stacked bars, one per day (`days` as shown under them), one colour per series; a PNG."""
    family = cjk_family()
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _drawing, rc_context({"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"],
                               "axes.unicode_minus": False}):
        figure = Figure(figsize=(8, 4.5), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        bottom = [0] * len(days)
        for index, (name, values) in enumerate(series.items()):
            axes.bar(days, values, bottom=bottom, label=name, color=COLOURS[index % len(COLOURS)], width=0.6)
            bottom = [b + v for b, v in zip(bottom, values)]
        for x, total in enumerate(bottom):
            if total:
                axes.annotate(str(total), (x, total), ha="center", va="bottom", fontsize=9)
        axes.set_title(title, fontsize=14)
        axes.set_ylabel(axis_label)
        axes.set_ylim(0, max([*bottom, 1]) * 1.18)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.spines[["top", "right"]].set_visible(False)
        if series:
            axes.legend(loc="upper left", frameon=False, ncols=min(len(series), 4))
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()
