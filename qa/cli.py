"""The `qa` command: one function per subcommand; errors become messages only here."""

from __future__ import annotations

import argparse
import json
import sys

from qa.errors import QAError

USAGE_ERROR = 2


def cmd_corpus(args: argparse.Namespace) -> int:
    """Outline (or JSON) of the parsed letters. Exit 1 if any letter was skipped, though the rest still print."""
    from corpus import load_corpus

    corpus = load_corpus(args.path)
    for problem in corpus.problems:
        label = "error" if problem.skipped else "warning"
        print(f"{label}: {problem.message}" + ("; skipped" if problem.skipped else ""), file=sys.stderr)
    if args.json:
        payload = {"documents": [doc.to_dict() for doc in corpus.documents]}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
    outlined = () if args.json else corpus.documents
    for doc in outlined:
        dates = ", ".join(d.isoformat() for d in doc.meeting_dates) or "?"
        print(f"{doc.doc_id}  {doc.title}")
        print(f"    kind: {doc.kind}   letter: {doc.letter_date or '?'}   meeting: {dates}")
        print(f"    kamerstuk: {doc.kamerstuk or '?'}   ministers: {', '.join(doc.ministers) or '?'}")
        for section in doc.sections:
            words = len(section.text.split())
            print(f"      - {section.heading or '(untitled)'}  [{words} words, {section.start}-{section.end}]")
        print(f"    {len(doc.sections)} sections, {len(doc.passages)} passages\n")
    # a script must notice a letter that was left out, even though the others loaded
    return 1 if any(p.skipped for p in corpus.problems) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Cited answers from Dutch parliamentary letters.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("corpus", help="parse the letters and show their structure")
    p.add_argument("--path", help="folder of letters (.txt, .md, .pdf); default: the bundled corpus")
    p.add_argument("--json", action="store_true", help="print JSON instead of an outline")
    p.set_defaults(func=cmd_corpus)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
