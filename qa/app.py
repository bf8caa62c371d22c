"""The Gradio chat: `serve()` for `qa serve`, `build_app(assistant)` for tests.

Chat with streamed, cited answers; a sources panel whose citations open the whole letter at the cited span;
filters by letter and date; a Documents tab; an Evaluation tab that runs the benchmark. Every error a user can
cause reaches the chat as a sentence, never a stack trace. HTML is made in `qa.app_views`.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from qa import app_views as views
from qa.app_eval import eval_choices, run_benchmark
from qa.errors import MissingExtraError, QAError, QuestionError

if TYPE_CHECKING:
    import gradio as gr

    from qa.assistant import Assistant

log = logging.getLogger(__name__)

USERNAME_ENV = "QA_USERNAME"
PASSWORD_ENV = "QA_PASSWORD"
HISTORY_TURNS = 3  # previous (question, answer) pairs handed to the assistant for follow-ups
STREAM_DELAY_S = 0.02  # pause between streamed chunks, so the answer visibly grows
EXAMPLES = (
    "Hoeveel draagt Nederland bij aan het Revolving Fund?",
    "Welke bondgenoten tekenden de Letter of Intent over grondgebonden luchtverdediging?",
    "Wat is er besproken over de NAVO-missie in Irak?",
    "What did the ministers decide about the NATO mission in Iraq?",
    "What was said about climate change and security?",
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

def _gradio():
    try:
        import gradio as gr
    except ImportError as exc:
        raise MissingExtraError("gradio", "ui") from exc
    return gr


# ---------------------------------------------------------------- inputs


def parse_date(value: str | None, label: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        msg = f"the {label} date {text!r} is not a valid date; write it as YYYY-MM-DD, e.g. 2020-06-17"
        raise QuestionError(msg) from None


def parse_filters(
    assistant: Assistant, doc_ids: Sequence[str] | str | None, since: str | None, until: str | None
) -> tuple[list[str] | None, date | None, date | None]:
    """Letter ids (titles are accepted too) and a date range, or QuestionError saying what is wrong."""
    if isinstance(doc_ids, str):
        doc_ids = [doc_ids] if doc_ids.strip() else []
    by_title = {d.title: d.doc_id for d in assistant.corpus.documents}
    known = {d.doc_id for d in assistant.corpus.documents}
    ids = []
    for d in doc_ids or ():
        d = str(d).strip()
        if d in known:
            ids.append(d)
        elif d in by_title:
            ids.append(by_title[d])
        else:
            raise QuestionError(f"unknown letter {d!r} in the filter; choose from: {', '.join(sorted(by_title))}")
    since_d, until_d = parse_date(since, "from"), parse_date(until, "until")
    if since_d and until_d and since_d > until_d:
        raise QuestionError(f"the date range is empty: from {since_d} is after until {until_d}")
    return ids or None, since_d, until_d


def _history_pairs(history: Any) -> list[tuple[str, str]]:
    pairs = []
    for item in history or ():
        if isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(x, str) for x in item):
            pairs.append((item[0], item[1]))
    return pairs[-HISTORY_TURNS:]


def error_text(exc: BaseException) -> str:
    """What the user reads: the QAError's own sentence, or a short note (the details go to the server log)."""
    if isinstance(exc, QAError):
        msg = str(exc)
        return msg[:1].upper() + msg[1:]
    if isinstance(exc, ImportError):
        return f"This part of the assistant is not available ({exc}). The app keeps running."
    return f"Something went wrong while answering ({type(exc).__name__}). The app keeps running; please try again."


def cite_links(text: str, citations) -> str:
    """Each [n] of an answer as a link that opens its source: #cite/doc/start/end/n (CHAT_LINKS_JS follows it)."""
    by_n = {c.n: c for c in citations}

    def link(match: re.Match) -> str:
        c = by_n.get(int(match.group(1)))
        return f"[[{c.n}]](#cite/{c.doc_id}/{c.start}/{c.end}/{c.n})" if c else match.group(0)

    return re.sub(r"\[(\d+)\]", link, text)


def chat_text(text: str) -> str:
    """User or letter text for the chat bubble (Markdown): HTML specials escaped, so none of it becomes markup."""
    return views.esc(text).replace("&quot;", '"').replace("&#x27;", "'")


# ---------------------------------------------------------------- the app


