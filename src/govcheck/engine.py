"""Run compiled rules over one proposal's facts with durable-rules.

This is the only module that imports durable-rules; swapping the engine touches this
file alone. It knows rule names, entity keys and derived facts, nothing of the domain.

It drives the engine's C core (`durable_rules_engine`, the module `durable.engine`
itself wraps) directly. The Python `Host` JSON-encodes the session state after every
action, starts two timer threads and turns errors inside actions into strings; driving
the core cut the engine's share of checking a proposal from ~1.2 ms to ~0.4 ms, and an
error in an action now surfaces as itself.

Known pitfalls of durable-rules handled here:
- a ruleset name can be registered only once: names are content hashes, each ruleset
  is created once per process and kept;
- each fact is asserted on its own (never `post`): every matching rule must fire, and
  a batch assert drops every action when one fact of the batch matches nothing;
- a fact that matches nothing is reported as "not handled": that just means "no
  findings from this fact";
- sessions: making one costs the core ~0.12 ms (it allocates memory for every rule),
  more than all of a proposal's facts, so each ruleset keeps one session and, after
  each proposal, retracts the facts some rule took, leaving it empty for the next.
  A session is deleted only when that fails. The core holds at most 1,024 sessions
  per ruleset (then MemoryError), and deleting a session in which no action ever ran
  frees two pointers it never set (durable's createState leaves `context.messages`
  and `context.stateFact` uninitialised; starting an action sets them and completing
  it frees and clears them): a segfault or "free(): invalid pointer", depending on
  what the heap held. So before such a session is deleted, a fact that an
  engine-own rule always takes is asserted and its action run;
- calls are serialised with a lock: the C engine is not thread-safe (use processes).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .compiler import DERIVED, ENTITY, KEY, CompiledRule
from .errors import GovcheckError

# Result codes of the core's assert calls (durable's rules.h).
_HANDLED = 0
_NOT_HANDLED = 1
_ALREADY_OBSERVED = 2


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


# One encoder and decoder for every call: json.dumps/loads rebuild theirs each time
# when given options, and the engine talks JSON about 25 times per proposal.
_encode_json = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=False
).encode
_decode = json.JSONDecoder().decode

# durable-rules' JSON reader takes an exponent only after a fraction: it refuses
# `1e-05` and `3e+16` (Python's spelling of 0.00001 and 3e16) but reads `1.0e-05` and
# `3.0e+16`, exactly (with atof). Python writes an exponent always with its sign.
_EXPONENT = re.compile(r"[0-9]e[-+][0-9]")


def _encode(fact: dict[str, Any]) -> str:
    """A fact (or ruleset) as JSON the engine reads: every number as its reader takes it.

    Integers go as written: the engine reads them with atoll, which holds any value a
    64-bit integer holds and stops at its bounds beyond, so order comparisons stay true.
    """
    text = _encode_json(fact)
    # No float written with an exponent (the substring tests, in C, spare most facts the
    # regular expression: a third of the time of encoding them).
    if ("e-" not in text and "e+" not in text) or _EXPONENT.search(text) is None:
        return text
    return _written(fact)


def _written(value: Any) -> str:
    """JSON of facts (mappings, lists, scalars) with floats spelled for the engine."""
    if isinstance(value, dict):
        items = (f"{_encode_json(str(k))}:{_written(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_written(v) for v in value) + "]"
    if value.__class__ is float:
        text = _encode_json(value)  # refuses inf and nan, as for any other fact
        return text.replace("e", ".0e") if "e" in text and "." not in text else text
    return _encode_json(value)


# The engine's own rule, taking the fact that ends each session (see above).
_SESSION_END = "govcheck:session-end"
_END_FACT = {ENTITY: "_session_end", KEY: "_session_end"}

_lock = threading.Lock()
_handles: dict[str, Any] = {}  # ruleset name -> the core's handle
_open_sessions: dict[str, str] = {}  # ruleset name -> its empty session, kept for reuse
_sids = itertools.count(1)


class EngineMissing(GovcheckError):
    """durable-rules' C core does not load in this Python: govcheck cannot evaluate."""


# durable-rules 2.0.28 calls PyEval_CallObject, which Python 3.13 removed; built without
# this flag it installs, then fails to load ("undefined symbol: PyEval_CallObject").
BUILD_FLAG = "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject"


