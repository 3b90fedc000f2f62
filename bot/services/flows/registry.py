"""Every declared conversation by name: adding a flow is declaring it and registering it here."""

from __future__ import annotations

from bot.services.flows.model import Flow, Step

FLOWS: dict[str, Flow] = {}
WORDS = ("back", "cancel")               # button words of the engine's own


def register(flow: Flow) -> Flow:
    """Add (or replace) a flow; its static steps may not be called like the engine's own buttons."""
    taken = {*WORDS, flow.submit_word}
    clash = [s.key for s in flow.steps if isinstance(s, Step) and s.key in taken]
    if clash:
        raise ValueError(f"flow {flow.name}: steps named like buttons: {clash}")
    FLOWS[flow.name] = flow
    return flow


def get(name: str) -> Flow | None:
    return FLOWS.get(name)


def load(name: str) -> Flow:
    """The flow called `name`; KeyError if none is."""
    return FLOWS[name]


def prefixes() -> list[str]:
    """The callback-data prefixes of every flow with buttons."""
    return sorted({flow.prefix for flow in FLOWS.values() if flow.navigation})


def _builtins() -> None:
    from bot.services.flows import asides, broadcast, report, worker

    for flow in (report.FLOW, broadcast.FLOW, *worker.FLOWS, *asides.FLOWS):
        register(flow)


_builtins()
