"""HTML for the Gradio app, as pure functions: answers' sources, whole letters, the letters' overview.

Every piece of letter or user text goes through `esc` before it lands in markup. Offsets are those of the
letter's cleaned text (`Document.text`), the same ones a `Citation` carries.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date

from corpus.models import Document
from qa.models import Answer, Citation, ScoredPassage

LETTER_MARK_ID = "qa-letter-mark"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_CHUNK = re.compile(r"\S+\s*")

# Scoped to each gr.HTML component by Gradio (css_template), so the app needs no global stylesheet.
SOURCES_CSS = """
.qa-empty { color: var(--body-text-color-subdued); font-style: italic; }
.qa-notice { padding: .5em .75em; border-radius: 6px; background: var(--background-fill-secondary); }
.qa-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6em .8em; margin: 0 0 .7em; }
.qa-source-head { display: flex; gap: .5em; align-items: baseline; flex-wrap: wrap; }
.qa-cite { cursor: pointer; font-weight: 700; border: 1px solid var(--color-accent); color: var(--color-accent);
  background: transparent; border-radius: 6px; padding: 0 .35em; font-size: .95em; }
.qa-cite:hover { background: var(--color-accent-soft); }
.qa-title { font-weight: 600; }
.qa-meta, .qa-heading, .qa-score { color: var(--body-text-color-subdued); font-size: .88em; }
.qa-passage { margin: .45em 0 .2em; padding-left: .7em; border-left: 3px solid var(--border-color-primary);
  font-size: .93em; line-height: 1.45; }
