"""The `govcheck` command line: a thin layer over the library API.

Exit status: 0 nothing at or above --fail-on; 1 a finding at or above
--fail-on, or an invalid proposal; 2 the check itself could not run (usage, unreadable
path, broken rule or waivers file), with a one-line reason on stderr, never a traceback.
An interrupt (SIGINT, Ctrl-C) exits 130 and SIGTERM 143, after cleaning up.

Everything written to stderr passes through govcheck.textsafe, since it names files and
quotes what the user typed.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import json
import os
import re
import signal
import stat
import sys
from typing import IO, Any

import click

from . import __version__
from .config import FAIL_ON, MAX_JOBS
from .dates import is_iso_date
from .errors import GovcheckError
from .model import Summary, fails
from .textsafe import clean, guard_line


class Failure(click.ClickException):
    """Exit 2 with a one-line reason."""

    exit_code = 2

    def show(self, file: IO[str] | None = None) -> None:
        say(f"govcheck: {self.message}")


def say(line: str) -> None:
    """One line on stderr, made inert: it may hold file names and typed values."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(guard_line(clean(line)), err=True)


class Stopped(BaseException):
    """SIGTERM arrived: unwind like an interrupt, so temporary files and worker
    processes are cleaned up on the way out."""


def _stop(signum: int, frame: Any) -> None:
    raise Stopped


