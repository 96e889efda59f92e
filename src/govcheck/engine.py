"""Run compiled rules over one proposal's facts with durable-rules.

This is the only module that imports `durable`; swapping the engine touches this file
alone. It knows rule names, entity keys and derived facts, nothing of the domain.

Known pitfalls handled here (policy-as-code-anchors.md §4.5):
- one Host per process (each Host starts two timer threads), rulesets registered once
  under a content-hash name, since a registered ruleset cannot be redefined;
- `set_rulesets` mutates its argument, so it gets a deep copy;
- `assert_fact`, never `post`: every matching rule must fire;
- a fact that matches nothing raises MessageNotHandledException: that just means
  "no findings from this fact";
- an exception inside an action is written into the returned state instead of being
  raised: it is turned back into an EngineError here;
- `delete_state` after every proposal (about 1,024 live sessions, then MemoryError),
  but only when some fact was handled: deleting a session that never got state
  segfaults;
- calls are serialised with a lock: the C engine is not thread-safe (use processes).
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .compiler import DERIVED, ENTITY, KEY, CompiledRule


class EngineError(RuntimeError):
    """The engine failed on a proposal (a bug in govcheck, not in the proposal)."""


@dataclass
class Firing:
    rule: str  # compiled rule name
    bindings: dict[str, str]  # entity kind -> entity key it matched
    facts: list[tuple[str, str]] = field(default_factory=list)  # derived facts it used


@dataclass
class Evaluation:
    firings: list[Firing] = field(default_factory=list)
    # (fact name, entity key) -> every firing that derived it
    derived: dict[tuple[str, str], list[Firing]] = field(default_factory=dict)


_lock = threading.Lock()
_host: Any = None
_registered: set[str] = set()
_sids = itertools.count(1)
_runs: dict[str, Evaluation] = {}


def _get_host() -> Any:
    global _host
    if _host is None:
        from durable import engine as durable_engine

        _host = durable_engine.Host()
    return _host


class Ruleset:
    """A set of compiled rules registered once with the engine."""

    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self.rules = {r.name: r for r in rules}
        payload = json.dumps({n: r.body for n, r in sorted(self.rules.items())}, sort_keys=True)
        self.name = "govcheck_" + hashlib.sha256(payload.encode()).hexdigest()[:20]

    def _register(self) -> None:
        if self.name in _registered:
            return
        definition = {}
        for name, rule in self.rules.items():
            body = copy.deepcopy(rule.body)
            body["run"] = _action(name, rule)
            definition[name] = body
        if definition:
            _get_host().set_rulesets({self.name: definition})
        _registered.add(self.name)

    def evaluate(self, facts: list[dict[str, Any]]) -> Evaluation:
        """Assert one proposal's facts in a fresh session and collect what fired."""
        evaluation = Evaluation()
        if not self.rules:
            return evaluation
        from durable import engine as durable_engine

        with _lock:
            self._register()
            host = _get_host()
            sid = str(next(_sids))
            _runs[sid] = evaluation
            has_state = False
            try:
                for fact in facts:
                    try:
                        state = host.assert_fact(self.name, {**fact, "sid": sid})
                    except durable_engine.MessageNotHandledException:
                        continue
                    has_state = True
                    if isinstance(state, dict) and "exception" in state:
                        raise EngineError(str(state["exception"]))
            finally:
                _runs.pop(sid, None)
                # A session in which no fact was handled has no state, and deleting a
                # state that does not exist crashes the C engine (segfault).
                if has_state:
                    host.delete_state(self.name, sid)
        return evaluation


def _action(name: str, rule: CompiledRule) -> Any:
    def run(c: Any) -> None:
        evaluation = _runs.get(str(c.s["sid"]))
        if evaluation is None:
            return
        firing = Firing(name, {})
        for alias in _aliases(rule.body):
            content = getattr(c, alias, None)
            data = getattr(content, "_d", None)
            if not data:
                continue
            if data.get(ENTITY) == DERIVED:
                firing.facts.append((data["name"], data["about"]))
            else:
                firing.bindings[data[ENTITY]] = data[KEY]
        if rule.derives is None:
            evaluation.firings.append(firing)
            return
        fact_name, about = rule.derives
        key = firing.bindings[about]
        already = (fact_name, key) in evaluation.derived
        evaluation.derived.setdefault((fact_name, key), []).append(firing)
        if not already:  # the same fact twice in one session would be refused
            from durable import engine as durable_engine

            try:
                c.assert_fact({ENTITY: DERIVED, "name": fact_name, "about": key})
            except durable_engine.MessageNotHandledException:
                pass  # no rule in force uses this fact: nothing follows from it

    return run


def _aliases(body: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for pattern in body.get("all", []):
        names.extend(pattern)
    for group in body.get("any", []):
        for patterns in group.values():
            for pattern in patterns:
                names.extend(n for n in pattern if n not in names)
    return names
