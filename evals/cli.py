"""`qa eval`: run configurations over the evaluation questions and write a report.

Registered in qa/cli.py with `add_eval_arguments(subparser)` and `set_defaults(func=cmd_eval)`;
also runnable on its own as `python -m evals.cli`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from corpus.errors import QAError

DEFAULT_OUT = "eval-results"


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", action="append", metavar="NAME", dest="configs",
        help="configuration to run (repeatable; default: all; see --list-configs)",
    )  # fmt: skip
    parser.add_argument("--questions", metavar="FILE", help="questions (JSONL); default: the bundled set")
    parser.add_argument(
        "--letters", action="append", metavar="DIR", default=[],
        help="a folder of letters asked beside the bundled five (repeatable)",
    )  # fmt: skip
    parser.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT}/)")
    parser.add_argument("--index", metavar="DIR", help="index root (default: $QA_INDEX_DIR or the user data folder)")
    parser.add_argument("--list-configs", action="store_true", help="list the configurations and exit")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument(
        "--timeline", action="store_true",
        help="evaluate the timeline on evals/timeline_topics.jsonl instead (bundled + --letters, default letters-dev)",
    )  # fmt: skip


def list_configs() -> str:
    from evals.configs import CONFIGS, DEFAULT_CONFIG

    lines = []
    for c in CONFIGS.values():
        default = " (default)" if c.name == DEFAULT_CONFIG else ""
        lines.append(f"{c.name:<15} {c.description}{default}  [encoder {c.encoder}, k={c.k}]")
    return "\n".join(lines)


def read_questions(path: str | None, letters=()):
    """The questions, or QAError naming the file (and line) that is wrong."""
    from evals.dataset import QUESTIONS_FILE, load_questions

    file = Path(path) if path else QUESTIONS_FILE
    if not file.is_file():
        raise QAError(f"questions file {file} does not exist")
    try:
        questions = load_questions(file, letters)
    except (OSError, UnicodeDecodeError) as exc:
        raise QAError(f"cannot read questions file {file}: {exc}") from exc
    except (TypeError, AttributeError) as exc:  # a line that is JSON but not an object
        raise QAError(f"{file}:{_first_non_object(file)}: not a JSON object with the question fields") from exc
    if not questions:
        raise QAError(f"questions file {file} holds no questions")
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise QAError(f"{file}: question id {q.id!r} appears more than once")
        seen.add(q.id)
    return questions


def _first_non_object(file: Path) -> int | str:
    for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not isinstance(json.loads(line), dict):
            return n
    return "?"


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.configs import select_configs
    from evals.report import compact_summary, write_outputs
    from evals.runner import run_eval

    if getattr(args, "list_configs", False):
        print(list_configs())
        return 0
    if getattr(args, "timeline", False):
        from evals.timeline import main_text, run

        result, timing = run(getattr(args, "letters", None) or [], getattr(args, "index", None), not args.quiet)
        print(main_text(result, timing))
        return 0
    configs = select_configs(getattr(args, "configs", None))  # unknown names fail before anything loads
    questions_arg = getattr(args, "questions", None)
    letters = getattr(args, "letters", None) or []
    for folder in letters:
        if not Path(folder).is_dir():
            raise QAError(f"--letters {folder}: not a folder")
    questions = read_questions(questions_arg, letters)
    results = run_eval(
        questions,
        configs,
        index_dir=getattr(args, "index", None),
        progress=not getattr(args, "quiet", False),
        questions_file=questions_arg,
        letters=letters,
    )
    paths = write_outputs(results, getattr(args, "out", None) or DEFAULT_OUT)
    print(compact_summary(results))
    errors = sum(c["summary"]["errors"] for c in results["configs"].values())
    if errors:
        print(f"warning: {errors} question(s) raised an error in ask; see report.md", file=sys.stderr)
    print(f"\nwrote {', '.join(str(p) for p in paths.values())}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qa eval", description="Evaluate retrieval and answers.")
    add_eval_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return cmd_eval(args)
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)


if __name__ == "__main__":
    sys.exit(main())
