"""The app's Evaluation tab: which benchmark configurations it offers, and running them on the app's index."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import QAError

if TYPE_CHECKING:
    from qa.assistant import Assistant


EVAL_DEFAULT = ("hybrid", "bm25")  # the runner's default configuration, and BM25 alone for comparison


def eval_choices(assistant: Assistant) -> tuple[list[tuple[str, str]], list[str]]:
    """(label, name) of the runner's configurations this app's encoder can run, and the ones ticked at first.

    Without the runner (not installed yet): the default names, so the tab still shows and explains itself.
    """
    try:
        from evals.configs import CONFIGS, DEFAULT_CONFIG
    except ImportError:
        return [(n, n) for n in EVAL_DEFAULT], list(EVAL_DEFAULT)
    encoder = getattr(getattr(assistant, "encoder", None), "name", None)
    usable = [c for c in CONFIGS.values() if encoder is None or c.encoder == encoder]
    labels = [(f"{c.name} — {c.description}" if c.description else c.name, c.name) for c in usable]
    ticked = [n for n in (DEFAULT_CONFIG, *EVAL_DEFAULT) if any(c.name == n for c in usable)]
    return labels, list(dict.fromkeys(ticked))


def run_benchmark(
    assistant: Assistant, config_names: Sequence[str] | None, out_dir: str | Path | None = None
) -> tuple[str, str, str | None, str | None]:
    """Run the evaluation (evals.runner, imported here) on this app's index; write its four files to out_dir.

    Returns (summary Markdown, full report Markdown, metrics.png path, latency.png path). The runner's tqdm bar is
    what a `gr.Progress(track_tqdm=True)` shows. Each configuration runs on its own Assistant over the same
    index and encoder, so the one serving the chat keeps its settings.
    """
    try:
        from evals.cli import read_questions
        from evals.configs import select_configs
        from evals.report import summary_table, write_outputs
        from evals.runner import run_eval
    except ImportError as exc:
        raise QAError(f"the evaluation runner is not available in this installation ({exc})") from None
    configs = select_configs(list(config_names or EVAL_DEFAULT))
    encoder = getattr(assistant.encoder, "name", None)
    foreign = [c.name for c in configs if c.encoder != encoder]
    if foreign:
        raise QAError(f"configuration(s) {', '.join(foreign)} need another encoder than this app's ({encoder})")
    questions = read_questions(None)

    def loader(_encoder_name: str):
        return type(assistant)(assistant.corpus, assistant.index, assistant.encoder)

    results = run_eval(questions, configs, progress=True, loader=loader)
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="qa-eval-"))
    paths = write_outputs(results, out)
    meta = results.get("meta", {})
    summary = (
        f"### Summary\n\n{summary_table(results)}\n\n"
        f"{meta.get('n_questions', '?')} questions, {meta.get('elapsed_s', '?')} s. "
        f"Files (results.json, report.md, metrics.png, latency.png) in `{out}`."
    )
    report = paths["report.md"].read_text(encoding="utf-8")
    images = [str(paths[n]) if paths[n].exists() else None for n in ("metrics.png", "latency.png")]
    return summary, report, images[0], images[1]