def build_app(assistant: Assistant, library=None) -> gr.Blocks:
    """library: the letters library (qa/library.py) the Documents tab uploads into, where assistant can refresh."""
    gr = _gradio()
    documents = {d.doc_id: d for d in assistant.corpus.documents}
    letter_choices = [(f"{d.title}", d.doc_id) for d in assistant.corpus.documents]
    if len({label for label, _ in letter_choices}) < len(letter_choices):
        letter_choices = [(f"{d.title} ({d.doc_id})", d.doc_id) for d in assistant.corpus.documents]

    def ask_answer(question, doc_ids, since, until, history):
        ids, since_d, until_d = parse_filters(assistant, doc_ids, since, until)
        return assistant.ask(question or "", doc_ids=ids, since=since_d, until=until_d, history=_history_pairs(history))

    # ---- chat
    def respond(question, messages, history, doc_ids, since, until) -> Iterator[tuple]:
        messages = list(messages or [])
        history = list(history or [])
        question = question or ""
        # The question always gets a bubble of its own, so a warning about it never joins the previous answer's
        messages.append({"role": "user", "content": chat_text(question) if question.strip() else "_(empty question)_"})
        searching = views.render_placeholder("Searching the letters…")
        yield (
            [*messages, {"role": "assistant", "content": "_Searching the letters…_"}],
            "",
            searching,
            gr.skip(),
            history,
        )
        try:
            answer = ask_answer(question, doc_ids, since, until, history)
        except Exception as exc:
            if not isinstance(exc, QAError):
                log.exception("answering %r failed", question)
            messages.append({"role": "assistant", "content": f"**⚠️ {chat_text(error_text(exc))}**"})
            yield (
                messages,
                question,
                views.render_placeholder("No sources: the question was not answered."),
                None,
                history,
            )
            return
        sources = views.render_sources(answer, documents)
        for part in views.stream_chunks(answer.answer):
            yield (
                [*messages, {"role": "assistant", "content": chat_text(part) + " ▌"}],
                "",
                searching,
                gr.skip(),
                history,
            )
            time.sleep(STREAM_DELAY_S)
        messages.append({"role": "assistant", "content": cite_links(chat_text(answer.answer), answer.citations)})
        history.append([answer.question or question, answer.answer])
        yield messages, "", sources, answer.to_dict(), history

    def open_letter(evt):
        return views.letter_at(documents, getattr(evt, "_data", None) or {})

    # Gradio finds the event argument by its type hint; a real object, since `gr` is local here.
    open_letter.__annotations__["evt"] = gr.EventData

    def clear():
        return (
            [],
            "",
            views.render_placeholder("Ask a question; the cited passages appear here."),
            None,
            [],
            views.render_placeholder("Click a citation [n] to open its letter here."),
        )

    # ---- API: the same answer as the chat, as JSON
    def ask(
        question: str,
        doc_ids: list[str] | None = None,
        since: str = "",
        until: str = "",
        history: list[list[str]] | None = None,
    ) -> dict:
        """Answer a question about the letters, with citations. doc_ids: letter ids or titles; since/until: YYYY-MM-DD;
        history: previous [question, answer] pairs, for follow-up questions."""
        try:
            return ask_answer(question, doc_ids, since, until, history).to_dict()
        except QAError as exc:
            raise gr.Error(error_text(exc), print_exception=False) from None
        except Exception as exc:
            log.exception("API ask %r failed", question)
            raise gr.Error(error_text(exc), print_exception=False) from None

    # ---- documents
    def show_document(doc_id):
        doc = documents.get(doc_id or "")
        if doc is None:
            return views.render_placeholder("Choose a letter.")
        return views.render_letter(doc, with_sections=True)

    # ---- evaluation
    def evaluate(names, progress=gr.Progress(track_tqdm=True)):  # noqa: B008 (Gradio's way to ask for a bar)
        if not names:
            return "**⚠️ Choose at least one configuration.**", "", None, None
        progress(0, desc="Starting the evaluation")
        try:
            return run_benchmark(assistant, names)
        except Exception as exc:
            if not isinstance(exc, QAError):
                log.exception("evaluation failed")
            return f"**⚠️ {chat_text(error_text(exc))}**", "", None, None

    with gr.Blocks(title="NAVO-brieven · vragen met bronnen") as demo:
        gr.Markdown(
            "## Vragen over de NAVO-brieven aan de Tweede Kamer\n"
            "Ask in Dutch or English. Answers quote the letters; each marker [n] is a source on the right — "
            "click it to open the letter at the cited passage."
        )
        with gr.Tab("Chat", id="chat"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        height=520,
                        elem_id="qa-chat",
                        feedback_options=None,
                        buttons=["copy"],
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            label="Question",
                            placeholder="Bijv.: Hoeveel draagt Nederland bij aan het Revolving Fund?",
                            scale=5,
                            max_lines=4,
                            elem_id="qa-question",
                            autofocus=True,
                        )
                        send = gr.Button("Ask", variant="primary", scale=1, elem_id="qa-send")
                    gr.Markdown("**Examples** (click to ask)")
                    with gr.Row(elem_id="qa-examples"):
                        example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in EXAMPLES]
                    with gr.Accordion("Filters", open=False, elem_id="qa-filters"):
                        letters = gr.Dropdown(
                            choices=letter_choices,
                            multiselect=True,
                            label="Letters (none chosen: all)",
                            elem_id="qa-letters",
                        )
                        with gr.Row():
                            since = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="2020-01-01", elem_id="qa-since")
                            until = gr.Textbox(label="Until (YYYY-MM-DD)", placeholder="2021-12-31", elem_id="qa-until")
                    new_chat = gr.Button("New conversation", size="sm")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(
                        views.render_placeholder("Ask a question; the cited passages appear here."),
                        js_on_load=views.SOURCES_JS + views.CHAT_LINKS_JS,
                        css_template=views.SOURCES_CSS,
                        max_height=520,
                        elem_id="qa-sources",
                    )
                    gr.Markdown("### Letter")
                    letter = gr.HTML(
                        views.render_placeholder("Click a citation [n] to open its letter here."),
                        js_on_load=views.LETTER_JS,
                        css_template=views.LETTER_CSS,
                        max_height=520,
                        elem_id="qa-letter",
                    )
            history = gr.State([])
            last_answer = gr.JSON(visible=False)

        with gr.Tab("Documents", id="documents"):
            overview = gr.HTML(
                views.render_overview(assistant.corpus.documents),
                css_template=views.LETTER_CSS,
                js_on_load=None,
                elem_id="qa-overview",
            )
            first = assistant.corpus.documents[0].doc_id if assistant.corpus.documents else None
            doc_pick = gr.Dropdown(choices=letter_choices, value=first, label="Letter", elem_id="qa-doc-pick")
            doc_view = gr.HTML(
                show_document(first), css_template=views.LETTER_CSS, js_on_load=None, elem_id="qa-doc-view"
            )
            doc_pick.change(show_document, doc_pick, doc_view, api_visibility="private")
            from qa.app_library import library_panel

            library_panel(gr, assistant, library, documents, auth_from_env() is not None, [overview, doc_pick, letters])

        with gr.Tab("Evaluation", id="evaluation"):
            gr.Markdown(
                "Runs the evaluation questions (`evals/questions.jsonl`) through the assistant on this index and "
                "reports retrieval and answer metrics per configuration. A few minutes per configuration."
            )
            labels, ticked = eval_choices(assistant)
            configs = gr.CheckboxGroup(choices=labels, value=ticked, label="Configurations", elem_id="qa-eval-configs")
            run_eval = gr.Button("Run evaluation", variant="primary", elem_id="qa-eval-run")
            eval_summary = gr.Markdown(elem_id="qa-eval-summary")
            with gr.Row():
                metrics_img = gr.Image(label="Metrics", type="filepath", interactive=False, elem_id="qa-eval-metrics")
                latency_img = gr.Image(label="Latency", type="filepath", interactive=False, elem_id="qa-eval-latency")
            with gr.Accordion("Full report (report.md)", open=False):
                eval_report = gr.Markdown(elem_id="qa-eval-report")
            run_eval.click(
                evaluate,
                configs,
                [eval_summary, eval_report, metrics_img, latency_img],
                api_visibility="private",
                concurrency_limit=1,
                concurrency_id="evaluation",
            )

        from qa.app_timeline import add_timeline_tab

        add_timeline_tab(gr, assistant, documents)

        chat_outputs = [chatbot, question, sources, last_answer, history]
        chat_inputs = [question, chatbot, history, letters, since, until]
        question.submit(respond, chat_inputs, chat_outputs, api_visibility="private")
        send.click(respond, chat_inputs, chat_outputs, api_visibility="private")
        for button, text in zip(example_buttons, EXAMPLES, strict=True):
            button.click(lambda t=text: t, None, question, queue=False, api_visibility="private").then(
                respond, chat_inputs, chat_outputs, api_visibility="private"
            )
        sources.click(open_letter, None, letter, api_visibility="private")
        new_chat.click(clear, None, [*chat_outputs, letter], queue=False, api_visibility="private")
        gr.api(ask, api_name="ask")
    return demo


