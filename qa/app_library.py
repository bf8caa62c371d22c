"""The Documents tab's own letters: upload into the library (qa/library.py), remove, and answer them at once.

The uploaded files are read where Gradio put them; their names are shown and turned into letter ids, never used
as paths. Where QA_USERNAME/QA_PASSWORD are set, only a logged-in user may add or remove.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from qa.errors import QAError

log = logging.getLogger(__name__)
MAX_UPLOAD = "20mb"  # Gradio refuses bigger files before they reach us; qa/library.py checks again
FILE_TYPES = [".txt", ".md", ".pdf"]


def library_choices(library) -> list[tuple[str, str]]:
    return [(f"{e.title or e.id} ({e.id})", e.id) for e in library.entries()] if library is not None else []


def add_summary(result) -> str:
    lines = []
    for e in result.added:
        verb = "Replaced" if e.id in result.replaced else "Added"
        lines.append(f"- ✅ {verb} **{e.id}**: {e.title} ({e.kind}, {e.date or 'undated'}, {e.passages} passages)")
    for source, doc_id in result.duplicates:
        lines.append(f"- ℹ️ `{source}`: already in the library (its text is letter {doc_id}); nothing added")
    for r in result.rejected:
        lines.append(f"- ⚠️ `{r.source}`: {r.reason}; not added")
    for w in result.warnings:
        lines.append(f"- ⚠️ {w}")
    return "\n".join(lines) or "Nothing to add."


def library_panel(gr, assistant, library, documents: dict, auth_required: bool, refresh_outputs: list) -> None:
    """The upload and remove controls; after a change, refresh_outputs [overview, doc_pick, chat letter filter]
    get the new letters."""
    from qa import app_views as views

    with gr.Accordion("Your own letters", open=True, elem_id="qa-library"):
        if library is None or not hasattr(assistant, "refresh"):
            gr.Markdown("This app was started with `--path`: it answers from that folder only; uploads are off.")
            return
        gr.Markdown(
            f"Add letters (.txt, .md, .pdf; at most {MAX_UPLOAD.upper()} each) to the library in `{library.home}`. "
            "They are indexed beside the bundled five and answerable in the chat as soon as this finishes."
        )
        files = gr.File(file_count="multiple", file_types=FILE_TYPES, label="Letters to add", elem_id="qa-upload")
        add_button = gr.Button("Add to the library", variant="primary", elem_id="qa-upload-add")
        status = gr.Markdown(elem_id="qa-upload-status")
        with gr.Row():
            remove_pick = gr.Dropdown(
                choices=library_choices(library),
                multiselect=True,
                label="Letters in the library",
                elem_id="qa-remove-pick",
            )
            remove_button = gr.Button("Remove", variant="stop", elem_id="qa-remove")

    def allowed(request) -> bool:
        return not auth_required or bool(getattr(request, "username", None))

    def refreshed(message: str):
        assistant.refresh()
        current = assistant.corpus.documents
        documents.clear()
        documents.update({d.doc_id: d for d in current})
        choices = [(d.title if d.title else d.doc_id, d.doc_id) for d in current]
        if len({label for label, _ in choices}) < len(choices):
            choices = [(f"{d.title} ({d.doc_id})", d.doc_id) for d in current]
        return (
            message,
            None,
            gr.update(choices=library_choices(library), value=[]),
            views.render_overview(current),
            gr.update(choices=choices),
            gr.update(choices=choices),
        )

    def unchanged(message: str):
        return message, gr.update(), gr.update(), gr.update(), gr.update(), gr.update()

    def add(paths: Any, request: gr.Request, progress=gr.Progress(track_tqdm=True)):  # noqa: B008 (Gradio's way)
        if not allowed(request):
            return unchanged("**⚠️ Log in to add letters.**")
        if not paths:
            return unchanged("Choose one or more files first.")
        paths = [str(p) for p in (paths if isinstance(paths, list) else [paths])]
        progress(0, desc="Reading the letters")
        try:
            result = library.add(paths, names=[Path(p).name for p in paths], build=assistant.library_builder())
            progress(0.95, desc="Opening the new index")
            return refreshed(add_summary(result)) if result.added else unchanged(add_summary(result))
        except QAError as exc:
            return unchanged(f"**⚠️ {exc}**")
        except Exception as exc:
            log.exception("adding letters failed")
            return unchanged(f"**⚠️ Adding failed ({type(exc).__name__}); the library is unchanged.**")

    def remove(ids: Any, request: gr.Request, progress=gr.Progress(track_tqdm=True)):  # noqa: B008
        if not allowed(request):
            return unchanged("**⚠️ Log in to remove letters.**")
        if not ids:
            return unchanged("Choose the letters to remove first.")
        progress(0, desc="Removing")
        try:
            removed = library.remove(list(ids), build=assistant.library_builder())
        except QAError as exc:
            return unchanged(f"**⚠️ {exc}**")
        return refreshed("\n".join(f"- 🗑️ Removed **{i}**" for i in removed))

    outputs = [status, files, remove_pick, *refresh_outputs]
    add_button.click(add, files, outputs, api_visibility="private", concurrency_id="library", concurrency_limit=1)
    remove_button.click(
        remove, remove_pick, outputs, api_visibility="private", concurrency_id="library", concurrency_limit=1
    )
