"""Settings for `govcheck check` kept in the repository, so every run in it agrees.

A team writes its threshold, shared waivers file and report files once, in
`.govcheck.yaml` or in the `[tool.govcheck]` table of `pyproject.toml`, as ruff and
yamllint users do. The file is found from the working directory upwards: the first
directory holding either one wins (`.govcheck.yaml` before `pyproject.toml`, and a
`pyproject.toml` counts only when it has a `[tool.govcheck]` table), and the search stops
at the top of the repository (a directory holding `.git`).

Keys are the long options of `govcheck check` with `_` for `-`. Paths in the file
(`waivers`, `rules`, and the PATH of a `format` written `FMT:PATH`) are relative to the
file's own directory, so the same file works from any directory below it. Options given
on the command line win over the file.

A broken file stops the run: every problem in it is reported at once with its line, in
the one error model govcheck uses for the files it relies on (govcheck.errors).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .dates import is_iso_date
from .errors import GovcheckError, Problem

CONFIG_NAME = ".govcheck.yaml"
PYPROJECT = "pyproject.toml"
FAIL_ON = ("error", "warning", "info", "never")
MAX_JOBS = 64


class ConfigError(GovcheckError):
    """A config file that cannot be used; every problem with its file and line."""

    kind = "broken config file"


@dataclass
class Config:
    """What a config file sets; None (or empty) where it says nothing."""

    file: str | None = None
    fail_on: str | None = None
    waivers: str | None = None
    rules: str | None = None
    as_at: str | None = None
    formats: tuple[str, ...] = ()
    jobs: int | None = None
    ignore_proposal_waivers: bool | None = None
    junit_fired_only: bool | None = None
    keys: dict[str, int] = field(default_factory=dict)  # setting -> line, for messages


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The config file that applies in `start` (default: the working directory)."""
    here = Path(start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        own = directory / CONFIG_NAME
        if own.is_file():
            return own
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_govcheck_table(pyproject):
            return pyproject
        if (directory / ".git").exists():
            return None
    return None


def _has_govcheck_table(path: Path) -> bool:
    """Does this pyproject.toml configure govcheck? One without the table is not ours,
    and a broken one that is not ours must not stop govcheck; a broken one that names
    `tool.govcheck` is ours, and its problem is reported."""
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "govcheck" not in text:
        return False
    try:
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError:
        return re.search(r"tool\s*\.\s*govcheck", text) is not None
    return isinstance(tool, dict) and "govcheck" in tool


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read one config file (`.govcheck.yaml`, any YAML file, or a pyproject.toml)."""
    path = Path(path)
    display = _shown(path)
    from .loader import LoadError, read_file

    try:
        raw = read_file(path)
    except OSError as e:
        raise ConfigError(f"cannot read: {e.strerror}", display) from None
    except LoadError as e:
        raise ConfigError(e.message, display, e.line, e.column) from None
    if path.name == PYPROJECT or path.suffix == ".toml":
        settings, lines = _read_toml(raw, display)
    else:
        settings, lines = _read_yaml(raw, display)
    return _settings(settings, lines, display, _base(path))


def _shown(path: Path) -> str:
    """The config file's name as a message shows it: relative to the working directory
    when it is found there or above or below it, else as given."""
    base = _base(path)
    return os.path.join(base, path.name) if not os.path.isabs(base) else str(path)


def _base(path: Path) -> str:
    """The directory that relative paths in the file start from, as short as it can be
    written from the working directory ("", "..", "../.." or an absolute path)."""
    directory = path.resolve().parent
    here = Path.cwd().resolve()
    if directory == here:
        return ""
    if directory in here.parents:
        return os.path.relpath(directory, here)
    try:
        return str(directory.relative_to(here))
    except ValueError:
        return str(directory)


# -- reading ----------------------------------------------------------------------------


def _read_yaml(raw: bytes, display: str) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    import yaml

    from .loader import LoadError, load_bytes

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            node = "unparsed"  # the loader below says what is wrong, and where
        if node is None:
            return {}, {}  # an empty file (or only comments) sets nothing
        if isinstance(node, yaml.Node) and not isinstance(node, yaml.MappingNode):
            what = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            raise ConfigError(
                f"the top level is {what}; a config file is a mapping of settings, "
                "such as `fail_on: warning`",
                display,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
    try:
        doc = load_bytes(raw, display, fmt="yaml")
    except LoadError as e:
        raise ConfigError(e.message, display, e.line, e.column) from None
    lines = {k: (p.line, p.column) for k, p in doc.positions.items()}
    return doc.data, lines


def _read_toml(raw: bytes, display: str) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    import tomllib

    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as e:
        raise ConfigError(f"not UTF-8 text (byte {e.start})", display) from None
    except tomllib.TOMLDecodeError as e:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        message = re.sub(r"\s*\(at [^)]*\)$", "", str(e))
        if where:
            line, column = int(where[1]), int(where[2])
        else:  # "(at end of document)"
            line, column = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
        raise ConfigError(f"TOML syntax error: {message}", display, line, column) from None
    table = data.get("tool", {}).get("govcheck", {}) if isinstance(data.get("tool"), dict) else {}
    lines = _toml_lines(text)
    if not isinstance(table, dict):
        line = lines.get("", (1, 1))
        raise ConfigError("`tool.govcheck` must be a table of settings", display, *line)
    return table, lines


def _toml_lines(text: str) -> dict[str, tuple[int, int]]:
    """Where each key of `[tool.govcheck]` is written (tomllib keeps no positions).

    Good enough for messages: the table header, and `key =` lines inside it.
    """
    lines: dict[str, tuple[int, int]] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[+\s*([^\]]+?)\s*\]", line)
        if header:
            inside = re.sub(r"\s+", "", header[1]) == "tool.govcheck"
            if inside:
                lines[""] = (number, 1)
            continue
        key = re.match(r"(\s*)([A-Za-z0-9_-]+)\s*=", line)
        if inside and key:
            lines.setdefault(f"/{key[2]}", (number, len(key[1]) + 1))
    return lines


# -- checking ---------------------------------------------------------------------------


def _outside(target: str) -> bool:
    """Does a report path leave the settings file's directory (absolute, `~`, or `..`
    above it)? A repository cloned for review, or a pull request, brings its own
    settings file: it must not be able to make a run overwrite the reviewer's files."""
    if os.path.isabs(target) or target.startswith("~") or re.match(r"^[A-Za-z]:", target):
        return True
    parts = os.path.normpath(target.replace("\\", "/")).split(os.sep)
    return parts[0] == ".."


