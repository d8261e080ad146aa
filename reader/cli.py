"""`paper-reader` command line: argparse, dispatch, exit codes. Textual is imported only for the TUI.

Exit codes: 0 ok, 1 error (one line on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from reader import __version__

PROG = "paper-reader"
_SORTS = ("relevance", "title", "date", "upvotes")


def _add_dumps(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--dumps",
        action="append",
        metavar="PATH",
        default=default,
        help="a dump file or folder (repeatable); default: $PAPER_READER_DUMPS, "
        "<data dir>/dumps, else the bundled samples",
    )


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only` naming a command, the parsers that command needs
    (what it accepts, its help and its errors are the same)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A keyboard-driven terminal reader for Hugging Face Papers dumps. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_dumps(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _add_dumps(p, argparse.SUPPRESS)
        return p

    p = command("index", "sync the index with the dumps and report each file")
    p.add_argument("--rebuild", action="store_true", help="rebuild the index from scratch")
    p.add_argument("--json", action="store_true", help="print a JSON report")

    p = command("list", "every paper in the index, in dump order")
    p.add_argument("--limit", type=positive_int, help="only the first N papers")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("search", "search the index (Whoosh query syntax)")
    p.add_argument("query", help="e.g. 'title:diffusion AND NOT \"language model\"'")
    p.add_argument("--limit", type=positive_int, default=20, help="how many results (default 20)")
    p.add_argument("--source", action="append", metavar="NAME", help="only papers from this dump")
    p.add_argument("--sort", choices=list(_SORTS), default="relevance")
    p.add_argument(
        "--since", metavar="DATE", help="published (or page date) on or after YYYY[-MM[-DD]]"
    )
    p.add_argument(
        "--until", metavar="DATE", help="published (or page date) on or before YYYY[-MM[-DD]]"
    )
    p.add_argument("--min-upvotes", type=int, metavar="N", help="at least N upvotes")
    p.add_argument("--category", metavar="CAT", help="arXiv category, e.g. cs.CL")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("similar", "papers similar to one paper")
    p.add_argument("id", help="a paper id or an arXiv id")
    p.add_argument("--limit", type=positive_int, default=10, help="how many results (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("paths", "where paper-reader keeps its data and which dumps it uses")
    p.add_argument("--json", action="store_true", help="print JSON")

    known = any(only in names for names, _ in _GROUPS)
    for names, add in _GROUPS:
        if only is None or (only not in _BUILT_IN and (only in names or not known)):
            add(sub)
    return parser


#: The commands defined above: a one-off `search` or `list` builds only these parsers.
_BUILT_IN = frozenset({"index", "list", "search", "similar", "paths"})


def _add_fetch(sub: argparse._SubParsersAction) -> None:
    from reader.fetch.cli import add_fetch_command

    _add_dumps(add_fetch_command(sub), argparse.SUPPRESS)


def _add_config(sub: argparse._SubParsersAction) -> None:
    from reader.config_cli import add_config_command

    _add_dumps(add_config_command(sub), argparse.SUPPRESS)


def _add_bookmarks(sub: argparse._SubParsersAction) -> None:
    from reader.bookmarks.cli import add_bookmark_commands

    before = set(sub.choices)
    add_bookmark_commands(sub)
    for name in set(sub.choices) - before:
        _add_dumps(sub.choices[name], argparse.SUPPRESS)


def _add_triage(sub: argparse._SubParsersAction) -> None:
    from reader.triage_cli import add_triage_commands

    for triage_parser in add_triage_commands(sub):
        _add_dumps(triage_parser, argparse.SUPPRESS)


#: The other commands' parsers, in `--help` order; their modules import a lot (HTTP, the
#: config's key table, the bookmark store), so they are added only when they may be needed.
_GROUPS: tuple[tuple[tuple[str, ...], Callable[[argparse._SubParsersAction], None]], ...] = (
    (("fetch",), _add_fetch),
    (("config",), _add_config),
    (("bookmarks",), _add_bookmarks),
    (("inbox", "mark", "feeds"), _add_triage),
)


def command_of(argv: Sequence[str]) -> str | None:
    """The command `argv` names, read ahead of argparse (None: none, or an option argparse
    must judge, such as `-h` or an abbreviated `--dumps`)."""
    words = iter(argv)
    for word in words:
        if word == "--dumps":
            next(words, None)
        elif not word.startswith("--dumps="):
            return None if word.startswith("-") else word
    return None


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(command_of(words)).parse_args(words)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:  # the one place that turns any error into one line
        from reader.errors import error_message, is_expected

        message = error_message(exc)
        if not is_expected(exc):
            from reader import diagnostics

            diagnostics.unexpected(f"command {args.command or 'app'}", exc)
            message = f"{message} (a bug: details in {diagnostics.log_path()})"
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    from reader import commands

    if args.command is None:
        return commands.run_app(args)
    handler = getattr(commands, f"cmd_{args.command}")
    status: int = handler(args)
    sys.stdout.flush()
    return status


def _silence_stdout() -> None:
    """After a closed pipe (`| head`), send further output nowhere so exit is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