# ---------------------------------------------------------------- serving


def auth_from_env() -> tuple[str, str] | None:
    user, password = os.environ.get(USERNAME_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    if bool(user) != bool(password):
        raise QAError(f"set both {USERNAME_ENV} and {PASSWORD_ENV} to require a login, or neither")
    return (user, password) if user else None


def serve(
    host: str = "127.0.0.1", port: int = 7860, index_dir: str | None = None, corpus_dir: str | None = None
) -> None:
    """Load the index once, then serve the app until interrupted (never through a public share link)."""
    _gradio()
    auth = auth_from_env()
    from qa.assistant import Assistant

    assistant = Assistant.load(index_dir=index_dir, corpus_dir=corpus_dir, progress=True)
    for problem in assistant.corpus.problems:  # a letter left out is named, never skipped without a word
        log.warning("%s%s", problem.message, "; skipped" if problem.skipped else "")
    library = None
    if not corpus_dir:  # the bundled five plus the library: uploads go there, and the chat answers them at once
        from qa.library import Library, LiveAssistant

        library = Library()
        assistant = LiveAssistant(assistant, library, index_dir)
    if host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        log.warning("serving on %s without a login; set %s and %s to require one", host, USERNAME_ENV, PASSWORD_ENV)
    demo = build_app(assistant, library)
    from qa.app_library import MAX_UPLOAD

    demo.queue(default_concurrency_limit=1).launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        show_error=False,
        inbrowser=False,
        max_file_size=MAX_UPLOAD,
    )
