"""`qa eval --timeline`: the timeline against hand-marked topics (evals/timeline_topics.jsonl), and its speed.

The rules, stated once:
- Letters. A letter in `speaks` is a positive. A timeline entry not marked in_passing is a predicted positive.
  Precision = positives among predicted / predicted; recall = positives predicted / positives. A speaks-letter the
  timeline leaves out or marks in passing is missed. A letter in `in_passing` counts neither way when the timeline
  leaves it out or marks it in passing; shown as speaking, it is a false positive, like any unmarked letter.
- Quotes. A quoted sentence is on topic when it overlaps the marked span of its letter, or when it holds a word of
  the Dutch topic: a word whose stem starts with one of the topic's stems (4+ letters, "kernwapen" finds
  "kernwapentaak"), leaving out stems that half the letters or more use (e.g. "navo"), which say nothing. An
  entry is on topic when every quote in it is. The share is over speaking entries (in-passing ones are excluded);
  `span_hit` is the stricter share of entries whose best quote overlaps the marked span (only for marked letters).
- Held out: t03, t06, t09, t12 (every third topic) were not looked at when the thresholds in qa/timeline.py were
  chosen; their figures are reported apart.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus import bundled_corpus_dir
from corpus.errors import QAError
from embeddings.lexical import tokenize

TOPICS_FILE = Path(__file__).resolve().parent / "timeline_topics.jsonl"
HELD_OUT = frozenset({"t03", "t06", "t09", "t12"})
DEFAULT_LETTERS = Path(__file__).resolve().parents[2] / "shared" / "letters-dev" / "letters"
ASK_QUESTIONS = (
    "Wat heeft Nederland gezegd over Oekraïne?",
    "What was said about burden sharing?",
    "Wat zeiden de ministers over cyberdreigingen?",
)


@dataclass(frozen=True)
class TopicCase:
    id: str
    topics: dict[str, str]  # language -> topic
    speaks: dict[str, tuple[int, int] | None]  # doc_id -> marked span in the cleaned text (None: not found)
    in_passing: frozenset[str]


def _alnum_with_map(text: str) -> tuple[str, list[int]]:
    kept = [(c.lower(), i) for i, c in enumerate(text) if c.isalnum()]
    return "".join(c for c, _ in kept), [i for _, i in kept]


def locate_span(clean: str, raw_quote: str) -> tuple[int, int] | None:
    """The raw quote's span in the cleaned text, comparing letters and digits only (the cleaner joins hyphenated
    line ends and collapses whitespace)."""
    haystack, offsets = _alnum_with_map(clean)
    needle, _ = _alnum_with_map(raw_quote)
    at = haystack.find(needle) if needle else -1
    if at < 0:
        return None
    return offsets[at], offsets[at + len(needle) - 1] + 1


def raw_text(doc_id: str, folders: Sequence[Path]) -> str | None:
    for folder in folders:
        path = Path(folder) / f"{doc_id}.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def load_cases(documents: dict, folders: Sequence[Path], path: Path = TOPICS_FILE) -> list[TopicCase]:
    if not path.is_file():
        raise QAError(f"timeline topics file {path} does not exist")
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            speaks = {}
            for mark in row["speaks"]:
                doc, (a, b) = mark["doc_id"], mark["span"]
                raw = raw_text(doc, folders)
                found = documents.get(doc)
                speaks[doc] = locate_span(found.text, raw[a:b]) if raw is not None and found else None
            topics = {"nl": row["topic_nl"], "en": row["topic_en"]}
            cases.append(TopicCase(row["id"], topics, speaks, frozenset(row["in_passing"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise QAError(f"{path}:{n}: not a timeline topic ({exc})") from exc
    return cases


def topic_stems(topic_nl: str, documents: dict) -> list[str]:
    """The Dutch topic's stems (4+ letters) that fewer than half the letters use."""
    letters = [set(tokenize(d.text)) for d in documents.values()]
    stems = [s for s in dict.fromkeys(tokenize(topic_nl)) if len(s) >= 4]
    return [s for s in stems if sum(any(t.startswith(s) for t in toks) for toks in letters) < len(letters) / 2]


def quote_on_topic(quote, span: tuple[int, int] | None, stems: Sequence[str]) -> bool:
    if span and quote.start < span[1] and span[0] < quote.end:
        return True
    return any(t.startswith(s) for t in tokenize(quote.text) for s in stems)


def score_timeline(timeline, case: TopicCase, stems: Sequence[str]) -> dict:
    predicted = {e.doc_id for e in timeline.speaking}
    positives = set(case.speaks)
    entries = timeline.speaking
    on_topic = sum(all(quote_on_topic(q, case.speaks.get(e.doc_id), stems) for q in e.quotes) for e in entries)
    marked = [e for e in entries if case.speaks.get(e.doc_id)]
    span_hit = sum(bool(e.quotes) and quote_on_topic(e.quotes[0], case.speaks[e.doc_id], ()) for e in marked)
    return {
        "tp": len(predicted & positives), "fp": len(predicted - positives), "fn": len(positives - predicted),
        "entries": len(entries), "on_topic": on_topic, "marked": len(marked), "span_hit": span_hit,
        "false": sorted(predicted - positives), "missed": sorted(positives - predicted),
    }  # fmt: skip


