"""The model card: what the model is for, what it was trained on, and how well it does.

Rendered from the metadata at training time, so every figure in it was measured in that run.
"""

from __future__ import annotations

from typing import Any


def _figure(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def render_model_card(metadata: dict[str, Any]) -> str:
    """Markdown model card for a model's ``metadata``."""
    metrics = metadata.get("metrics", {})
    test = metrics.get("test", {})
    corpora = metrics.get("corpora", {})
    ruw = corpora.get("ruw", {}).get("heads", {})
    data = metadata["training_data"]
    lines = [
        f"# Model card: {metadata['name']} {metadata['version']}",
        "",
        f"Created {metadata['created']}; lexicon {metadata['lexicon_version']} ({metadata.get('lexicon_entries', '?')} entries).",
        "",
        "## Intended use",
        "",
        "Labels English statements about the NATO-Russia confrontation with the annotation guide's",
        "axis stance (`pro_russia`, `pro_nato`, `neutral`) and stance toward NATO and toward Russia",
        "(`favor`, `against`, `none`), with calibrated probabilities, for media monitoring and",
        "research at scale. It is an aid to reading, not a verdict on a speaker: check the",
        "statements behind any figure before publishing it.",
        "",
        "## Limitations",
        "",
        "- A linear model over word n-grams: it reads vocabulary, not argument. Sarcasm, negation",
        "  and long reported speech are its weak points; so are topics its corpus does not cover.",
        "- Trained on statements written for the project, in English only. Real text differs: compare",
        "  the own-test and real-corpus columns below before trusting a figure.",
        "- The real corpora carry their own label noise (see each SOURCE.md); RUW labels Russia and",
        "  Ukraine, not NATO, so the NATO head has no real-data figure.",
        "",
        "## Training data",
        "",
        f"- Files: {', '.join(data['files'])}",
        f"- SHA-256: `{data['sha256']}`",
        f"- Rows: {data['rows']['train']} training, {data['rows']['test']} held-out test (written separately, never fitted or tuned on)",
        f"- Stance labels in training: {data['label_counts'].get('stance', {})}",
        f"- Hyper-parameters by {metadata['search']['folds']}-fold cross-validation on the training rows "
        f"({metadata['search']['scoring']}): `{metadata['params']}`",
        f"- Features: {metadata.get('features', 'words')} (TF-IDF; `stancewatch train --features`)",
        "",
        "## Metrics: our test split and the real corpora, side by side",
        "",
        "| head | metric | own test split | RUW test (real tweets) |",
        "|---|---|---|---|",
    ]
    for head in ("stance", "nato", "russia"):
        for key in ("accuracy", "macro_f1", "f_avg"):
            own = test.get(head, {}).get(key)
            real = ruw.get(head, {}).get(key)
            if own is None and real is None:
                continue
            lines.append(f"| {head} | {key} | {_figure(own)} | {_figure(real)} |")
    lines += ["", "| real corpus | measure | value |", "|---|---|---|"]
    for name in ("euvsdisinfo", "voxcheck"):
        if name in corpora:
            lines.append(
                f"| {name} | recall of pro_russia (n={corpora[name]['n']}) | {corpora[name]['pro_russia_recall']:.3f} |"
            )
    unga = corpora.get("unga", {})
    for group, values in sorted(unga.get("groups", {}).items()):
        lines.append(
            f"| UN debate, ES-11/1 vote '{group}' (n={values['n']}) | share predicted pro_russia | {values['share_pro_russia']:.3f} |"
        )
    if "pro_russia_margin_no_minus_yes" in unga:
        lines.append(f"| UN debate | pro_russia share, no minus yes | {unga['pro_russia_margin_no_minus_yes']:+.3f} |")
    calibration = metrics.get("calibration", {})
    if calibration:
        lines += [
            "",
            "## Calibration on the test split (temperature scaling)",
            "",
            "| head | ECE before | ECE after | Brier before | Brier after |",
            "|---|---|---|---|---|",
        ]
        for head, values in calibration.items():
            lines.append(
                f"| {head} | {values['ece_before']:.3f} | {values['ece_after']:.3f} | "
                f"{values['brier_before']:.3f} | {values['brier_after']:.3f} |"
            )
    lines += [
        "",
        "## Reproduce",
        "",
        "`stancewatch train --out DIR` rebuilds this model from `data/` with the same seed;",
        "`stancewatch evaluate --data data/corpus --model DIR` and",
        "`stancewatch evaluate --corpus ruw --model DIR` re-measure the tables above.",
        "",
    ]
    return "\n".join(lines)
