"""The condition language of rule files: parse, check, normalise, evaluate, describe.

A condition is YAML a governance lead can read:

    all:
      - provider.legal_form: co_operative_society          # equals
      - staff_transfer.nhs_staff: {greater_than: 0}
      - any:
          - staff_transfer.pension: {exists: false}
          - fact: not_nhs_pension_body                     # a derived fact
      - not: {provider.charitable_status: none}

A mapping with several field keys means all of them. Conditions on fields of a list
(`services[].kind`) speak about one and the same item.

Absent means "not stated", never false or zero, so a comparison with a field the
proposal does not state is false whichever way it is written: `not: {x: a}` is "x is
stated and is not a", never "x is missing". To act on a missing field, say
`{exists: false}`. Negation is pushed down to the leaves when a rule is loaded, so the
engine and the Python evaluator see the same negation-free tree.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .fields import FieldCatalogue, FieldInfo

# operator -> (the operator it becomes under `not`, words for explanations)
OPERATORS: dict[str, tuple[str, str]] = {
    "equals": ("not_equals", "is"),
    "not_equals": ("equals", "is not"),
    "in": ("not_in", "is one of"),
    "not_in": ("in", "is none of"),
    "greater_than": ("at_most", "is more than"),
    "at_most": ("greater_than", "is at most"),
    "less_than": ("at_least", "is less than"),
    "at_least": ("less_than", "is at least"),
    "exists": ("exists", "is stated"),  # value flips instead
    "contains": ("not_contains", "includes"),
    "not_contains": ("contains", "does not include"),
}
ORDERED = {"greater_than", "at_most", "less_than", "at_least"}
LISTY = {"in", "not_in"}
ARRAY_OPS = {"contains", "not_contains", "exists"}
GROUPS = ("all", "any", "not")


class ConditionError(ValueError):
    """A rule condition that cannot be understood; `pointer` locates it in the rule file."""

    def __init__(self, message: str, pointer: str) -> None:
        super().__init__(message)
        self.message = message
        self.pointer = pointer


@dataclass(frozen=True)
class Leaf:
    path: str
    op: str
    value: Any  # a literal, or a values.ValueRef until bound to the value at a date
    pointer: str = ""
    note: str = ""  # what a bound value is: "the light-touch threshold, on 2016-03-01"


@dataclass(frozen=True)
class FactRef:
    name: str
    pointer: str = ""


@dataclass(frozen=True)
class All:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Not:
    item: Any


Condition = Leaf | FactRef | All | AnyOf | Not


def parse(data: Any, pointer: str = "") -> Condition:
    """Turn a condition as written in YAML into a tree (no field checks yet)."""
    if not isinstance(data, Mapping) or not data:
        raise ConditionError(
            "a condition is a mapping: `field: value`, `field: {operator: value}`, "
            "`fact: name`, or `all:`/`any:`/`not:`",
            pointer,
        )
    parts: list[Condition] = []
    for key, value in data.items():
        here = f"{pointer}/{_escape(str(key))}"
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ConditionError(f"`{key}:` takes a non-empty list of conditions", here)
            items = tuple(parse(v, f"{here}/{i}") for i, v in enumerate(value))
            parts.append(All(items) if key == "all" else AnyOf(items))
        elif key == "not":
            parts.append(Not(parse(value, here)))
        elif key == "fact":
            if not isinstance(value, str):
                raise ConditionError("`fact:` takes the name of a derived fact", here)
            parts.append(FactRef(value, here))
        elif isinstance(value, Mapping):
            if len(value) != 1:
                raise ConditionError(
                    f"`{key}` takes one operator, e.g. {{equals: x}}; "
                    f"operators: {', '.join(OPERATORS)}",
                    here,
                )
            ((op, operand),) = value.items()
            if isinstance(operand, Mapping) and list(operand) in (["date"], ["day_before"]):
                # {less_than: {date: pcts_abolished}}: a named date of the rulebook
                from .values import DateRef

                ((kind, name),) = operand.items()
                if not isinstance(name, str):
                    raise ConditionError(
                        f"`{{{kind}: name}}` takes the name of a date in values.yaml",
                        f"{here}/{_escape(str(op))}",
                    )
                operand = DateRef(name, day_before=kind == "day_before")
            elif isinstance(operand, Mapping) and list(operand) == ["value"]:
                # {greater_than: {value: name}}: a dated value of the rulebook
                from .values import ValueRef

                if not isinstance(operand["value"], str):
                    raise ConditionError(
                        "`{value: name}` takes the name of a dated value in values.yaml",
                        f"{here}/{_escape(str(op))}",
                    )
                operand = ValueRef(operand["value"])
            if op not in OPERATORS:
                raise ConditionError(
                    f"unknown operator `{op}`{_suggest(str(op), OPERATORS)}; "
                    f"operators: {', '.join(OPERATORS)}",
                    f"{here}/{_escape(str(op))}",
                )
            parts.append(Leaf(str(key), str(op), operand, here))
        else:
            parts.append(Leaf(str(key), "equals", value, here))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def check(
    cond: Condition,
    catalogue: FieldCatalogue,
    known_facts: Mapping[str, Any],
    on_error: Callable[[ConditionError], None],
    known_values: Mapping[str, Any] | None = None,
) -> None:
    """Report every unknown field, fact, dated value or ill-typed value (all of them)."""
    from .values import DateRef, ValueRef

    for leaf in walk(cond):
        if isinstance(leaf, FactRef):
            if leaf.name not in known_facts:
                on_error(
                    ConditionError(
                        f"unknown derived fact `{leaf.name}`{_suggest(leaf.name, known_facts)}",
                        leaf.pointer,
                    )
                )
            continue
        info = catalogue.get(leaf.path)
        if info is None:
            on_error(
                ConditionError(
                    f"unknown proposal field `{leaf.path}`{_suggest(leaf.path, catalogue.fields)}",
                    leaf.pointer,
                )
            )
            continue
        if isinstance(leaf.value, DateRef):  # a name the rulebook does not know
            problem = None if info.type == "date" else "a named date compares with a date field"
        elif isinstance(leaf.value, ValueRef):
            problem = _value_ref_problem(leaf, info, known_values or {})
        else:
            problem = _value_problem(leaf, info)
        if problem:
            on_error(ConditionError(f"`{leaf.path}`: {problem}", leaf.pointer))


def _value_ref_problem(leaf: Leaf, info: FieldInfo, known: Mapping[str, Any]) -> str | None:
    name = leaf.value.name
    if name not in known:
        hint = _suggest(name, known)
        return f"unknown dated value `{name}`{hint}; dated values live in values.yaml"
    if leaf.op not in ("equals", "not_equals", *ORDERED):
        return f"`{leaf.op}` cannot take a dated value; compare with equals or an ordering"
    if info.type not in ("integer", "number"):
        return f"a dated value is a number; this field is a {info.type}"
    return None


def _value_problem(leaf: Leaf, info: FieldInfo) -> str | None:
    op, value = leaf.op, leaf.value
    if op == "exists":
        return None if isinstance(value, bool) else "`exists` takes true or false"
    if info.type == "object":
        return "this field is a group of fields; only `exists` applies to it"
    if info.type == "array":
        if op not in ARRAY_OPS:
            return f"this field is a list; use contains, not_contains or exists (not {op})"
        return _scalar_problem(value, info.item_type or "string", info.values)
    if op in ("contains", "not_contains"):
        return f"`{op}` applies to lists; this field is a single {info.type}"
    if op in ORDERED and info.type not in ("integer", "number", "date"):
        return f"`{op}` compares numbers or dates; this field is a {info.type}"
    if op in LISTY:
        if not isinstance(value, list) or not value:
            return f"`{op}` takes a non-empty list of values"
        for v in value:
            problem = _scalar_problem(v, info.type, info.values)
            if problem:
                return problem
        return None
    return _scalar_problem(value, info.type, info.values)


def _scalar_problem(value: Any, kind: str, values: tuple[str, ...]) -> str | None:
    # The engine coerces "1" == 1 and true == "true": types must be right before it runs.
    ok = {
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "date": isinstance(value, str) and _is_date(value),
    }.get(kind, True)
    if not ok:
        wanted = {"date": "a date YYYY-MM-DD", "boolean": "true or false"}.get(kind, f"a {kind}")
        return f"the value {value!r} is not {wanted}"
    if values and value not in values:
        return f"{value!r} is not an allowed value{_suggest(str(value), values)}; allowed: " + (
            ", ".join(values)
        )
    return None


def _is_date(text: str) -> bool:
    from .dates import is_iso_date

    return is_iso_date(text)


def normalise(cond: Condition, negate: bool = False) -> Condition:
    """Push `not` down to the leaves (De Morgan), keeping 'not stated is false'."""
    if isinstance(cond, Not):
        return normalise(cond.item, not negate)
    if isinstance(cond, All | AnyOf):
        items = tuple(normalise(c, negate) for c in cond.items)
        flip = isinstance(cond, All) == negate
        return AnyOf(items) if flip else All(items)
    if isinstance(cond, FactRef):
        if negate:
            raise ConditionError(
                f"`not` cannot apply to the derived fact `{cond.name}`: derived facts are only "
                "ever asserted, so define the opposite fact instead",
                cond.pointer,
            )
        return cond
    if not negate:
        return cond
    if cond.op == "exists":
        return Leaf(cond.path, "exists", not cond.value, cond.pointer, cond.note)
    return Leaf(cond.path, OPERATORS[cond.op][0], cond.value, cond.pointer, cond.note)


def walk(cond: Condition):
    """Every leaf and fact reference, in order."""
    if isinstance(cond, All | AnyOf):
        for c in cond.items:
            yield from walk(c)
    elif isinstance(cond, Not):
        yield from walk(cond.item)
    else:
        yield cond


# ---- evaluation in Python (explanations, examples, and a cross-check of the engine)

class NotStated:
    """The value of a field the proposal does not state ("absent means not stated").

    One instance, :data:`MISSING`: compare with ``is``. It reads as ``not stated``
    wherever it is shown, and survives pickling as that same instance (``-j`` workers
    send findings holding it back to the main process).
    """

    _the: NotStated | None = None

    def __new__(cls) -> NotStated:
        if cls._the is None:
            cls._the = super().__new__(cls)
        return cls._the

    def __repr__(self) -> str:
        return "not stated"

    __str__ = __repr__

    def __reduce__(self) -> str:
        return "MISSING"  # pickled by name: unpickling finds this module's MISSING

    def __copy__(self) -> NotStated:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> NotStated:
        return self


MISSING = NotStated()


def value_at(instance: Any, relative: tuple[str, ...]) -> Any:
    cur = instance
    for part in relative:
        if not isinstance(cur, Mapping) or part not in cur:
            return MISSING
        cur = cur[part]
    return cur


def test_leaf(leaf: Leaf, actual: Any) -> bool:
    op, want = leaf.op, leaf.value
    if op == "exists":
        return (actual is not MISSING) == want
    if actual is MISSING or actual is None:
        return False
    if op == "equals":
        return (actual == want and type(actual) is type(want)) or _num_eq(actual, want)
    if op == "not_equals":
        return not ((actual == want and type(actual) is type(want)) or _num_eq(actual, want))
    if op == "in":
        return actual in want
    if op == "not_in":
        return actual not in want
    if op == "contains":
        return isinstance(actual, list) and want in actual
    if op == "not_contains":
        return isinstance(actual, list) and want not in actual
    if isinstance(actual, bool) or isinstance(want, bool):
        return False
    try:
        if op == "greater_than":
            return actual > want
        if op == "at_least":
            return actual >= want
        if op == "less_than":
            return actual < want
        if op == "at_most":
            return actual <= want
    except TypeError:
        return False
    raise AssertionError(op)


def _num_eq(a: Any, b: Any) -> bool:
    return (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


@dataclass(frozen=True)
class LeafResult:
    leaf: Leaf | FactRef
    held: bool
    actual: Any
    display_path: str  # "conflicts_of_interest[0].recused"
    pointer: str  # into the proposal


def show(value: Any) -> str:
    if value is MISSING:
        return "not stated"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(r: LeafResult) -> str:
    """A leaf that held, in plain words: 'staff_transfer.nhs_staff is 240 (more than 0)'."""
    leaf = r.leaf
    if isinstance(leaf, FactRef):
        return f"derived: {leaf.name}"
    p, op, v = r.display_path, leaf.op, leaf.value
    if op == "exists":
        return f"{p} is stated" if v else f"{p} is not stated"
    if op == "equals":
        return f"{p} is {show(r.actual)}"
    if op in ("contains", "not_contains"):
        return f"{p} {OPERATORS[op][1]} {show(v)}"
    rel = _relation(op, v)
    if leaf.note:
        rel += f": {leaf.note}"
    return f"{p} is {show(r.actual)} ({rel})"


def describe_failure(r: LeafResult) -> str:
    """A leaf that did not hold, with the proposal's actual value."""
    leaf = r.leaf
    if isinstance(leaf, FactRef):
        return f"the derived fact `{leaf.name}` was not established"
    op, v = leaf.op, leaf.value
    need = {
        "exists": "to be stated" if v else "not to be stated",
        "equals": show(v),
        "not_equals": f"a stated value other than {show(v)}",
        "not_in": "a stated value other than " + _listed(v),
        "contains": f"a list including {show(v)}",
        "not_contains": f"a stated list without {show(v)}",
    }.get(op) or _relation(op, v)
    if leaf.note:
        need += f" ({leaf.note})"
    return f"{r.display_path} is {show(r.actual)}; the rule needs {need}"


def _listed(values: Any) -> str:
    return ", ".join(show(x) for x in values) if isinstance(values, list) else show(values)


def _relation(op: str, v: Any) -> str:
    """How a value relates to the rule's operand: 'more than 0', 'one of a, b'."""
    if op == "in":
        return "one of " + _listed(v)
    if op == "not_in":
        return "none of " + _listed(v)
    return f"{_RELATIONS[op]} {show(v)}"


_RELATIONS = {
    "not_equals": "not",
    "greater_than": "more than",
    "at_least": "at least",
    "less_than": "less than",
    "at_most": "at most",
}


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f" (did you mean `{close[0]}`?)" if close else ""
