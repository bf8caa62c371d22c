"""The `qa` command: one function per subcommand; errors become messages only here."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

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


def _assistant(args: argparse.Namespace, rebuild: bool = False):
    from qa.assistant import Assistant

    assistant = Assistant.load(
        index_dir=args.index,
        corpus_dir=getattr(args, "path", None),
        encoder=getattr(args, "encoder", None),
        rebuild=rebuild,
        progress=sys.stderr.isatty() or rebuild,
        store=getattr(args, "store", None),
        milvus_uri=getattr(args, "milvus_uri", None),
    )
    report_problems(assistant.corpus.problems)
    return assistant


def report_problems(problems) -> None:
    """Name every letter that was skipped or needed care: a command never leaves one out without a word."""
    for problem in problems:
        label = "error" if problem.skipped else "warning"
        print(f"{label}: {problem.message}" + ("; skipped" if problem.skipped else ""), file=sys.stderr)


def cmd_letters(args: argparse.Namespace) -> int:
    from qa.letters_cli import run

    return run(args)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _positive(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if k < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {k}")
    return k


def cmd_index(args: argparse.Namespace) -> int:
    assistant = _assistant(args, rebuild=args.rebuild)
    m = assistant.index.manifest
    xl = m.get("crosslingual_encoder")
    print(
        f"index: {assistant.index.folder}\n  encoder {m['encoder']['name']} (dim {m['encoder']['dim']}), "
        f"cross-lingual encoder {xl['name'] if xl else 'none'}, "
        f"{m['passage_count']} passages, {m.get('sentence_count', 0)} sentences, {m.get('word_count', 0)} words, "
        f"{m['vector_index']} in {_store_text(m)}, "
        f"built {m['built_at']} in {m['build_seconds']} s"
    )
    return 0


def _store_text(manifest: dict) -> str:
    from embeddings.passage_store import store_record

    record = store_record(manifest)
    if record["kind"] == "faiss":
        return "faiss (the index folder)"
    return f"milvus {record['uri']} ({record['collection']})"


def cmd_search(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    results = assistant.search(args.question, k=args.k, doc_ids=args.doc, since=args.since, until=args.until)
    if args.json:
        payload = {"query": args.question, "results": [r.to_dict() for r in results]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for r in results:
        text = " ".join(r.passage.text.split())
        print(f"{r.rank:>2}. [{r.score:.3f}] {r.title} > {r.passage.heading}\n    {text[:300]}\n")
    return 0


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    print(answer.answer)
    for c in answer.citations:
        print(f'\n[{c.n}] {c.title} > {c.heading} (chars {c.start}-{c.end})\n    "{" ".join(c.quote.split())}"')
    if answer.abstained and answer.passages:
        print("\nNearest passages:")
        for r in answer.passages[:3]:
            print(f"  {r.rank}. {r.title} > {r.passage.heading}: {' '.join(r.passage.text.split())[:160]}")


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.errors import QAError

    if (args.question is None) == (args.batch is None):
        print("error: give a question or --batch FILE (not both)", file=sys.stderr)
        return USAGE_ERROR
    questions = [args.question]
    if args.batch:
        try:
            with open(args.batch, encoding="utf-8") as f:
                questions = [line.strip() for line in f if line.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            print(f"error: cannot read {args.batch}: {exc}", file=sys.stderr)
            return USAGE_ERROR
        if not questions:
            print(f"error: {args.batch} holds no questions (one per line)", file=sys.stderr)
            return USAGE_ERROR
    assistant = _assistant(args)
    failures = 0
    for question in questions:
        try:
            answer = assistant.ask(question, k=args.k, doc_ids=args.doc, since=args.since, until=args.until)
        except QAError as exc:
            if not args.batch:
                raise
            failures += 1  # one bad line never stops a batch
            print(json.dumps({"question": question, "error": str(exc)}, ensure_ascii=False))
            continue
        _print_answer(answer, as_json=args.json or bool(args.batch))
    return 1 if failures == len(questions) else 0


class _LazyBar:
    """A tqdm bar that appears only once something is encoded: words found in the cache show nothing."""

    def __init__(self, desc: str, total: int):
        self.total, self.desc, self._bar = total, desc, None

    def __call__(self, n: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, desc=self.desc, unit="word", leave=False)
        self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def cmd_timeline(args: argparse.Namespace) -> int:
    """For each letter that speaks of a topic, its most relevant sentences, grouped by meeting date."""
    from qa.timeline import validate_range, validate_topic

    topic = validate_topic(args.topic)  # before the index loads: bad input fails fast
    validate_range(args.since, args.until)
    assistant = _assistant(args)
    bar = _LazyBar("Embedding the letters' words for the timeline (once)", len(assistant.index.words))
    assistant.retriever.surface_word_vectors(progress=bar)  # new letters' words, once: a bar, not a silent pause
    bar.close()
    timeline = assistant.timeline(
        topic, since=args.since, until=args.until, doc_ids=args.doc, per_letter=args.per_letter
    )
    if args.json:
        print(json.dumps(timeline.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if not timeline.speaking:
        print(f"the timeline is empty: no letter speaks of {topic}")
    shown = None
    for e in timeline.entries:
        day = e.date.isoformat() if e.date else "undated"
        if day != shown:
            print(f"\n== {day} ({e.date_kind}) ==")
            shown = day
        passing = " (mentions it in passing)" if e.in_passing else ""
        print(f"  {e.title} [{e.kind}]{passing}")
        for q in e.quotes:
            print(f'    [{q.n}] "{" ".join(q.text.split())}"\n        {e.doc_id} > {q.section or "(untitled)"}, '
                  f"chars {q.start}-{q.end}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.cli import cmd_eval as run

    return run(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from embeddings.passage_store import StoreChoice
    from qa.app import serve

    _store_env(args)
    StoreChoice.resolve()  # a bad --store fails here, before the app starts loading

    serve(host=args.host, port=args.port, index_dir=args.index, corpus_dir=args.path)
    return 0


def _store_env(args: argparse.Namespace) -> None:
    """--store/--milvus-uri as QA_VECTOR_STORE/QA_MILVUS_URI, for code that loads the index itself (the app, the
    evaluation, a library refresh): one choice for the whole process."""
    import os

    from embeddings.passage_store import STORE_ENV, URI_ENV

    if getattr(args, "store", None):
        os.environ[STORE_ENV] = args.store
    if getattr(args, "milvus_uri", None):
        os.environ[URI_ENV] = args.milvus_uri


def add_store_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", choices=("faiss", "milvus"),
                   help="where the passage vectors live: faiss (default, in the index folder) or milvus "
                        "(default: $QA_VECTOR_STORE)")  # fmt: skip
    p.add_argument("--milvus-uri", metavar="URI",
                   help="milvus-lite file (a path ending in .db) or a Milvus server (http://host:19530); "
                        "default: $QA_MILVUS_URI, else milvus.db in the index folder")  # fmt: skip


def _add_index_options(p: argparse.ArgumentParser, encoder: bool = True) -> None:
    p.add_argument("--index", metavar="DIR", help="index folder (default: $QA_INDEX_DIR or the user data folder)")
    p.add_argument("--path", metavar="DIR", help="folder of letters (default: the bundled corpus)")
    if encoder:
        p.add_argument("--encoder", help="multilingual-e5-small (default), all-MiniLM-L6-v2, or a model folder")
    add_store_options(p)


def _add_filters(p: argparse.ArgumentParser, k: int) -> None:
    p.add_argument("--k", type=_positive, default=k, help=f"passages to retrieve (default {k})")
    p.add_argument("--doc", action="append", metavar="ID", help="only these letters (repeatable)")
    p.add_argument("--since", type=_date, help="only meetings on or after YYYY-MM-DD")
    p.add_argument("--until", type=_date, help="only meetings on or before YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="print JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Cited answers from Dutch parliamentary letters.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("corpus", help="parse the letters and show their structure")
    p.add_argument("--path", help="folder of letters (.txt, .md, .pdf); default: the bundled corpus")
    p.add_argument("--json", action="store_true", help="print JSON instead of an outline")
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser("index", help="build (or check) the search index")
    p.add_argument("--rebuild", action="store_true", help="build anew even if an index exists")
    _add_index_options(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="show the passages retrieved for a question")
    p.add_argument("question")
    _add_index_options(p)
    _add_filters(p, k=10)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question with numbered citations")
    p.add_argument("question", nargs="?")
    p.add_argument("--batch", metavar="FILE", help="one question per line; one JSON object per line out")
    _add_index_options(p)
    _add_filters(p, k=8)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("timeline", help="what the letters said about a topic, meeting by meeting")
    p.add_argument("topic", help="a topic in Dutch or English, e.g. 'Oekraïne' or 'burden sharing'")
    _add_index_options(p)
    p.add_argument("--doc", action="append", metavar="ID", help="only these letters (repeatable)")
    p.add_argument("--since", type=_date, help="only meetings on or after YYYY-MM-DD")
    p.add_argument("--until", type=_date, help="only meetings on or before YYYY-MM-DD")
    p.add_argument("--per-letter", type=_positive, default=3, metavar="N", help="quotes per letter (default 3)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("letters", help="your own letters: add, remove or list the letters library (QA_HOME)")
    from qa.letters_cli import add_letters_arguments

    add_letters_arguments(p)
    p.set_defaults(func=cmd_letters)

    p = sub.add_parser("eval", help="benchmark configurations on the evaluation questions")
    from evals.cli import add_eval_arguments

    add_eval_arguments(p)
    add_store_options(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the chat app in the browser")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860)
    _add_index_options(p, encoder=False)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "eval":
            _store_env(args)
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