def require() -> None:
    """Load the engine's core now, or raise EngineMissing saying in one line what to do."""
    _core()


def _core() -> Any:
    try:
        import durable_rules_engine
    except ImportError as e:
        why = re.sub(r"^\S*/", "", str(e)) or type(e).__name__  # the file, not its folder
        python = ".".join(map(str, sys.version_info[:3]))
        raise EngineMissing(
            f"the rules engine (durable-rules' C core) does not load on Python {python}: "
            f"{why}. Reinstall it: {BUILD_FLAG} pip install --force-reinstall "
            "--no-cache-dir durable-rules==2.0.28 (in a checkout: bash .ci/setup)"
        ) from None
    return durable_rules_engine


# Each compiled rule's body as the engine reads it, encoded once per process (keyed by
# the rule object, which is kept alive here with its text): a rule takes part in many
# rulesets, one per period of law a batch, a timeline or an appraisal meets, and
# encoding every body again for each was a quarter of the cost of making a ruleset.
_texts: dict[int, tuple[CompiledRule, str]] = {}


def _text(rule: CompiledRule) -> str:
    found = _texts.get(id(rule))
    if found is None or found[0] is not rule:
        found = _texts[id(rule)] = (rule, _encode(rule.body))
    return found[1]


def _object(members: Iterable[tuple[str, str]]) -> str:
    """A JSON object from (name, JSON text) pairs, each text already encoded."""
    return "{" + ",".join(f"{_encode_json(name)}:{text}" for name, text in members) + "}"