def _settings(
    data: dict[str, Any], lines: dict[str, tuple[int, int]], display: str, base: str
) -> Config:
    config = Config(file=display)
    problems: list[Problem] = []

    def at(key: str, index: int | None = None) -> tuple[int, int]:
        pointer = f"/{key}" + (f"/{index}" if index is not None else "")
        return lines.get(pointer) or lines.get(f"/{key}") or lines.get("", (1, 1))

    def problem(key: str, message: str, index: int | None = None) -> None:
        problems.append(Problem(display, *at(key, index), message))

    def relative(value: str) -> str:
        return value if os.path.isabs(value) or not base else os.path.join(base, value)

    checks: dict[str, Callable[[str, Any], None]] = {}

    def check(name: str) -> Callable[[Callable[[str, Any], None]], Callable[[str, Any], None]]:
        def register(fn: Callable[[str, Any], None]) -> Callable[[str, Any], None]:
            checks[name] = fn
            return fn

        return register

    @check("fail_on")
    def _fail_on(key: str, value: Any) -> None:
        if value not in FAIL_ON:
            problem(key, f"`{key}` is {value!r}; write one of {', '.join(FAIL_ON)}")
        else:
            config.fail_on = value

    def path_setting(key: str, value: Any, what: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            problem(key, f"`{key}` is {value!r}; write the path of {what}, relative to this file")
            return None
        return relative(value)

    @check("waivers")
    def _waivers(key: str, value: Any) -> None:
        config.waivers = path_setting(key, value, "the shared waivers file")

    @check("rules")
    def _rules(key: str, value: Any) -> None:
        config.rules = path_setting(key, value, "a rulebook directory")

    @check("as_at")
    def _as_at(key: str, value: Any) -> None:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            value = value.isoformat()  # TOML writes dates bare
        if is_iso_date(value):
            config.as_at = value
            return
        problem(key, f"`{key}` is {value!r}, which is not a date; write YYYY-MM-DD")

    @check("format")
    def _format(key: str, value: Any) -> None:
        from .render import FORMATS

        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            problem(
                key,
                f"`{key}` is {value!r}; write a format, or a list such as "
                '[text, "sarif:govcheck.sarif"]',
            )
            return
        chosen = []
        bare = 0
        for i, item in enumerate(items):
            index = None if isinstance(value, str) else i
            name, _, target = item.partition(":") if isinstance(item, str) else ("", "", "")
            if name not in FORMATS:
                problem(
                    key,
                    f"format {item!r} is not one govcheck writes; write FMT or FMT:PATH "
                    f"with FMT one of {', '.join(FORMATS)}",
                    index,
                )
                continue
            if target and _outside(target):
                problem(
                    key,
                    f"format {item!r} writes outside this file's directory; a settings file "
                    "in a repository may write reports only below it (give any other path "
                    "on the command line: --format FMT:PATH)",
                    index,
                )
            elif target:
                chosen.append(f"{name}:{relative(target)}")
            else:
                bare += 1
                chosen.append(name)
                if bare > 1:
                    problem(
                        key,
                        f"format {item!r} has no path, and another format already goes to "
                        "standard output; write it as FMT:PATH",
                        index,
                    )
        config.formats = tuple(chosen)

    @check("jobs")
    def _jobs(key: str, value: Any) -> None:
        if type(value) is not int or not 1 <= value <= MAX_JOBS:
            problem(key, f"`{key}` is {value!r}; write a whole number from 1 to {MAX_JOBS}")
        else:
            config.jobs = value

    def flag(key: str, value: Any) -> bool | None:
        if type(value) is not bool:
            problem(key, f"`{key}` is {value!r}; write true or false")
            return None
        return value

    @check("ignore_proposal_waivers")
    def _ignore(key: str, value: Any) -> None:
        config.ignore_proposal_waivers = flag(key, value)

    @check("junit_fired_only")
    def _fired(key: str, value: Any) -> None:
        config.junit_fired_only = flag(key, value)

    for key, value in data.items():
        config.keys[key] = at(key)[0]
        if key in checks:
            checks[key](key, value)
        else:
            hint = f" (settings use `_`: `{key.replace('-', '_')}`)" if "-" in key else ""
            problem(key, f"unknown setting `{key}`{hint}; the settings are {', '.join(checks)}")
    if problems:
        raise ConfigError(problems)
    return config
