"""The app's Timeline tab: a topic box, a chart of how much each letter said about it over time, and the dated
entries with their quotes; a click on a quote opens the letter at its span, like a citation in the chat."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from qa import app_views as views
from qa.errors import QAError

TIMELINE_CSS = views.SOURCES_CSS + """
.qa-tl-date { margin: 1em 0 .35em; font-weight: 700; }
.qa-tl-kind { color: var(--body-text-color-subdued); font-weight: 400; font-size: .88em; }
.qa-tl-entry.qa-tl-passing { opacity: .75; border-style: dashed; }
.qa-tl-quote { margin: .35em 0; }
"""
EMPTY_TEXT = "Type a topic (e.g. Oekraïne, burden sharing) to see what the letters said about it, meeting by meeting."


def _cite_attrs(q) -> str:
    return f'data-cite="{q.n}" data-doc="{views.esc(q.doc_id)}" data-start="{q.start}" data-end="{q.end}"'


def render_timeline(timeline) -> str:
    """Entries grouped by date; each quote a button that opens the letter at its span."""
    if not timeline.speaking:
        note = f"The timeline is empty: no letter speaks of {timeline.topic}."
        if not timeline.entries:
            return f'<p class="qa-notice">{views.esc(note)}</p>'
        parts = [f'<p class="qa-notice">{views.esc(note)} Letters that mention it in passing:</p>']
    else:
        said = f"{len(timeline.speaking)} letter(s) speak of {timeline.topic}"
        parts = [f'<p class="qa-meta">{views.esc(said)}; click a quote to open its letter.</p>']
    shown = None
    for e in timeline.entries:
        day = e.date.isoformat() if e.date else "undated"
        if day != shown:
            parts.append(f'<div class="qa-tl-date">{day} <span class="qa-tl-kind">({e.date_kind})</span></div>')
            shown = day
        passing = " qa-tl-passing" if e.in_passing else ""
        note = ' <span class="qa-meta">mentions it in passing</span>' if e.in_passing else ""
        quotes = "".join(
            f'<div class="qa-tl-quote"><button type="button" class="qa-cite" {_cite_attrs(q)} '
            f'title="Open the letter at this sentence">[{q.n}]</button> '
            f'<span class="qa-heading">§ {views.esc(q.section or "(untitled)")}</span>'
            f'<div class="qa-passage" data-cite="{q.n}" data-doc="{views.esc(q.doc_id)}" data-start="{q.start}" '
            f'data-end="{q.end}">{views.esc(" ".join(q.text.split()))}</div></div>'
            for q in e.quotes
        )
        parts.append(
            f'<div class="qa-source qa-tl-entry{passing}" data-doc="{views.esc(e.doc_id)}">'
            f'<div class="qa-source-head"><span class="qa-title">{views.esc(e.title)}</span>'
            f'<span class="qa-meta">{views.esc(e.kind)} · weight {e.weight:g}</span>{note}</div>{quotes}</div>'
        )
    return f'<div class="qa-sources qa-timeline">{"".join(parts)}</div>'


def timeline_figure(timeline):
    """One mark per dated letter: x its (meeting) date, y and size how many of its sentences are on the topic."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 2.8), dpi=100)
    dated = [e for e in timeline.entries if e.date]
    for passing, colour in ((False, "#1f6feb"), (True, "#9aa4b2")):
        group = [e for e in dated if e.in_passing == passing]
        if group:
            ax.scatter(
                [e.date for e in group], [e.weight for e in group], s=[40 + 40 * e.weight for e in group],
                c=colour, alpha=0.7, edgecolors="black", linewidths=0.5,
                label="mentions in passing" if passing else "speaks of it",
            )  # fmt: skip
    ax.set_ylabel("sentences on topic")
    ax.set_title(f"{timeline.topic}: what each letter said, by meeting date" if dated else "No dated letter")
    ax.grid(alpha=0.3)
    ax.set_ylim(0, max((e.weight for e in dated), default=1) * 1.3 + 0.5)  # room above the largest mark
    if dated:
        ax.legend(loc="upper center", fontsize=8, ncol=2, frameon=False)
    undated = len(timeline.entries) - len(dated)
    if undated:
        ax.text(1.0, -0.18, f"{undated} undated letter(s) not plotted", transform=ax.transAxes, ha="right", fontsize=8)
    fig.tight_layout()
    plt.close(fig)  # Gradio renders it; pyplot must not keep every figure alive
    return fig


def _date(text: str | None, label: str) -> date | None:
    from qa.app import parse_date

    return parse_date(text, label)


def add_timeline_tab(gr: Any, assistant: Any, documents: Mapping[str, Any]) -> None:
    """The Timeline tab, inside the app's Blocks (qa/app.py build_app)."""
    from qa.app import error_text

    def show(topic, since, until):
        try:
            timeline = assistant.timeline(topic or "", since=_date(since, "from"), until=_date(until, "until"))
        except QAError as exc:
            return views.render_placeholder(error_text(exc)), None
        return render_timeline(timeline), timeline_figure(timeline)

    def open_letter(evt):
        return views.letter_at(documents, getattr(evt, "_data", None) or {})

    open_letter.__annotations__["evt"] = gr.EventData  # Gradio finds the event argument by its type hint

    with gr.Tab("Timeline", id="timeline"):
        with gr.Row():
            topic = gr.Textbox(
                label="Topic", placeholder="Bijv.: Oekraïne · burden sharing · kernwapens", scale=4,
                elem_id="qa-tl-topic",
            )  # fmt: skip
            since = gr.Textbox(label="From (YYYY-MM-DD)", scale=1, elem_id="qa-tl-since")
            until = gr.Textbox(label="Until (YYYY-MM-DD)", scale=1, elem_id="qa-tl-until")
            run = gr.Button("Show timeline", variant="primary", scale=1, elem_id="qa-tl-run")
        chart = gr.Plot(label="How much each letter said, by meeting date", elem_id="qa-tl-chart")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                entries = gr.HTML(
                    views.render_placeholder(EMPTY_TEXT), js_on_load=views.SOURCES_JS, css_template=TIMELINE_CSS,
                    max_height=640, elem_id="qa-tl-entries",
                )  # fmt: skip
            with gr.Column(scale=2):
                letter = gr.HTML(
                    views.render_placeholder("Click a quote [n] to open its letter here."), js_on_load=views.LETTER_JS,
                    css_template=views.LETTER_CSS, max_height=640, elem_id="qa-tl-letter",
                )  # fmt: skip
        topic.submit(show, [topic, since, until], [entries, chart], api_visibility="private")
        run.click(show, [topic, since, until], [entries, chart], api_visibility="private")
        entries.click(open_letter, None, letter, api_visibility="private")