def ratios(counts: dict) -> dict:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "on_topic_share": counts["on_topic"] / counts["entries"] if counts["entries"] else 1.0,
        "span_share": counts["span_hit"] / counts["marked"] if counts["marked"] else 1.0,
    }


def total(rows: Sequence[dict]) -> dict:
    keys = ("tp", "fp", "fn", "entries", "on_topic", "marked", "span_hit")
    summed = {k: sum(r[k] for r in rows) for k in keys}
    return {**summed, **ratios(summed)}


def evaluate(assistant, cases: Sequence[TopicCase], config=None) -> dict:
    """Every topic in both languages: per-run counts and ratios, totals (all, chosen-on, held-out), timings."""
    from qa.timeline import build_timeline

    runs, times = [], []
    for case in cases:
        stems = topic_stems(case.topics["nl"], assistant.documents)
        for language, topic in case.topics.items():
            started = time.perf_counter()
            timeline = build_timeline(assistant.retriever, assistant.documents, topic, config=config)
            times.append((time.perf_counter() - started) * 1000)
            counts = score_timeline(timeline, case, stems)
            runs.append({"id": case.id, "language": language, "topic": topic, **counts, **ratios(counts)})
    groups = {
        "all": runs,
        "chosen_on": [r for r in runs if r["id"] not in HELD_OUT],
        "held_out": [r for r in runs if r["id"] in HELD_OUT],
    }
    totals = {
        f"{name}/{lang}": total([r for r in rows if lang == "both" or r["language"] == lang])
        for name, rows in groups.items()
        for lang in ("both", "nl", "en")
    }
    return {"runs": runs, "totals": totals, "timeline_ms": times}


def speed(assistant, topics: Sequence[str], repeats: int = 3) -> dict:
    """Median warm `ask` against median warm timeline, interleaved so both see the same machine load."""
    from qa.timeline import build_timeline

    assistant.ask(ASK_QUESTIONS[0])  # warm: encoders loaded, caches filled
    build_timeline(assistant.retriever, assistant.documents, topics[0])
    ask_ms, timeline_ms = [], []
    for _ in range(repeats):
        for question, topic in zip(ASK_QUESTIONS, topics, strict=False):
            started = time.perf_counter()
            assistant.ask(question)
            ask_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            build_timeline(assistant.retriever, assistant.documents, topic)
            timeline_ms.append((time.perf_counter() - started) * 1000)
    ask, timeline = statistics.median(ask_ms), statistics.median(timeline_ms)
    return {"ask_ms": ask, "timeline_ms": timeline, "ratio": timeline / ask if ask else float("inf")}


def report(result: dict, timing: dict | None) -> str:
    lines = ["Timeline quality (letters: precision, recall; entries whose quotes are all on topic; best quote on "
             "the marked span)", ""]  # fmt: skip
    lines.append(f"{'topic':<45} {'lang':<4} {'P':>5} {'R':>5} {'quote':>6} {'span':>5}  false / missed")
    for r in result["runs"]:
        held = " (held out)" if r["id"] in HELD_OUT else ""
        label = f"{r['id']} {r['topic']}{held}"[:45]
        wrong = f"{', '.join(d[:14] for d in r['false']) or '-'} / {', '.join(d[:14] for d in r['missed']) or '-'}"
        lines.append(
            f"{label:<45} {r['language']:<4} {r['precision']:>5.2f} {r['recall']:>5.2f} {r['on_topic_share']:>6.2f} "
            f"{r['span_share']:>5.2f}  {wrong}"
        )
    lines += ["", f"{'totals (micro)':<24} {'P':>5} {'R':>5} {'quote':>6} {'span':>5}"]
    for name, t in result["totals"].items():
        lines.append(
            f"{name:<24} {t['precision']:>5.2f} {t['recall']:>5.2f} {t['on_topic_share']:>6.2f} {t['span_share']:>5.2f}"
        )
    if timing:
        lines += [
            "",
            f"speed (median, warm): ask {timing['ask_ms']:.0f} ms, timeline {timing['timeline_ms']:.0f} ms "
            f"= {timing['ratio']:.2f}x one ask (target < 1.5x)",
        ]
    return "\n".join(lines)


def run(letters: Sequence[str] = (), index_dir: str | None = None, progress: bool = True, topics: str | None = None):
    """Load the assistant over the bundled letters + `letters` (default: ../shared/letters-dev/letters)."""
    from qa.assistant import Assistant

    folders = [Path(f) for f in letters] or ([DEFAULT_LETTERS] if DEFAULT_LETTERS.is_dir() else [])
    for folder in folders:
        if not folder.is_dir():
            raise QAError(f"--letters {folder}: not a folder")
    corpus_dir = [bundled_corpus_dir(), *folders] if folders else bundled_corpus_dir()
    assistant = Assistant.load(index_dir=index_dir, corpus_dir=corpus_dir, progress=progress)
    cases = load_cases(assistant.documents, [bundled_corpus_dir(), *folders], Path(topics) if topics else TOPICS_FILE)
    result = evaluate(assistant, cases)
    timing = speed(assistant, [c.topics["nl"] for c in cases[:3]])
    return result, timing


def main_text(result: dict, timing: dict | None) -> str:
    missing = sum(1 for r in result["runs"] if r["tp"] + r["fn"] == 0)
    note = f"\nwarning: {missing} run(s) had no marked letter in this index" if missing else ""
    return report(result, timing) + note
