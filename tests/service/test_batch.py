"""Batch scoring: every row and column kept in order, bad rows flagged not dropped, formats,
parallel jobs, resume after interruption, atomic output, the report."""

from __future__ import annotations

import csv
import errno
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model.exceptions import InputError
from model.predictor import StanceModel
from service.batch import runner, scoring
from service.batch.formats import Writer
from service.batch.runner import ScoreOptions, score_file
from service.batch.scoring import OUTPUT_COLUMNS

TEXTS = [
    "NATO expansion threatens Russia and provokes the war",
    "We stand with Ukraine against the Russian invasion",
    "Delegates met in Geneva for a second round of talks",
    '"The Kiev regime lies," the ministry said.',
    "The Cuban regime sided with Moscow again",
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or ["id", "outlet", "text"])
        writer.writerows(rows)
    return path


def many_rows(count: int) -> list[list[str]]:
    return [[f"r{i}", f"outlet{i % 3}", f"{TEXTS[i % len(TEXTS)]} ({i})"] for i in range(count)]


def options(path: Path, **overrides: object) -> ScoreOptions:
    values: dict[str, object] = {"input": str(path), "quiet": True, "chunk_size": 7}
    values.update(overrides)
    return ScoreOptions(**values)  # type: ignore[arg-type]


def test_rows_and_columns_kept_in_order_and_agree_with_predict(toy_model: StanceModel, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", many_rows(30))
    summary = score_file(options(source), toy_model)
    output = pd.read_csv(tmp_path / "in.scored.csv", dtype=str, keep_default_na=False)
    assert summary.rows == 30 and summary.errors == 0
    assert list(output.columns) == ["id", "outlet", "text", *OUTPUT_COLUMNS]
    assert output["id"].tolist() == [f"r{i}" for i in range(30)]
    records = toy_model.predict(output["text"].tolist())
    assert output["stance"].tolist() == [r["stance"] for r in records]
    assert [float(v) for v in output["p_pro_nato"]] == pytest.approx([r["scores"]["pro_nato"] for r in records])
    assert output["russia"].tolist() == [r["targets"]["russia"]["label"] for r in records]
    kiev = output[output["text"].str.contains("Kiev")].iloc[0]
    assert kiev["voice"] == "quoted" and kiev["loaded_terms"] == "Kiev regime"
    assert json.loads(kiev["loaded_terms_json"])[0]["voice"] == "quoted"


def test_bad_rows_get_an_error_and_are_never_dropped(toy_model: StanceModel, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(
        b"id,text\n"
        b"a,NATO expansion threatens Russia\n"
        b"b,\n"
        b"c,   \n"
        b"d,caf\xe9 bad bytes\n"
        b"e,too,many,fields\n"
        b"f\n"
        b'g,"a quoted, fine text"\n'
    )
    summary = score_file(options(source), toy_model)
    with (tmp_path / "in.scored.csv").open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert list(rows) == list("abcdefg")
    errors = {key: row["error"] for key, row in rows.items()}
    assert errors["a"] == "" and errors["g"] == ""
    assert errors["b"] == errors["c"] == "empty text cell"
    assert "undecodable" in errors["d"]
    assert errors["e"] == "malformed line 6: expected 2 fields, found 4"
    assert errors["f"] == "malformed line 7: expected 2 fields, found 1"
    assert rows["e"]["text"] == "too,many,fields"  # extra fields kept
    assert rows["b"]["stance"] == ""
    assert summary.errors == 5
    assert summary.first_errors[0] == "line 3: empty text cell"
    with_ids = score_file(options(source, output=str(tmp_path / "ids.csv"), id_column="id"), toy_model)
    assert with_ids.first_errors[0] == "id b (line 3): empty text cell" and "id d (line 5)" in with_ids.line()
    # Undecodable bytes are written back as they came.
    assert b"caf\xe9 bad bytes" in (tmp_path / "in.scored.csv").read_bytes()


def test_on_bad_line_stop_names_the_line(toy_model: StanceModel, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,text\na,fine\nb,x,y\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"malformed line 3: expected 2 fields, found 3"):
        score_file(options(source, on_bad_line="stop"), toy_model)
    assert not (tmp_path / "in.scored.csv").exists()


def test_missing_text_column_lists_the_columns(toy_model: StanceModel, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "statements.csv", [["1", "hello"]], header=["id", "body"])
    with pytest.raises(
        InputError, match=r"Column 'text' \(--text-column\) is missing.*\['id', 'body'\].*--text-column"
    ):
        score_file(options(source), toy_model)


def test_column_clash_names_the_clash_and_the_prefix_option(toy_model: StanceModel, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["1", "hello world"]], header=["id", "text", "stance"])
    with pytest.raises(InputError, match=r"\['stance'\].*--prefix"):
        score_file(options(source), toy_model)
    score_file(options(source, prefix="sw_"), toy_model)
    output = pd.read_csv(tmp_path / "in.scored.csv", dtype=str, keep_default_na=False)
    assert "stance" in output.columns and "sw_stance" in output.columns


@pytest.mark.parametrize(("suffix", "reader"), [(".tsv", "tsv"), (".jsonl", "jsonl"), (".parquet", "parquet")])
def test_formats_round_trip(toy_model: StanceModel, tmp_path: Path, suffix: str, reader: str) -> None:
    frame = pd.DataFrame(many_rows(12), columns=["id", "outlet", "text"])
    frame["score_in"] = range(12)
    source = tmp_path / f"in{suffix}"
    if reader == "tsv":
        frame.to_csv(source, sep="\t", index=False)
    elif reader == "jsonl":
        frame.to_json(source, orient="records", lines=True)
    else:
        frame.to_parquet(source, index=False)
    score_file(options(source), toy_model)
    out = tmp_path / f"in.scored{suffix}"
    if reader == "tsv":
        result = pd.read_csv(out, sep="\t", dtype=str, keep_default_na=False)
    elif reader == "jsonl":
        result = pd.read_json(out, lines=True, dtype=False)
    else:
        result = pd.read_parquet(out)
    assert result["id"].tolist() == frame["id"].tolist()
    assert list(result.columns)[:4] == ["id", "outlet", "text", "score_in"]
    assert set(OUTPUT_COLUMNS) <= set(result.columns)
    assert result["stance"].notna().all()


def test_jsonl_non_text_and_broken_lines(toy_model: StanceModel, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": 1, "text": "NATO is fine"}\n{"id": 2, "text": 42}\n{"id": 3, "text": null}\nnot json\n{"id": 5}\n',
        encoding="utf-8",
    )
    score_file(options(source), toy_model)
    lines = [json.loads(line) for line in (tmp_path / "in.scored.jsonl").read_text().splitlines()]
    assert len(lines) == 5
    assert [line["error"] for line in lines] == [
        "",
        "text cell is a int, not text",
        "empty text cell",
        "line 4: not valid JSON (Expecting value: line 1 column 1 (char 0))",
        "empty text cell",
    ]
    assert lines[0]["id"] == 1 and "text" not in lines[4]  # a missing key stays missing


def test_cross_format_csv_to_parquet(toy_model: StanceModel, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", many_rows(9))
    score_file(options(source, output=str(tmp_path / "out.parquet")), toy_model)
    result = pd.read_parquet(tmp_path / "out.parquet")
    assert len(result) == 9 and result["loaded_count"].dtype == "int64"


def test_stdin_to_stdout(
    toy_model: StanceModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    import io

    data = "id,text\n1,NATO expansion threatens Russia\n2,\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    score_file(ScoreOptions(input="-", format="csv", quiet=True), toy_model)
    out = capfdbinary.readouterr().out.decode()
    rows = list(csv.reader(out.splitlines()))
    assert rows[0][:2] == ["id", "text"] and len(rows) == 3 and rows[2][-1] == "empty text cell"


def test_spawned_workers_load_the_model_and_give_the_same_output(
    toy_model: StanceModel, toy_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where processes cannot be forked (macOS, Windows), each worker loads the model directory.
    source = write_csv(tmp_path / "in.csv", many_rows(30))
    score_file(options(source, output=str(tmp_path / "one.csv")), toy_model)
    monkeypatch.setattr(runner, "_FORK_WORKERS", False)
    score_file(options(source, output=str(tmp_path / "two.csv"), jobs=2), toy_model, toy_model_dir)
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_parallel_jobs_to_a_pipe_write_every_byte_once(toy_model_dir: Path, tmp_path: Path) -> None:
    # Forked workers inherit the parent's unwritten output buffers: none may be written twice.
    source = write_csv(tmp_path / "in.csv", many_rows(40))
    command = [str(Path(sys.executable).parent / "stancewatch"), "score", str(source), "-o", "-", "--format", "csv"]
    outputs = [
        subprocess.run(
            [*command, "--model", str(toy_model_dir), "--chunk-size", "7", "--jobs", jobs],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        for jobs in ("1", "2")
    ]
    assert outputs[0].count(b"id,outlet,text") == 1 and len(outputs[0].splitlines()) == 41
    assert outputs[1] == outputs[0]


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("explain", [False, True])
def test_parallel_jobs_give_the_same_output(
    toy_model: StanceModel, toy_model_dir: Path, tmp_path: Path, suffix: str, explain: bool
) -> None:
    # Bad cells, quotes, new lines and non-ASCII must come out alike from the workers.
    rows = [*many_rows(60), ["bad", "x", ""], ["q", "y", 'He said "Kyiv, now" – naïve?\nnew line']]
    source = write_csv(tmp_path / "in.csv", rows)
    one, two = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    first = score_file(options(source, output=str(one), explain=explain), toy_model)
    second = score_file(options(source, output=str(two), jobs=2, explain=explain), toy_model, toy_model_dir)
    assert (first.rows, first.errors, first.stance_counts) == (second.rows, second.errors, second.stance_counts)
    assert first.errors == 1
    if suffix == ".parquet":
        assert pd.read_parquet(one).equals(pd.read_parquet(two))
    else:
        assert one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_interrupted_run_leaves_nothing_complete_and_resumes_identically(
    toy_model: StanceModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    frame = pd.DataFrame(many_rows(50), columns=["id", "outlet", "text"])
    source = tmp_path / f"in{suffix}"
    {
        ".csv": lambda: frame.to_csv(source, index=False),
        ".jsonl": lambda: frame.to_json(source, orient="records", lines=True),
        ".parquet": lambda: frame.to_parquet(source, index=False),
    }[suffix]()
    clean = tmp_path / f"clean{suffix}"
    score_file(options(source, output=str(clean)), toy_model)

    calls = {"n": 0}
    real = runner.score_texts

    def interrupt_on_fourth_chunk(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    resumed = tmp_path / f"resumed{suffix}"
    monkeypatch.setattr(runner, "score_texts", interrupt_on_fourth_chunk)
    with pytest.raises(KeyboardInterrupt):
        score_file(options(source, output=str(resumed)), toy_model)
    assert not resumed.exists(), "an interrupted run left a file that looks complete"
    monkeypatch.setattr(runner, "score_texts", real)
    summary = score_file(options(source, output=str(resumed), resume=True), toy_model)
    assert summary.resumed_from == 21
    if suffix == ".parquet":
        assert pd.read_parquet(resumed).equals(pd.read_parquet(clean))
    else:
        assert resumed.read_bytes() == clean.read_bytes()
    assert not Path(str(resumed) + ".partial.json").exists()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("stopped", ["before the rename", "after the rename"])
def test_run_stopped_while_publishing_is_finished_by_resume(
    toy_model: StanceModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, stopped: str
) -> None:
    source = write_csv(tmp_path / "in.csv", many_rows(40))
    clean = tmp_path / f"clean{suffix}"
    score_file(options(source, output=str(clean)), toy_model)
    real_publish = runner._publish

    def stop_while_publishing(path: Path) -> None:
        if stopped == "after the rename":
            real_publish(path)
        raise KeyboardInterrupt

    resumed = tmp_path / f"resumed{suffix}"
    monkeypatch.setattr(runner, "_publish", stop_while_publishing)
    with pytest.raises(KeyboardInterrupt):
        score_file(options(source, output=str(resumed)), toy_model)
    assert resumed.exists() == (stopped == "after the rename")
    monkeypatch.setattr(runner, "_publish", real_publish)
    summary = score_file(options(source, output=str(resumed), resume=True), toy_model)
    assert summary.rows == 40 and summary.stance_counts == score_file(options(source), toy_model).stance_counts
    if suffix == ".parquet":
        assert pd.read_parquet(resumed).equals(pd.read_parquet(clean))
    else:
        assert resumed.read_bytes() == clean.read_bytes()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith("resumed") and p != resumed]
    assert leftovers == []


def test_resume_without_checkpoint_starts_over(toy_model: StanceModel, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", many_rows(10))
    summary = score_file(options(source, resume=True), toy_model)
    assert summary.resumed_from == 0 and summary.rows == 10


def test_full_disk_fails_loudly_and_leaves_nothing_complete(
    toy_model: StanceModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_csv(tmp_path / "in.csv", many_rows(40))
    real_write = Writer.write
    calls = {"n": 0}

    def disk_fills(self: Writer, rows: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(Writer, "write", disk_fills)
    with pytest.raises(OSError, match="No space left"):
        score_file(options(source), toy_model)
    assert not (tmp_path / "in.scored.csv").exists()


def test_report_is_self_contained_html_with_charts(toy_model: StanceModel, tmp_path: Path) -> None:
    rows = [[f"r{i}", f"outlet{i % 3}", TEXTS[i % len(TEXTS)], f"2024-0{1 + i % 3}-15"] for i in range(30)]
    source = write_csv(tmp_path / "in.csv", rows, header=["id", "outlet", "text", "date"])
    report = tmp_path / "report.html"
    score_file(options(source, report=str(report), group_by="outlet", date_column="date"), toy_model)
    page = report.read_text()
    assert page.count("<svg") >= 5
    for heading in ("Stance", "Loaded framing", "By group", "Over time"):
        assert f"<h2>{heading}</h2>" in page
    assert "outlet1" in page and "regime" in page
    assert 'src="http' not in page and 'href="http' not in page and "<script" not in page


def test_cell_errors() -> None:
    assert scoring.cell_error("fine") == ""
    assert scoring.cell_error(float("nan")) == "empty text cell"
    assert scoring.cell_error(3.5) == "text cell is a float, not text"
    assert "undecodable" in scoring.cell_error("caf\udce9")


def test_dask_engine_gives_the_same_rows_and_labels(
    toy_model: StanceModel, toy_model_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    from service.batch.dask_engine import score_with_dask

    source = write_csv(tmp_path / "in.csv", many_rows(40))
    score_file(options(source, output=str(tmp_path / "local.csv")), toy_model)
    summary = score_with_dask(options(source, output=str(tmp_path / "dask_out"), jobs=2), toy_model_dir)
    local = pd.read_csv(tmp_path / "local.csv", dtype=str, keep_default_na=False)
    parts = sorted((tmp_path / "dask_out").glob("part-*.csv"))
    distributed = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in parts], ignore_index=True)
    assert summary.rows == 40
    assert distributed["id"].tolist() == local["id"].tolist()
    for column in ("stance", "nato", "russia", "voice", "speaker", "loaded_terms", "error"):
        assert distributed[column].tolist() == local[column].tolist(), column
    assert [float(v) for v in distributed["p_pro_russia"]] == pytest.approx([float(v) for v in local["p_pro_russia"]])


def test_compact_json_cells_keep_undecodable_text() -> None:
    assert scoring.compact_json([{"term": "régime", "start": 4}]) == '[{"term":"régime","start":4}]'
    # A lone surrogate (an undecodable input byte kept by surrogateescape) falls back, not fails.
    assert scoring.compact_json([{"term": "x\udcffy"}]) == '[{"term":"x\udcffy"}]'
