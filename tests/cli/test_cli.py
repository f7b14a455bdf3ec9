"""The command line: thin verbs over the functions the other tests cover."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stancewatch.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("stancewatch ")


def test_analyze_prints_the_document_result(
    toy_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("The Cuban regime backed Moscow. Delegates met in Geneva.", encoding="utf-8")
    assert main(["analyze", str(article), "--title", "Havana and Moscow", "--model", str(toy_model_dir)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["sentences"]) == 3 and result["model"]["name"] == "toy"


def test_score_writes_output_and_a_summary(
    toy_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,NATO expansion threatens Russia\n2,\n", encoding="utf-8")
    assert main(["score", str(source), "--model", str(toy_model_dir), "--quiet"]) == 0
    assert (tmp_path / "in.scored.csv").is_file()
    assert "scored 2 rows, 1 errors" in capsys.readouterr().err


def test_errors_are_one_clear_line_and_exit_2(
    toy_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,body\n1,hello\n", encoding="utf-8")
    assert main(["score", str(source), "--model", str(toy_model_dir), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "error: Column 'text' (--text-column) is missing" in error and "Traceback" not in error


def test_bad_model_directory_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "-", "--model", str(tmp_path / "none")]) == 2
    assert "metadata.json is missing" in capsys.readouterr().err


def test_lexicon_check_on_a_toy_lexicon(toy_lexicon_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lexicon", "check", "--lexicon", str(toy_lexicon_dir)]) == 0
    assert "0 problems" in capsys.readouterr().out


def test_train_and_evaluate_from_the_command_line(
    tmp_path: Path, toy_lexicon_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.training.test_train import write_toy_corpus

    data = write_toy_corpus(tmp_path / "c.jsonl")
    out = tmp_path / "model"
    assert (
        main(
            [
                "train",
                "--data",
                str(data),
                "--out",
                str(out),
                "--lexicon",
                str(toy_lexicon_dir),
                "--no-search",
                "--corpora-dir",
                str(tmp_path / "none"),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["evaluate", "--data", str(data), "--model", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 12 and set(result["heads"]) == {"stance", "nato", "russia"}
    assert main(["evaluate", "--data", str(data), "--model", str(out)]) == 0
    table = capsys.readouterr().out
    assert "macro-F1=" in table and "confusion" in table


def test_malformed_training_file_names_file_line_and_column(
    tmp_path: Path, toy_lexicon_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "mine.csv"
    data.write_text("text,stance\nhello,pro_nato\nbye,pro_moon\n", encoding="utf-8")
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m"), "--lexicon", str(toy_lexicon_dir)]) == 2
    assert "mine.csv, line 3, column 'stance': unknown label 'pro_moon'" in capsys.readouterr().err


def test_default_model_is_built_when_missing_and_rebuilt_when_the_corpus_changes(
    tmp_path: Path, toy_lexicon_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stancewatch import cli
    from tests.training.test_train import write_toy_corpus
    from training import train as training

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_toy_corpus(corpus / "toy.jsonl")
    default = tmp_path / "models" / "default"
    monkeypatch.setattr(cli, "DEFAULT_MODEL_DIR", default)
    monkeypatch.setattr(cli, "CORPUS_DIR", corpus)
    monkeypatch.setattr(cli, "LEXICON_DIR", toy_lexicon_dir)
    builds: list[Path] = []
    real_train = training.train

    def train_toy(**kwargs: object) -> Path:
        builds.append(kwargs["out"])  # type: ignore[arg-type]
        return real_train(data=[corpus], out=kwargs["out"], lexicon_dir=toy_lexicon_dir, run_search=False)  # type: ignore[arg-type]

    monkeypatch.setattr(training, "train", train_toy)
    assert cli.ensure_default_model(default) == default and len(builds) == 1
    assert (default / "metadata.json").is_file()
    cli.ensure_default_model(default)
    assert len(builds) == 1, "an up-to-date default model was rebuilt"
    with (corpus / "toy.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"id": "new", "text": "A new statement about the alliance", "stance": "neutral"}\n')
    cli.ensure_default_model(default)
    assert len(builds) == 2, "a changed corpus did not rebuild the default model"
    other = tmp_path / "mine"
    assert cli.ensure_default_model(other) == other and len(builds) == 2, "a user's model must never be rebuilt"
