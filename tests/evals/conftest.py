"""Helpers for the evaluation tests."""

from __future__ import annotations

import pytest


def summary_rows(report: str) -> dict[str, dict[str, str]]:
    """config name -> {column label: cell text} from report.md's Summary table."""
    section = report.split("## Summary", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    header, *body = [[c.strip() for c in row] for row in rows]
    return {row[0]: dict(zip(header, row, strict=True)) for row in body}


def _assert_report_matches_results(report: str, results: dict) -> None:
    from evals.report import SUMMARY_COLUMNS

    rows = summary_rows(report)
    assert list(rows) == list(results["configs"])
    for name, c in results["configs"].items():
        for label, key, sub, kind in SUMMARY_COLUMNS:
            value = c["summary"][key][sub] if sub else c["summary"][key]
            shown = rows[name][label]
            if value is None:
                assert shown == "n/a", (name, label, shown)
            else:  # printed with 3 decimals (rates) or 1 (milliseconds)
                tolerance = {"rate": 5e-4, "ms": 0.05, "int": 0}[kind]
                assert abs(float(shown) - value) <= tolerance + 1e-9, (name, label, shown, value)


@pytest.fixture(scope="session")
def assert_report_matches_results():
    """report.md's summary table, cell by cell, against the summaries in results.json."""
    return _assert_report_matches_results
