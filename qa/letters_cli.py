"""`qa letters add|remove|list`: the letters library (qa/library.py) from the command line."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from dataclasses import asdict
from pathlib import Path


def add_letters_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="letters_command", required=True)
    a = sub.add_parser("add", help="add letters (files or folders of .txt, .md, .pdf) to the library")
    a.add_argument("paths", nargs="+", metavar="PATH")
    r = sub.add_parser("remove", help="remove letters from the library by id (see: qa letters list)")
    r.add_argument("ids", nargs="+", metavar="ID")
    ls = sub.add_parser("list", help="the letters in the library")
    ls.add_argument("--json", action="store_true", help="print JSON")
    for q in (a, r):
        q.add_argument("--index", metavar="DIR", help="index root (default: $QA_INDEX_DIR or QA_HOME/index)")
        q.add_argument("--encoder", help="encoder of the index kept up to date (default multilingual-e5-small)")
        from qa.cli import add_store_options

        add_store_options(q)


def _builder(args: argparse.Namespace, library):
    from embeddings.encoders import CROSSLINGUAL_ENCODER, load_encoder
    from embeddings.passage_store import StoreChoice
    from qa.assistant import default_index_root
    from qa.library import index_builder

    root = Path(args.index) if args.index else default_index_root()
    encoder, crosslingual = load_encoder(args.encoder), load_encoder(CROSSLINGUAL_ENCODER)
    store = StoreChoice.resolve(getattr(args, "store", None), getattr(args, "milvus_uri", None), root)
    return index_builder(library, root, encoder, crosslingual, progress=sys.stderr.isatty(), store=store)


def _command(args: argparse.Namespace, rest: str) -> str:
    from qa.library import home_prefix

    index = f" --index {shlex.quote(args.index)}" if getattr(args, "index", None) else ""
    return f"{home_prefix()}qa {rest}{index}"


def run(args: argparse.Namespace) -> int:
    from qa.library import Library

    library = Library()
    if args.letters_command == "list":
        return _list(library, args.json)
    if args.letters_command == "remove":
        removed = library.remove(args.ids, build=_builder(args, library))
        for doc_id in removed:
            print(f"removed {doc_id}")
        print(f"{len(library.entries())} letters in the library ({library.home})")
        return 0
    return _add(args, library)


def _add(args: argparse.Namespace, library) -> int:
    from qa.library import candidates

    found, rejected = candidates(args.paths)  # nothing to encode: no encoder is loaded (~1 s saved)
    if not found:
        for r in rejected:
            print(f"error: {r.source}: {r.reason}; not added", file=sys.stderr)
        print("nothing added", file=sys.stderr)
        return 1
    result = library.add(args.paths, build=_builder(args, library))
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for r in result.rejected:
        print(f"error: {r.source}: {r.reason}; not added", file=sys.stderr)
    for source, doc_id in result.duplicates:
        print(f"already in the library: {source} (its text is letter {doc_id}); nothing added")
    for e in result.added:
        verb = "replaced" if e.id in result.replaced else "added"
        print(f"{verb} {e.id}  {e.title}  [{e.kind}, {e.date or 'undated'}, {e.passages} passages]")
    t = result.timings
    encoded = sum(v for k, v in t.seconds.items() if k.startswith("encode"))
    texts = sum(t.encoded.values())
    if result.added:
        print(
            f"{len(library.entries())} letters in the library ({library.home}); encoded {texts} new texts in "
            f'{encoded:.1f} s. Ask them: {_command(args, "ask")} "..."'
        )
    return 1 if result.rejected else 0


def _list(library, as_json: bool) -> int:
    entries = library.entries()
    if as_json:
        print(json.dumps({"home": str(library.home), "letters": [asdict(e) for e in entries]}, ensure_ascii=False))
        return 0
    if not entries:
        print(
            f"the library is empty ({library.home}); add letters with: "
            f"{_command(argparse.Namespace(), 'letters add PATH')}"
        )
        return 0
    for e in entries:
        print(
            f"{e.id}  {e.title}\n    {e.kind}, {e.date or 'undated'}, {e.passages} passages; "
            f"from {e.source}, added {e.added}"
        )
    print(f"{len(entries)} letters in {library.home}")
    return 0