class FileArgsCommand(click.Command):
    """A command whose arguments name files: a file name is never read as an option.

    An argument before `--` that starts with `-` and is also the name of a file or link
    that exists here is refused (exit 2), whatever it would mean as an option: a file
    named `--waivers=w.yaml` or `-onorthtown.yaml`, matched by a shell glob or passed by
    a hook, must not waive findings or overwrite a proposal. After `--` every argument
    is a file, as usual."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            if arg == "--":
                break
            if arg.startswith("-") and arg != "-" and os.path.lexists(arg):
                raise Failure(
                    f"{arg!r} is the name of a file here, so it is not read as an option; "
                    f"to check it, put file names after `--` (govcheck {self.name} -- FILE...)"
                )
        return super().parse_args(ctx, args)


class Command(click.Group):
    """The command group, with one place that turns every way a run can end into an
    exit status and at most one line per problem on stderr."""

    command_class = FileArgsCommand

    def invoke(self, ctx: click.Context) -> Any:
        try:
            previous = signal.signal(signal.SIGTERM, _stop)
        except ValueError:  # not the main thread (embedded): leave signals alone
            previous = None
        try:
            return super().invoke(ctx)
        except GovcheckError as e:
            for line in e.lines():
                say(line)
            sys.exit(2)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except click.ClickException as e:
            e.message = clean(e.message)  # usage errors quote what was typed
            raise
        except KeyboardInterrupt:
            say("govcheck: interrupted")
            sys.exit(130)
        except Stopped:
            say("govcheck: stopped (SIGTERM)")
            sys.exit(143)
        except BrokenPipeError:
            _quiet_stdout()
            say("govcheck: the reader of standard output closed it before the report ended")
            sys.exit(2)
        except Exception as e:
            what = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
            say(f"govcheck: internal error: {what} (please report it)")
            sys.exit(2)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


def _quiet_stdout() -> None:
    from .output import _silence_stdout

    _silence_stdout()




def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """YYYY-MM-DD only (govcheck.dates): Python also reads week dates (2014-W01-1) and
    basic forms (20140101), which govcheck would then compare as text."""
    if value is not None and not is_iso_date(value):
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD")
    return value


# Every command that loads a rulebook takes it the same way.
rules_option = click.option(
    "--rules", type=click.Path(file_okay=False), help="Use the rulebook in this directory."
)


def _load_rulebook(rules: str | None) -> Any:
    from .rulebook import load_rulebook

    return load_rulebook(rules)  # a RulebookError is a GovcheckError: exit 2, every problem


@click.group(
    cls=Command,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="govcheck")
def main() -> None:
    """Check governance proposals for NHS community health and adult social care
    providers against a sourced rulebook.

    \b
    Examples:
      govcheck check cases/northtown-cic.yaml
      govcheck check proposals/ --format sarif --output govcheck.sarif
      govcheck compare cases/train-coop-nhs-staff.yaml
      govcheck timeline cases/train-coop-nhs-staff.yaml
      govcheck explain cases/northtown-cic.yaml --step
      govcheck rules --format markdown > docs/rules.md
      govcheck serve cases
    """


class FormatSpec(click.ParamType):
    """`FMT` or `FMT:PATH`, with FMT one of the formats govcheck.render offers."""

    name = "format"

    def convert(self, value: Any, param: click.Parameter | None, ctx: Any) -> str:
        from .render import FORMATS

        name, colon, path = str(value).partition(":")
        if name not in FORMATS:
            self.fail(
                f"{value!r}: {name!r} is not a format; choose from {', '.join(FORMATS)}", param, ctx
            )
        if colon and not path:
            self.fail(f"{value!r} names no file after the colon; write {name}:PATH", param, ctx)
        return str(value)


def _format_help() -> str:
    from .render import FORMATS

    listed = "; ".join(f"{f.name} ({f.purpose})" for f in FORMATS.values())
    return (
        "Report format, or FMT:PATH to write that format to PATH. Repeat it to write "
        f"several reports in one run. Formats: {listed}. "
        "Default: github when GITHUB_ACTIONS=true, text otherwise."
    )


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "formats",
    type=FormatSpec(),
    multiple=True,
    metavar="FMT[:PATH]",
    help=_format_help(),
)
@click.option(
    "--as-at",
    callback=_date,
    metavar="YYYY-MM-DD",
    help="Judge every proposal by the law of this date (overrides its as_at).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    help="Exit 1 when a finding at or above this severity is not waived.  [default: error]",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the report of the format without a PATH to this file, not standard output.",
)
@rules_option
@click.option(
    "--waivers",
    type=click.Path(dir_okay=False),
    help="A shared waivers file (YAML list) applied to every proposal it names.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, MAX_JOBS),
    help="Check in this many worker processes (output is identical).  [default: 1]",
)
@click.option(
    "--color",
    "--colour",
    "color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour severities in text and compact reports: auto colours a terminal only "
    "(NO_COLOR turns it off, FORCE_COLOR on).",
)
@click.option(
    "--junit-fired-only/--junit-all-rules",
    default=None,
    help="In JUnit reports, a test case for each rule that fired only, not for every rule "
    "in force (a far smaller file for a large batch).  [default: all rules]",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Read settings from this file (YAML, or a pyproject.toml with [tool.govcheck]) "
    "instead of the one found from the working directory upwards.",
)
@click.option("--no-config", is_flag=True, help="Read no config file: command-line options only.")
@click.option(
    "--ignore-proposal-waivers/--count-proposal-waivers",
    default=None,
    help="Waivers written in proposals cover nothing (each is reported as unused): only "
    "the shared --waivers file counts, for CI where that file is approved elsewhere.  "
    "[default: count them]",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write a report file even over an existing file that looks like a proposal.",
)
def check(
    paths: tuple[str, ...],
    formats: tuple[str, ...],
    as_at: str | None,
    fail_on: str | None,
    output: str | None,
    rules: str | None,
    waivers: str | None,
    jobs: int | None,
    color: str,
    junit_fired_only: bool | None,
    config_file: str | None,
    no_config: bool,
    ignore_proposal_waivers: bool | None,
    force: bool,
) -> None:
    """Check proposals (files, directories of *.yaml/*.yml/*.json, or - for stdin).

    Settings may also come from .govcheck.yaml, or [tool.govcheck] in pyproject.toml,
    in this directory or the nearest parent; options given here win.

    \b
    Examples:
      govcheck check cases/northtown-cic.yaml
      govcheck check proposals/ --format json --fail-on warning
      govcheck check a.yaml b.json - --as-at 2024-06-01 < c.yaml
      govcheck check proposals/ --format text --format sarif:govcheck.sarif
      govcheck check proposals/ -j 2 --format junit:govcheck.xml --junit-fired-only
    """
    from .checker import Checker, run_date
    from .output import Destination
    from .parallel import check_all
    from .render import FORMATS, renderer, renderer_class
    from .render.text import summary_line
    from .waivers import IdClaims

    if config_file and no_config:
        raise Failure("--config and --no-config cannot be given together")
    config = _config(config_file, no_config)
    as_at = as_at or config.as_at
    fail_on = fail_on or config.fail_on or "error"
    rules = rules or config.rules
    waivers = waivers or config.waivers
    jobs = jobs or config.jobs or 1
    if junit_fired_only is None:
        junit_fired_only = bool(config.junit_fired_only)
    targets = _targets(formats or config.formats, output)
    if ignore_proposal_waivers is None:
        ignore_proposal_waivers = bool(config.ignore_proposal_waivers)

    settings = {
        "rules": rules,
        "as_at": as_at,
        "waivers": waivers,
        "today": run_date(),  # one date for every worker, even across midnight
        "ignore_proposal_waivers": ignore_proposal_waivers,
    }
    checker = Checker.from_settings(**settings)
    claims = IdClaims(checker.shared_waivers)
    files = _expand(paths)
    for _, path in targets:
        if path is not None:
            _may_overwrite(path, files, force)
    # The rulebook lives until the process ends; frozen, the garbage collector stops
    # re-scanning its many small objects while each file's short-lived ones come and go
    # (about a tenth of a long run's time).
    gc.freeze()
    outs: list[Destination] = []
    summary = Summary()
    failed = False
    troubles = 0
    try:
        renders = []
        for fmt, path in targets:
            try:
                out = Destination(path, terminal=renderer_class(fmt).terminal)
            except OSError as e:
                raise Failure(f"cannot write {path}: {e.strerror or e}") from None
            outs.append(out)
            renders.append(
                renderer(
                    fmt,
                    out.stream,
                    rulebook=checker.rulebook,
                    color=FORMATS[fmt].colour and _colour(color, out),
                    fired_only=junit_fired_only,
                    fail_on=fail_on,
                    today=datetime.date.fromisoformat(checker.today),
                )
            )
        tool, book = checker.header
        for render in renders:
            render.start(tool, book)
        for outcome in check_all(checker, files, jobs, settings):
            if outcome.trouble:
                troubles += 1
                say(f"govcheck: {outcome.trouble}")
            result = claims.check(outcome.result)
            for render in renders:
                render.result(result)
            summary.add(result)
            failed = failed or fails(result, fail_on)
        for render in renders:
            render.finish(summary)
        # Every report is complete before any replaces its previous version.
        for out in outs:
            out.commit()
    except BrokenPipeError:
        _discard(outs)
        raise
    except OSError as e:
        _discard(outs)
        where = ", ".join(o.shown for o in outs) or "standard output"
        raise Failure(f"cannot write the report to {where}: {e.strerror or e}") from None
    except BaseException:
        _discard(outs)
        raise
    # The one-line summary goes to stderr, unless standard output carries a report made
    # for a program (JSON, SARIF...), where a merged stream would spoil it.
    on_stdout = [fmt for fmt, path in targets if path is None]
    if not on_stdout or on_stdout[0] in ("text", "compact"):
        say(summary_line(summary))
    sys.exit(2 if troubles else 1 if failed else 0)


def _may_overwrite(target: str, files: list[str], force: bool) -> None:
    """Refuse to write a report over a proposal: always over one of this run's inputs,
    and over any other file that looks like a proposal unless --force is given. A report
    file left by the last run (JSON, SARIF...) is replaced as usual."""
    try:
        st = os.stat(target)
    except OSError:
        return  # nothing there yet (or nothing a report could replace)
    if not stat.S_ISREG(st.st_mode):
        return
    for f in files:
        if f == "-":
            continue
        try:
            other = os.stat(f)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            raise Failure(f"{target} is one of the proposals being checked; write the report "
                          "to another file")
    if not force and _looks_like_a_proposal(target):
        raise Failure(f"{target} looks like a proposal (it starts `govcheck: 1`); write the "
                      "report to another file, or give --force to replace it")


_PROPOSAL_START = re.compile(rb'(?m)^(?:govcheck[ \t]*:|[ \t]*\{?[ \t]*"govcheck"[ \t]*:)')


def _looks_like_a_proposal(path: str) -> bool:
    """True when the file has a top-level `govcheck:` key (YAML) or `"govcheck":` at the
    start of a line (JSON): a report names govcheck only as a value."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    return bool(_PROPOSAL_START.search(head))


def _discard(outs: list[Any]) -> None:
    for out in outs:
        out.discard()


def _config(config_file: str | None, no_config: bool) -> Any:
    from .config import Config, find_config, load_config

    if no_config:
        return Config()
    found = config_file or find_config()
    if not found:
        return Config()
    if config_file and not os.path.exists(config_file):
        raise Failure(f"no such config file: {config_file}")
    return load_config(found)  # a ConfigError is a GovcheckError: exit 2, every problem


def _targets(formats: tuple[str, ...], output: str | None) -> list[tuple[str, str | None]]:
    """(format, file or None for standard output) for each report this run writes."""
    if not formats:
        # As yamllint's `auto`: inside GitHub Actions, annotations on the changed lines.
        formats = ("github",) if os.environ.get("GITHUB_ACTIONS") == "true" else ("text",)
    targets: list[tuple[str, str | None]] = []
    for spec in formats:
        name, _, path = spec.partition(":")
        targets.append((name, path or None))
    bare = [name for name, path in targets if path is None]
    if len(bare) > 1:
        raise Failure(
            f"only one format can go to {'--output' if output else 'standard output'} "
            f"(got {', '.join(bare)}); write the others as FMT:PATH"
        )
    if output:
        if not bare:
            raise Failure(
                "--output names where the format without a PATH goes, but every "
                "--format here has its own PATH"
            )
        targets = [(name, path or output) for name, path in targets]
    seen: dict[str, str] = {}
    for name, path in targets:
        if path is None:
            continue
        key = os.path.normcase(os.path.abspath(path))
        if key in seen:
            raise Failure(f"{path} is named for two reports ({seen[key]} and {name})")
        seen[key] = name
    return targets


def _colour(choice: str, out: Any) -> bool:
    """Colour this report? --color wins; then NO_COLOR, then FORCE_COLOR (as Python's
    own colouring reads them); otherwise only on a terminal. A report file is coloured
    only with --color always."""
    if choice != "auto":
        return choice == "always"
    if out.target is not None:
        return False
    stream = out.stream
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _expand(paths: tuple[str, ...]) -> list[str]:
    from .checker import expand_paths

    try:
        files = expand_paths(paths)
    except FileNotFoundError as e:
        name = str(e.args[0])
        hint = ""
        if name.startswith("-"):
            hint = (
                " (every argument after `--` is a file; the pre-commit hook passes its args "
                "there, so give its options in .govcheck.yaml)"
            )
        raise Failure(f"no such file or directory: {name}{hint}") from None
    except OSError as e:
        raise Failure(f"cannot read {e.filename}: {e.strerror}") from None
    if not files:
        raise Failure("no proposal files (*.yaml, *.yml, *.json) found in " + ", ".join(paths))
    return files


@main.command()
@click.argument("paths", nargs=-1, required=True)
@rules_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def validate(paths: tuple[str, ...], rules: str | None, fmt: str) -> None:
    """Run the schema step alone: is each file a valid proposal?

    Checks the schema, dates, and cross-references (a waiver's rule must exist in the
    rulebook). Exit 0 when all are valid, 1 when any is not, 2 when a file cannot be
    read (the others are still validated).

    \b
    Example:
      govcheck validate cases/northtown-cic.yaml
    """
    from .checker import Checker
    from .parallel import check_all

    settings: dict[str, Any] = {"rules": rules, "validate_only": True}
    checker = Checker.from_settings(**settings)
    files = _expand(paths)
    bad = troubles = 0
    results = []
    for outcome in check_all(checker, files, 1, settings):
        if outcome.trouble:
            troubles += 1
            say(f"govcheck: {outcome.trouble}")
        results.append(outcome.result)
        bad += not outcome.result.valid
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        for r in results:
            if r.valid:
                click.echo(guard_line(f"{clean(r.file)}: valid proposal"))
            for f in r.findings:
                where = f"{clean(r.file)}:{f.location.line}:{f.location.column}"
                click.echo(guard_line(f"{where}: {clean(f.message)}"))
    sys.exit(2 if troubles else 1 if bad else 0)


@main.command()
@click.option("--docs", is_flag=True, help="Print the fields as a readable table instead.")
@click.option(
    "--write",
    "write_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Copy the schema into DIR (made if missing) as proposal.schema.json, for editors "
    "and for `govcheck init` to link new proposals to.",
)
def schema(docs: bool, write_dir: str | None) -> None:
    """Print the proposal JSON Schema (or, with --docs, a table of its fields).

    \b
    Examples:
      govcheck schema > proposal.schema.json
      govcheck schema --write schemas
      govcheck schema --docs
    """
    from pathlib import Path

    from .resources import data_dir
    from .starter import SCHEMA_NAME

    if docs:
        from .docs import schema_table

        click.echo(schema_table())
        return
    text = (data_dir("schemas") / SCHEMA_NAME).read_text(encoding="utf-8")
    if not write_dir:
        click.echo(text, nl=False)
        return
    from .output import Destination

    target = Path(write_dir) / SCHEMA_NAME
    try:
        Path(write_dir).mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            say(f"govcheck: {target} is already this version's proposal schema")
            return
        out = Destination(str(target), terminal=False)
        try:
            out.stream.write(text)
            out.commit()
        except BaseException:
            out.discard()
            raise
    except OSError as e:
        raise Failure(f"cannot write {target}: {e.strerror or e}") from None
    from .starter import find_schema_copy

    found = find_schema_copy(Path.cwd())
    if found is not None and found.resolve() == target.resolve():
        how = "`govcheck init` in this folder or below links new proposals to it"
    else:
        how = f"`govcheck init PATH --schema {target}` links a new proposal to it"
    say(f"govcheck: wrote {target}; {how}")


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@rules_option
@click.option(
    "--as-at",
    callback=_date,
    metavar="YYYY-MM-DD",
    help="List only the rules in force on this date.",
)
def rules(fmt: str, rules: str | None, as_at: str | None) -> None:
    """List the rulebook: ids, severities, validity dates and sources.

    \b
    Examples:
      govcheck rules
      govcheck rules --as-at 2024-06-01
      govcheck rules --format markdown > docs/rules.md
    """
    rulebook = _load_rulebook(rules)
    chosen = [r for r in rulebook.rules.values() if as_at is None or r.in_force(as_at)]
    if fmt == "json":
        click.echo(json.dumps([r.listing() for r in chosen], indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        from .docs import rule_reference

        click.echo(rule_reference(rulebook, chosen), nl=False)
    else:
        for r in chosen:
            period = f"{r.valid_from or '…'} to {r.valid_to or '…'}"
            click.echo(f"{r.id:<9} {r.severity:<7} {r.topic:<21} {period:<24} {r.title}")
        click.echo(f"{len(chosen)} rules", err=True)


@main.command("test")
@click.argument("paths", nargs=-1)
@rules_option
@click.option("--no-examples", is_flag=True, help="Run the cases only, not the rules' examples.")
def test_command(paths: tuple[str, ...], rules: str | None, no_examples: bool) -> None:
    """Run worked cases (x-expect) and every rule's examples; show expected vs actual.

    With no PATH, runs the bundled cases. Exit 0 when all pass, 1 otherwise.

    \b
    Examples:
      govcheck test
      govcheck test cases/northtown-cic.yaml --no-examples
    """
    from .casebook import run_case, run_examples
    from .checker import Checker, expand_paths
    from .resources import data_dir

    rulebook = _load_rulebook(rules)
    checker = Checker(rulebook)
    try:
        files = expand_paths(paths or [str(data_dir("cases"))])
    except FileNotFoundError as e:
        raise Failure(f"no such file or directory: {e.args[0]}") from None
    outcomes = [run_case(checker, f) for f in files if f != "-"]
    if not no_examples:
        for rule in rulebook.rules.values():
            outcomes.extend(run_examples(checker, rule))
    for o in outcomes:
        if not o.passed:
            click.echo(o.report())
    passed = sum(o.passed for o in outcomes)
    failed = len(outcomes) - passed
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--rule", "rule_id", metavar="ID", help="Explain this rule only, fired or not.")
@click.option(
    "--step",
    is_flag=True,
    help="For a training room: on a terminal, one screen at a time (the question, then on a "
    "key its answer; Space next, b back, q quit); without one, questions and answers in turn.",
)
@click.option(
    "--as-at", callback=_date, metavar="YYYY-MM-DD", help="Judge by the law of this date."
)
@rules_option
def explain(
    path: str, rule_id: str | None, step: bool, as_at: str | None, rules: str | None
) -> None:
    """Show why each finding fired (fields, derived facts, sources), or why a rule did not.

    \b
    Examples:
      govcheck explain cases/train-coop-nhs-staff.yaml --step
      govcheck explain cases/train-coop-nhs-staff.yaml --rule PEN-002
    """
    import shutil

    from .explain import WIDTH
    from .explain import explain as run_explain

    rulebook = _load_rulebook(rules)
    out = run_explain(path, rulebook, rule=rule_id, as_at=as_at, room=step)  # ExplainError: 2
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if step and terminal:
        from .trainer import run as run_room

        run_room(out)
        return
    width = shutil.get_terminal_size((WIDTH, 24)).columns if sys.stdout.isatty() else WIDTH
    click.echo(out.text(width), nl=False)


SCENARIO_FORMATS = ["text", "json", "markdown", "html"]


def _scenario_source(path: str) -> Any:
    """A proposal for compare or timeline: a file, or - for standard input."""
    if path != "-":
        return path
    from .loader import LoadError, load_bytes, read_stream

    try:
        return load_bytes(read_stream(sys.stdin.buffer), "<stdin>")
    except LoadError as e:
        raise Failure(f"<stdin>:{e.line}:{e.column}: {e.message}") from None


def _write(text: str, output: str | None, fmt: str) -> None:
    """Write a whole report to standard output or, complete or not at all, to a file."""
    from .output import Destination

    try:
        out = Destination(output, terminal=fmt == "text")
    except OSError as e:
        raise Failure(f"cannot write {output}: {e.strerror or e}") from None
    try:
        out.stream.write(text)
        out.commit()
    except BrokenPipeError:
        out.discard()
        raise
    except OSError as e:
        out.discard()
        raise Failure(f"cannot write the report to {out.shown}: {e.strerror or e}") from None


@main.command()
@click.argument("path")
@click.option(
    "--vary",
    "vary",
    multiple=True,
    metavar="FIELD=V1,V2,...",
    help="Set FIELD to each value in turn (repeatable: every combination is an option). "
    "Default: provider.legal_form over every value the schema allows. ~ means not stated; "
    "a list field takes items joined by +.",
)
@click.option(
    "--as-at", callback=_date, metavar="YYYY-MM-DD", help="Judge every option by this date."
)
@click.option(
    "--format", "fmt", type=click.Choice(SCENARIO_FORMATS), default="text", show_default=True
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of standard output.")
@rules_option
def compare(
    path: str, vary: tuple[str, ...], as_at: str | None, fmt: str, output: str | None,
    rules: str | None,
) -> None:
    """Options appraisal: re-check one proposal with a field set to each value in turn.

    For each option: its errors and warnings under this proposal, the properties the
    seeds' appraisals weigh (separate legal entity, limited liability, charity, asset
    lock, NHS pensions, registration and regulation, equity, ownership), the rules that
    tell the options apart, and what else each option would have to change.

    \b
    Examples:
      govcheck compare cases/train-coop-nhs-staff.yaml
      govcheck compare p.yaml --vary provider.legal_form=none,community_interest_company
      govcheck compare p.yaml --vary contract.route=competitive_tender,direct_award
      govcheck compare p.yaml --vary as_at=2009-06-01,2014-06-01 --format html -o options.html
    """
    from .appraisal import VaryError, compare_document, parse_vary
    from .checker import Checker
    from .render.appraisal import render
    from .scenarios import load_one

    rulebook = _load_rulebook(rules)
    try:
        variations = [parse_vary(v, rulebook.catalogue) for v in vary]
        comparison = compare_document(
            Checker(rulebook, as_at=as_at), load_one(_scenario_source(path)), variations
        )
    except VaryError as e:
        raise click.BadParameter(e.message, param_hint="--vary") from None
    _write(render(comparison, fmt), output, fmt)


@main.command()
@click.argument("path")
@click.option("--from", "start", callback=_date, metavar="YYYY-MM-DD",
              help="First day to judge by (default: the earliest date in the rulebook).")
@click.option("--to", "end", callback=_date, metavar="YYYY-MM-DD",
              help="Last day to judge by (default: today).")
@click.option(
    "--format", "fmt", type=click.Choice(SCENARIO_FORMATS), default="text", show_default=True
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of standard output.")
@rules_option
@click.option(
    "--waivers",
    type=click.Path(dir_okay=False),
    help="A shared waivers file (YAML list) applied to the proposal if it names it.",
)
def timeline(
    path: str, start: str | None, end: str | None, fmt: str, output: str | None,
    rules: str | None, waivers: str | None,
) -> None:
    """Law over time: the same proposal checked as at each period between changes of law.

    Time is split wherever a rule or derived fact that could apply to this proposal
    starts or stops being in force; periods with the same findings are merged. Each
    change shows what appears and disappears, and the law that changed. The proposal's
    own event dates (a procurement's start, a declaration) stay as stated.

    \b
    Examples:
      govcheck timeline cases/train-coop-nhs-staff.yaml
      govcheck timeline p.yaml --from 2009-01-01 --to 2025-12-31 --format markdown
    """
    from .checker import Checker
    from .periods import timeline_document
    from .render.periods import render
    from .scenarios import load_one

    if start and end and start > end:
        raise click.BadParameter(f"--from {start} is after --to {end}", param_hint="--from")
    checker = Checker.from_settings(rules=rules, waivers=waivers)
    result = timeline_document(checker, load_one(_scenario_source(path)), start, end)
    _write(render(result, fmt), output, fmt)


@main.command()
@click.argument("path", default="proposal.yaml", required=False)
@click.option(
    "--schema",
    metavar="URL|PATH",
    help="What the editor modeline links to: a URL (written as given), or a schema file "
    "or a folder holding one (written relative to the new file). Default: the "
    "repository's copy made by `govcheck schema --write`, found from the new file's "
    "folder upwards.",
)
def init(path: str, schema: str | None) -> None:
    """Write a commented starter proposal to PATH (default proposal.yaml).

    Every required field is filled with a placeholder, as_at is today, and the main
    optional sections are there as comments. An existing file is never overwritten.
    Its first line links editors (the YAML language server) to the proposal schema.

    \b
    Examples:
      govcheck schema --write schemas
      govcheck init proposals/northtown-cic.yaml
      govcheck init proposal.yaml --schema https://example.org/proposal.schema.json
    """
    from pathlib import Path

    from .starter import stale_copy, write_starter

    ref = write_starter(Path(path), schema=schema)  # an InitError is a GovcheckError: exit 2
    if ref is None:
        say(
            f"govcheck: wrote {path}, with no editor link: no copy of the proposal schema "
            "was found in this repository; `govcheck schema --write schemas` makes one, and "
            "`govcheck init` then links new proposals to it"
        )
    else:
        say(f"govcheck: wrote {path} (schema: {ref})")
        if stale_copy(ref, Path(path)):
            say(
                f"govcheck: {ref} differs from this govcheck's proposal schema; refresh it "
                "with `govcheck schema --write DIR`"
            )
    say(f"govcheck: check it with: govcheck check {path}")


@main.command()
@click.argument("folder", default=".", required=False)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep 127.0.0.1: another address lets other "
              "computers reach the workbench.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--no-open", is_flag=True, help="Do not open a browser (for scripts).")
def serve(folder: str, host: str, port: int, no_open: bool) -> None:
    """The workbench: check, fix and save proposals in a browser, offline.

    Lists the proposals under FOLDER (default: this folder) in a page on this computer,
    edits them as a form with each finding beside its field, saves them back with
    comments kept, and downloads the board report. Stop it with Ctrl-C.

    \b
    Examples:
      govcheck serve cases
      govcheck serve proposals --port 8800 --no-open
    """
    from .workbench import serve as run_server

    # A ServeError (the port is taken, the folder is missing) is a GovcheckError: exit 2.
    run_server(folder, host=host, port=port, open_browser=not no_open,
               say=lambda line: click.echo(guard_line(clean(line)), err=True))


def run(argv: list[str] | None = None) -> tuple[int, str, str]:
    """Run the CLI in-process (for tests and embedding): (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    result = CliRunner().invoke(main, argv or [], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


if __name__ == "__main__":  # python -m govcheck.cli
    main()