.qa-open { cursor: pointer; font-size: .85em; color: var(--color-accent); background: none; border: none; padding: 0; }
.qa-uncited summary { cursor: pointer; font-size: .9em; }
.qa-uncited { margin: .25em 0; }
h4.qa-section-title { margin: 1em 0 .3em; }
mark { background: #ffe58a; color: #111; padding: 0 .1em; border-radius: 2px; }
"""

LETTER_CSS = """
.qa-letter { line-height: 1.5; }
.qa-letter h3 { margin: 0 0 .2em; }
.qa-letter-head { position: sticky; top: -1em; z-index: 1; background: var(--background-fill-primary);
  padding: 1em 0 .3em; margin-top: -1em; border-bottom: 1px solid var(--border-color-primary); margin-bottom: .6em; }
.qa-letter .qa-meta { color: var(--body-text-color-subdued); font-size: .9em; margin-bottom: .6em; }
.qa-letter h4 { margin: 1em 0 .3em; }
.qa-letter p { margin: 0 0 .7em; }
.qa-letter table { border-collapse: collapse; font-size: .92em; }
.qa-letter td, .qa-letter th { border: 1px solid var(--border-color-primary); padding: .25em .5em; text-align: left;
  vertical-align: top; }
.qa-letter ol.qa-sections { margin: .3em 0 1em; }
mark { background: #ffe58a; color: #111; padding: 0 .1em; border-radius: 2px; }
mark#qa-letter-mark { outline: 2px solid #e0a800; }
.qa-empty { color: var(--body-text-color-subdued); font-style: italic; }
"""


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def stream_chunks(text: str, max_chunks: int = 40) -> Iterator[str]:
    """Growing prefixes of `text`, cut after whitespace only, so a marker like "[12]" never shows half-written."""
    tokens = _CHUNK.findall(text)
    if not tokens:
        yield text
        return
    step = max(1, -(-len(tokens) // max_chunks))
    for i in range(step, len(tokens) + step, step):
        yield "".join(tokens[: min(i, len(tokens))]).rstrip() if i < len(tokens) else text


def format_dates(letter_date: date | None, meeting_dates: Sequence[date] = ()) -> str:
    parts = []
    if letter_date:
        parts.append(f"letter {letter_date.isoformat()}")
    if meeting_dates:
        parts.append("meeting " + ", ".join(d.isoformat() for d in meeting_dates))
    return " · ".join(parts) or "date unknown"


def highlighted(text: str, start: int, end: int, hl: Sequence[tuple[int, int]], mark_id: str | None = None) -> str:
    """Escaped `text[start:end]` with the parts inside the ranges `hl` wrapped in <mark>; newlines become <br>.

    `mark_id` goes on the first <mark> written (so a page can scroll to it).
    """
    cuts = sorted((max(a, start), min(b, end)) for a, b in hl if min(b, end) > max(a, start))
    out, pos, first = [], start, True
    for a, b in cuts:
        if a < pos:
            a = pos
        if b <= a:
            continue
        out.append(esc(text[pos:a]))
        attr = f' id="{esc(mark_id)}"' if mark_id and first else ""
        out.append(f"<mark{attr}>{esc(text[a:b])}</mark>")
        pos, first = b, False
    out.append(esc(text[pos:end]))
    return "".join(out).replace("\n", "<br>")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line-separated paragraph, surrounding whitespace excluded."""
    spans, pos = [], 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        stop = brk.start() if brk else len(text)
        chunk = text[pos:stop]
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            spans.append((pos + lead, pos + lead + len(body)))
        pos = brk.end() if brk else len(text)
    return spans


def _cite_attrs(c: Citation) -> str:
    return f'data-cite="{c.n}" data-doc="{esc(c.doc_id)}" data-start="{c.start}" data-end="{c.end}"'


def passage_for(citation: Citation, passages: Iterable[ScoredPassage]) -> ScoredPassage | None:
    """The retrieved passage that holds the cited span (the best ranked when several do)."""
    for sp in passages:
        p = sp.passage
        if p.doc_id == citation.doc_id and p.start <= citation.start and citation.end <= p.end:
            return sp
    return None


def _passage_html(sp: ScoredPassage, doc: Document | None, hl: Sequence[tuple[int, int]]) -> str:
    p = sp.passage
    if doc is not None and doc.text[p.start : p.end] == p.text:
        return highlighted(doc.text, p.start, p.end, hl)
    # offsets not usable against this text: show the passage as retrieved, the cited part found by content
    return highlighted(p.text, 0, len(p.text), [])


def render_citation(c: Citation, passages: Sequence[ScoredPassage], documents: Mapping[str, Document]) -> str:
    doc = documents.get(c.doc_id)
    sp = passage_for(c, passages)
    if sp is not None:
        body = _passage_html(sp, doc, [(c.start, c.end)])
        if "<mark>" not in body and c.quote:
            body = f"<mark>{esc(c.quote)}</mark>"
    else:
        body = f"<mark>{esc(c.quote)}</mark>"
    dates = format_dates(c.letter_date or (doc.letter_date if doc else None), doc.meeting_dates if doc else ())
    heading = f'<div class="qa-heading">§ {esc(c.heading)}</div>' if c.heading else ""
    return (
        f'<div class="qa-source" id="qa-source-{c.n}">'
        f'<div class="qa-source-head"><button type="button" class="qa-cite" {_cite_attrs(c)} '
        f'title="Open the letter at this passage">[{c.n}]</button>'
        f'<span class="qa-title">{esc(c.title)}</span><span class="qa-meta">{esc(dates)}</span></div>'
        f"{heading}"
        f'<div class="qa-passage">{body}</div>'
        f'<button type="button" class="qa-open" {_cite_attrs(c)}>Open the letter ›</button>'
        "</div>"
    )


def render_uncited(sp: ScoredPassage, documents: Mapping[str, Document]) -> str:
    p = sp.passage
    heading = f" — {esc(p.heading)}" if p.heading else ""
    return (
        f'<details class="qa-uncited"><summary>#{sp.rank} · score {sp.score:.4f} · '
        f'<span class="qa-title">{esc(sp.title)}</span><span class="qa-heading">{heading}</span></summary>'
        f'<div class="qa-passage">{_passage_html(sp, documents.get(p.doc_id), [])}</div></details>'
    )


def render_sources(answer: Answer, documents: Mapping[str, Document]) -> str:
    """The panel beside the chat: each citation with its passage (cited sentence marked), then the rest, folded."""
    parts = []
    if answer.abstained:
        reason = answer.refusal_reason.message if answer.refusal_reason else "The letters do not answer this question."
        parts.append(f'<p class="qa-notice">{esc(reason)} Nothing is cited.</p>')
    for c in sorted(answer.citations, key=lambda c: c.n):
        parts.append(render_citation(c, answer.passages, documents))
    if not answer.citations and not answer.abstained:
        parts.append('<p class="qa-empty">No citations.</p>')
    uncited = [sp for sp in answer.passages if not any(passage_for(c, [sp]) for c in answer.citations)]
    if uncited:
        parts.append(f'<h4 class="qa-section-title">Retrieved but not cited ({len(uncited)})</h4>')
        parts.extend(render_uncited(sp, documents) for sp in uncited)
    return f'<div class="qa-sources">{"".join(parts)}</div>'


def letter_at(documents: Mapping[str, Document], data: Mapping) -> str:
    """The letter a clicked citation names ({doc_id, start, end, n}), its span marked where the span is valid."""
    doc = documents.get(str(data.get("doc_id", "")))
    if doc is None:
        return render_placeholder("That letter is not in the index.")
    try:
        start, end, n = int(data.get("start")), int(data.get("end")), int(data.get("n"))
    except (TypeError, ValueError):
        return render_letter(doc)
    if not 0 <= start < end <= len(doc.text):
        return render_letter(doc)
    return render_letter(doc, start, end, n=n)


def render_placeholder(text: str) -> str:
    return f'<p class="qa-empty">{esc(text)}</p>'


def letter_meta_rows(doc: Document) -> list[tuple[str, str]]:
    return [
        ("Kind", doc.kind or "?"),
        ("Letter date", doc.letter_date.isoformat() if doc.letter_date else "unknown"),
        ("Meeting", ", ".join(d.isoformat() for d in doc.meeting_dates) or "unknown"),
        ("Ministers", ", ".join(doc.ministers) or "unknown"),
        ("Kamerstuk", doc.kamerstuk or "unknown"),
        ("Document id", doc.doc_id),
    ]


def _heading_starts(doc: Document) -> dict[int, tuple[int, str]]:
    """paragraph start offset -> (section index, heading leaf) for paragraphs that are a section's title line."""
    out: dict[int, tuple[int, str]] = {}
    paras = paragraphs(doc.text)
    for i, s in enumerate(doc.sections):
        leaf = s.heading.split(" > ")[-1].strip()
        before = [p for p in paras if p[1] <= s.start]
        if before:
            a, b = before[-1]
            if " ".join(doc.text[a:b].split()).lower() == " ".join(leaf.split()).lower():
                out[a] = (i, leaf)
    return out


def render_letter(
    doc: Document,
    start: int | None = None,
    end: int | None = None,
    n: int | None = None,
    with_sections: bool = False,
) -> str:
    """The whole cleaned letter, paragraphs kept, section titles as headings, [start, end) marked.

    The first marked fragment has id LETTER_MARK_ID, which the app scrolls into view.
    """
    hl = [(start, end)] if start is not None and end is not None and end > start else []
    meta = " · ".join(
        x
        for x in (
            esc(doc.kind),
            esc(format_dates(doc.letter_date, doc.meeting_dates)),
            esc(", ".join(doc.ministers)) if doc.ministers else "",
            f"Kamerstuk {esc(doc.kamerstuk)}" if doc.kamerstuk else "",
        )
        if x
    )
    cited = f'<div class="qa-empty">Citation [{n}] is highlighted below.</div>' if n is not None and hl else ""
    parts = [
        f'<div class="qa-letter" data-doc="{esc(doc.doc_id)}"><div class="qa-letter-head"><h3>{esc(doc.title)}</h3>'
        f'<div class="qa-meta">{meta}</div>{cited}</div>'
    ]
    if with_sections:
        parts.append(render_letter_details(doc))
    titles = _heading_starts(doc)
    mark_used = False
    for a, b in paragraphs(doc.text):
        if a in titles:
            i, _leaf = titles[a]
            parts.append(f'<h4 id="qa-sec-{esc(doc.doc_id)}-{i}">{esc(doc.text[a:b])}</h4>')
            continue
        has_mark = any(min(e, b) > max(s, a) for s, e in hl)
        body = highlighted(doc.text, a, b, hl, mark_id=None if mark_used else LETTER_MARK_ID)
        mark_used = mark_used or has_mark
        parts.append(f"<p>{body}</p>")
    parts.append("</div>")
    return "".join(parts)


def render_letter_details(doc: Document) -> str:
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in letter_meta_rows(doc))
    sections = "".join(f"<li>{esc(s.heading or '(untitled)')}</li>" for s in doc.sections)
    return f"<table>{rows}</table><h4>Sections ({len(doc.sections)})</h4><ol class='qa-sections'>{sections}</ol><hr>"


def render_overview(documents: Sequence[Document]) -> str:
    """One row per letter: title, kind, dates, ministers, kamerstuk, sections."""
    head = "<tr><th>Title</th><th>Kind</th><th>Letter date</th><th>Meeting</th><th>Ministers</th>"
    head += "<th>Kamerstuk</th><th>Sections</th></tr>"
    rows = []
    for d in documents:
        sections = "<br>".join(esc(s.heading) for s in d.sections)
        rows.append(
            f"<tr><td>{esc(d.title)}</td><td>{esc(d.kind)}</td>"
            f"<td>{esc(d.letter_date.isoformat() if d.letter_date else '')}</td>"
            f"<td>{esc(', '.join(x.isoformat() for x in d.meeting_dates))}</td>"
            f"<td>{esc(', '.join(d.ministers))}</td><td>{esc(d.kamerstuk or '')}</td>"
            f"<td><details><summary>{len(d.sections)} sections</summary>{sections}</details></td></tr>"
        )
    return f'<div class="qa-letter"><table>{head}{"".join(rows)}</table></div>'


# In the sources panel, a click on a citation sends its letter and span to Python (see open_letter).
SOURCES_JS = """
element.addEventListener('click', (event) => {
  const el = event.target.closest('[data-cite]');
  if (!el) return;
  event.preventDefault();
  trigger('click', {doc_id: el.dataset.doc, start: Number(el.dataset.start), end: Number(el.dataset.end),
                    n: Number(el.dataset.cite)});
});
"""
# A [n] in the chat is a link #cite/doc/start/end/n: it opens that source as the panel's buttons do, for any answer
CHAT_LINKS_JS = """
document.addEventListener('click', (event) => {
  const a = event.target.closest('#qa-chat a[href^="#cite/"]');
  if (!a) return;
  event.preventDefault();
  event.stopPropagation();
  const [, doc, start, end, n] = a.getAttribute('href').split('/');
  trigger('click', {doc_id: decodeURIComponent(doc), start: Number(start), end: Number(end), n: Number(n)});
}, true);
"""
# In the letter panel, each new letter scrolls its highlighted span into view.
LETTER_JS = f"""
const reveal = () => {{
  const mark = element.querySelector('#{LETTER_MARK_ID}');
  if (mark) mark.scrollIntoView({{block: 'center', inline: 'nearest'}});
}};
watch('value', () => {{ requestAnimationFrame(() => setTimeout(reveal, 30)); }});
reveal();
"""
