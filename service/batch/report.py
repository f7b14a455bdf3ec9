"""The batch report: one self-contained HTML file with charts an analyst can paste into a briefing.

Tallies are gathered chunk by chunk while scoring (so memory stays bounded and a resumed run
restores them from its checkpoint); charts are drawn with matplotlib and inlined as SVG, so the
file needs no network and no other file.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to files only
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from model.labels import Category, Stance, TargetStance

_SEPARATOR = "\x1f"
STANCE_COLOURS = {"pro_russia": "#c0392b", "pro_nato": "#2e6da4", "neutral": "#8c8c8c"}
TARGET_COLOURS = {"favor": "#27ae60", "against": "#c0392b", "none": "#b0b0b0"}
CATEGORY_COLOURS = {
    "delegitimizing_label": "#8e44ad",
    "demonizing_label": "#c0392b",
    "euphemism": "#16a085",
    "conspiracy_frame": "#d35400",
    "emotive_intensifier": "#2c3e50",
}
TOP_TERMS = 20
TOP_GROUPS = 15


@dataclass
class ReportData:
    """Running tallies of a batch run."""

    columns: list[str]
    group_index: int | None = None
    date_index: int | None = None
    stance: Counter[str] = field(default_factory=Counter)
    nato: Counter[str] = field(default_factory=Counter)
    russia: Counter[str] = field(default_factory=Counter)
    terms: Counter[str] = field(default_factory=Counter)  # category, term
    targets: Counter[str] = field(default_factory=Counter)  # target, category
    term_voices: Counter[str] = field(default_factory=Counter)
    groups: Counter[str] = field(default_factory=Counter)  # group, stance
    months: Counter[str] = field(default_factory=Counter)  # month, stance
    errors: int = 0
    detailed: bool = True  # False: count labels only (no report was asked for)

    @classmethod
    def for_columns(
        cls, columns: list[str], group_by: str | None, date_column: str | None, detailed: bool = True
    ) -> ReportData:
        return cls(
            columns=columns,
            group_index=columns.index(group_by) if group_by else None,
            date_index=columns.index(date_column) if date_column else None,
            detailed=detailed,
        )

    def add(self, rows: list[list[Any]], scored: dict[str, list[Any]]) -> None:
        """Count one chunk: its input rows and its appended columns."""
        import json

        stances = scored["stance"]
        self.stance.update(s for s in stances if s)
        self.nato.update(s for s in scored["nato"] if s)
        self.russia.update(s for s in scored["russia"] if s)
        self.errors += sum(1 for e in scored["error"] if e)
        if not self.detailed:
            return
        for spans in scored["loaded_terms_json"]:
            if not spans or spans == "[]":
                continue
            for span in json.loads(spans):
                self.terms[span["category"] + _SEPARATOR + span["term"].lower()] += 1
                self.targets[(span["target"] or "(unclear)") + _SEPARATOR + span["category"]] += 1
                self.term_voices[span["voice"]] += 1
        if self.group_index is not None:
            for row, stance in zip(rows, stances, strict=True):
                if stance:
                    self.groups[f"{row[self.group_index]}{_SEPARATOR}{stance}"] += 1
        if self.date_index is not None:
            dates = pd.to_datetime(
                pd.Series([row[self.date_index] for row in rows], dtype=object),
                errors="coerce",
                format="mixed",
                utc=True,
            )
            for month, stance in zip(dates.dt.strftime("%Y-%m"), stances, strict=True):
                if stance and isinstance(month, str):
                    self.months[f"{month}{_SEPARATOR}{stance}"] += 1

    def state(self) -> dict[str, Any]:
        """The tallies as JSON-ready data, for the checkpoint of a resumable run."""
        names = ("stance", "nato", "russia", "terms", "targets", "term_voices", "groups", "months")
        return {name: dict(getattr(self, name)) for name in names} | {"errors": self.errors}

    def restore(self, state: dict[str, Any]) -> None:
        for name, values in state.items():
            if name == "errors":
                self.errors = int(values)
            else:
                setattr(self, name, Counter(values))


def _pairs(counter: Counter[str]) -> pd.DataFrame:
    rows = [(*key.split(_SEPARATOR, 1), count) for key, count in counter.items()]
    return pd.DataFrame(rows, columns=["key", "label", "count"])


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _bar_chart(counts: dict[str, int], title: str, colours: dict[str, str]) -> str:
    figure, axis = plt.subplots(figsize=(6, 2.8))
    labels = list(counts)
    axis.bar(labels, [counts[label] for label in labels], color=[colours.get(label, "#777") for label in labels])
    axis.set_title(title)
    axis.set_ylabel("statements")
    for position, label in enumerate(labels):
        axis.annotate(f"{counts[label]:,}", (position, counts[label]), ha="center", va="bottom", fontsize=8)
    return _svg(figure)


def _targets_chart(data: ReportData) -> str:
    figure, axis = plt.subplots(figsize=(6, 2.8))
    heads = {"NATO": data.nato, "Russia": data.russia}
    width = 0.25
    for offset, label in enumerate(TargetStance):
        values = [heads[head].get(label, 0) for head in heads]
        axis.bar(
            [i + (offset - 1) * width for i in range(len(heads))],
            values,
            width,
            label=label.value,
            color=TARGET_COLOURS[label.value],
        )
    axis.set_xticks(range(len(heads)), list(heads))
    axis.set_title("Stance toward each target")
    axis.legend(frameon=False, fontsize=8)
    return _svg(figure)


def _terms_chart(data: ReportData) -> str:
    frame = _pairs(data.terms).sort_values("count", ascending=False).head(TOP_TERMS).iloc[::-1]
    figure, axis = plt.subplots(figsize=(6, max(2.5, 0.28 * len(frame) + 0.8)))
    axis.barh(frame["label"], frame["count"], color=[CATEGORY_COLOURS.get(c, "#777") for c in frame["key"]])
    axis.set_title(f"Most frequent loaded terms (top {TOP_TERMS}), coloured by category")
    handles = [Patch(color=CATEGORY_COLOURS[c.value]) for c in Category]
    axis.legend(handles, [c.value for c in Category], frameon=False, fontsize=7, loc="lower right")
    return _svg(figure)


def _stacked(frame: pd.DataFrame, order: list[str], colours: dict[str, str], title: str, horizontal: bool) -> str:
    table = frame.pivot_table(index="key", columns="label", values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=[c for c in order if c in table.columns])
    figure, axis = plt.subplots(figsize=(6, max(2.5, 0.3 * len(table) + 0.8)) if horizontal else (7, 3))
    table.plot(
        kind="barh" if horizontal else "bar",
        stacked=True,
        ax=axis,
        color=[colours.get(c, "#777") for c in table.columns],
        width=0.8,
    )
    axis.set_title(title)
    axis.set_xlabel("")
    axis.set_ylabel("")
    axis.legend(frameon=False, fontsize=7)
    return _svg(figure)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_report(path: Path, data: ReportData, source: str, summary: str) -> None:
    """Write the HTML report of a run's tallies to ``path``."""
    stance_order = [s.value for s in Stance]
    sections = [
        "<h2>Stance</h2>",
        _bar_chart({label: data.stance.get(label, 0) for label in stance_order}, "Axis stance", STANCE_COLOURS),
        _targets_chart(data),
    ]
    if data.terms:
        terms = _pairs(data.terms)
        by_category = terms.groupby("key")["count"].sum().sort_values(ascending=False)
        sections += [
            "<h2>Loaded framing</h2>",
            _terms_chart(data),
            _table(["category", "loaded terms"], [[k, int(v)] for k, v in by_category.items()]),
            _stacked(
                _pairs(data.targets).nlargest(TOP_GROUPS * 3, "count"),
                [c.value for c in Category],
                CATEGORY_COLOURS,
                "Loaded terms by target and category",
                horizontal=True,
            ),
            _table(["voice", "loaded terms"], [[k, v] for k, v in data.term_voices.most_common()]),
        ]
    else:
        sections.append("<h2>Loaded framing</h2><p>No loaded terms found.</p>")
    if data.groups:
        groups = _pairs(data.groups)
        top = groups.groupby("key")["count"].sum().nlargest(TOP_GROUPS).index
        sections += [
            "<h2>By group</h2>",
            _stacked(
                groups[groups["key"].isin(top)],
                stance_order,
                STANCE_COLOURS,
                f"Stance by {data.columns[data.group_index or 0]} (top {TOP_GROUPS})",
                horizontal=True,
            ),
        ]
    if data.months:
        sections += [
            "<h2>Over time</h2>",
            _stacked(
                _pairs(data.months).sort_values("key"),
                stance_order,
                STANCE_COLOURS,
                "Stance by month",
                horizontal=False,
            ),
        ]
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stancewatch report: {html.escape(source)}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; max-width: 980px; margin: 2em auto; color: #222; padding: 0 1em; }}
h1 {{ font-size: 1.5em; }} h2 {{ border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 1.6em; }}
svg {{ max-width: 100%; height: auto; display: block; margin: .8em 0; }}
table {{ border-collapse: collapse; margin: .6em 0; }} td, th {{ border: 1px solid #ddd; padding: .25em .6em; text-align: left; }}
.summary {{ background: #f6f6f6; padding: .6em .8em; border-radius: 4px; }}
</style></head><body>
<h1>stancewatch report</h1>
<p class="summary">{html.escape(summary)}<br>Source: {html.escape(source)}. Generated
{datetime.now(UTC).isoformat(timespec="seconds")}. Rows with errors: {data.errors:,}.</p>
{"".join(sections)}
</body></html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document, encoding="utf-8")