class Ruleset:
    """A set of compiled rules, created in the engine once per process."""

    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self.rules = {r.name: r for r in rules}
        self.stamp: dict[str, str] = {}  # the proposal in hand's deciding dates
        self.tail = "}"  # its dates and session as the end of a fact's JSON text
        payload = _object((n, _text(r)) for n, r in sorted(self.rules.items()))
        self.name = "govcheck_" + hashlib.sha256(payload.encode()).hexdigest()[:20]
        # Facts of a kind no rule matches on would only come back "not handled".
        self.kinds = {kind for r in self.rules.values() for kind in r.entities}

    def _handle(self) -> Any:
        handle = _handles.get(self.name)
        if handle is None:
            end = _encode({"all": [{"end": {ENTITY: _END_FACT[ENTITY]}}]})
            members = [*((n, _text(r)) for n, r in self.rules.items()), (_SESSION_END, end)]
            text = _object(members)
            handle = _handles[self.name] = _core().create_ruleset(self.name, text)
        return handle

    def evaluate(
        self, facts: list[dict[str, Any]], stamp: dict[str, str] | None = None
    ) -> Evaluation:
        """Assert one proposal's facts in an empty session and collect what fired.

        `stamp` (field -> date) is added to every fact, the derived ones too: the
        deciding dates that the rules' dated forms test."""
        evaluation = Evaluation()
        if not self.rules:
            return evaluation
        core = _core()
        with _lock:
            self.stamp = stamp or {}  # read by _fired, for the derived facts it asserts
            handle = self._handle()
            sid = _open_sessions.pop(self.name, None) or str(next(_sids))
            taken: list[str] = []  # the facts some rule took, as asserted
            ran = False  # has any action run (and completed) in this proposal?
            cleared = False
            # The same fields end every fact of the proposal: encoded once, and spliced
            # onto each fact's own text (a fact that has any of these keys is merged).
            extra = {**self.stamp, "sid": sid}
            self.tail = "," + _encode_json(extra)[1:]
            try:
                for fact in facts:
                    if fact[ENTITY] in self.kinds:
                        if fact.keys().isdisjoint(extra):
                            text = _encode(fact)
                            text = text[:-1] + self.tail  # a fact always has its kind
                        else:
                            text = _encode({**fact, **extra})
                        state = self._assert_text(core, handle, text, fact[ENTITY], taken)
                        if state is not None:
                            ran = (
                                self._run_actions(core, handle, state, sid, evaluation, taken)
                                or ran
                            )
                cleared = self._retract(core, handle, taken)
            except core.error as e:
                raise EngineError(str(e)) from e
            finally:
                if cleared:
                    _open_sessions[self.name] = sid  # empty again: the next proposal's
                else:
                    self._end_session(core, handle, sid, evaluation, ran)
        return evaluation

    @staticmethod
    def _retract(core: Any, handle: Any, taken: list[str]) -> bool:
        """Take the proposal's facts back out, leaving the session as it was made.

        Making a session costs the core far more than any one fact (~0.12 ms: it
        allocates memory for every rule), so one session per ruleset serves proposal
        after proposal. True when every fact came back out and nothing was set off
        by it; otherwise the session is deleted and the next proposal gets a new one.
        """
        state = None
        for text in reversed(taken):
            result = core.retract_fact(handle, text)
            if result[0] != _HANDLED:
                return False
            state = result[1]
        return state is None or not core.start_action_for_state(handle, state)

    def _end_session(
        self, core: Any, handle: Any, sid: str, evaluation: Evaluation, ran: bool
    ) -> None:
        """Delete the session, first running the engine-own end rule when no action has
        run in it yet (see the module notes)."""
        if ran:
            core.delete_state(handle, sid)
            return
        try:
            gone: list[str] = []  # nothing to take back: the session is deleted next
            state = self._assert(core, handle, {**_END_FACT, "sid": sid}, gone)
            if state is not None:
                self._run_actions(core, handle, state, sid, evaluation, gone)
        except Exception:
            # Only after another error: leaving one session behind is safer than
            # deleting one in an unknown state.
            return
        core.delete_state(handle, sid)

    @classmethod
    def _assert(cls, core: Any, handle: Any, fact: dict[str, Any], taken: list[str]) -> Any:
        """The session state's handle when some rule took the fact (added to `taken`),
        else None."""
        return cls._assert_text(core, handle, _encode(fact), fact[ENTITY], taken)

    @staticmethod
    def _assert_text(core: Any, handle: Any, text: str, kind: str, taken: list[str]) -> Any:
        """`_assert` of a fact already encoded."""
        result = core.assert_fact(handle, text)
        if result[0] == _HANDLED:
            taken.append(text)
            return result[1]
        if result[0] in (_NOT_HANDLED, _ALREADY_OBSERVED):
            return None
        raise EngineError(f"unexpected result {result[0]} asserting {kind}")

    def _run_actions(
        self,
        core: Any,
        handle: Any,
        state: Any,
        sid: str,
        evaluation: Evaluation,
        taken: list[str],
    ) -> bool:
        """Take each rule the engine has queued for this session, until none is left.

        True when at least one ran."""
        started = core.start_action_for_state(handle, state)
        pending = _decode(started[1]) if started else None
        while pending:
            name, matched = next(iter(pending.items()))
            self._fired(core, handle, name, matched, sid, evaluation, taken)
            following = core.complete_and_start_action(handle, state)
            pending = _decode(following) if following else None
        return bool(started)

    def _fired(
        self,
        core: Any,
        handle: Any,
        name: str,
        matched: dict[str, Any],
        sid: str,
        evaluation: Evaluation,
        taken: list[str],
    ) -> None:
        if name == _SESSION_END:
            return
        rule = self.rules[name]
        firing = Firing(rule.item or name, {})
        for fact in matched.values():
            if not isinstance(fact, dict) or ENTITY not in fact:
                continue
            if fact[ENTITY] == DERIVED:
                firing.facts.append((fact["name"], fact["about"]))
            else:
                firing.bindings[fact[ENTITY]] = fact[KEY]
        if rule.derives is None:
            evaluation.firings.append(firing)
            return
        fact_name, about = rule.derives
        key = firing.bindings[about]
        already = (fact_name, key) in evaluation.derived
        evaluation.derived.setdefault((fact_name, key), []).append(firing)
        if not already:  # the same fact twice in one session would be refused
            derived = {ENTITY: DERIVED, "name": fact_name, "about": key}
            self._assert_text(core, handle, _encode(derived)[:-1] + self.tail, DERIVED, taken)


@dataclass(frozen=True)
class Stamped:
    """A ruleset with the deciding dates of one selection of law: what evaluates a
    proposal judged under them."""

    ruleset: Ruleset
    stamp: tuple[tuple[str, str], ...]

    def evaluate(self, facts: list[dict[str, Any]]) -> Evaluation:
        return self.ruleset.evaluate(facts, dict(self.stamp))
