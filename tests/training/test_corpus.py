"""Loading labelled files: errors name file, line and column; partial labels are allowed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.exceptions import DataError
from training.corpus import data_sha256, load_labelled


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_csv_and_jsonl_of_the_same_schema_load_together(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(
        "id,text,stance,nato,russia\nx1,NATO is fine,pro_nato,favor,none\n", encoding="utf-8"
    )
    write_jsonl(
        tmp_path / "b.jsonl", [{"id": "x2", "text": "Moscow is right", "stance": "pro_russia", "russia": "favor"}]
    )
    frame = load_labelled([tmp_path / "a.csv", tmp_path / "b.jsonl"])
    assert frame["id"].tolist() == ["x1", "x2"]
    assert frame["nato"].tolist() == ["favor", ""]  # an unlabelled head stays empty
    assert frame["source"].tolist() == ["a.csv", "b.jsonl"]


def test_a_folder_loads_its_files_in_order(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "2.jsonl", [{"text": "b", "stance": "neutral"}])
    write_jsonl(tmp_path / "1.jsonl", [{"text": "a", "stance": "neutral"}])
    assert load_labelled([tmp_path])["text"].tolist() == ["a", "b"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "id,text,stance\nx,hello,pro_china\n",
            r"a.csv, line 2, column 'stance': unknown label 'pro_china'",
            id="unknown-label",
        ),
        pytest.param(
            "id,body,stance\nx,hello,neutral\n",
            r"column 'text' is missing. Found columns: \['body', 'id', 'stance'\]",
            id="missing-text-column",
        ),
        pytest.param("id,text,colour\nx,hello,red\n", "no label column", id="no-label-column"),
        pytest.param(
            "id,text,stance\nx,,neutral\n", r"line 2, column 'text': expected a non-empty string", id="empty-text"
        ),
        pytest.param("id,text,stance\nx,hello,\n", r"line 2: no label in any of", id="row-without-labels"),
        pytest.param(
            "id,text,stance\nx,hello,neutral\nx,again,neutral\n",
            r"line 3, column 'id': 'x' is already used",
            id="duplicate-id",
        ),
        pytest.param(
            "id,text,stance\nx,hello,neutral,extra\n", "line 2: more fields than the header", id="extra-field"
        ),
        pytest.param(
            "id,text,stance,voice\nx,hello,neutral,whispered\n",
            "column 'voice': unknown value 'whispered'",
            id="unknown-voice",
        ),
    ],
)
def test_malformed_csv_errors_name_file_line_and_column(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_labelled([path])


def test_malformed_jsonl_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "ok", "stance": "neutral"}\n{"text": broken\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"a.jsonl, line 2: not valid JSON"):
        load_labelled([path])


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("id,text,stance\nx,caf\xe9,neutral\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        load_labelled([path])


def test_missing_path_and_unsupported_format(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_labelled([tmp_path / "nope.csv"])
    (tmp_path / "a.xlsx").write_text("x")
    with pytest.raises(DataError, match="unsupported format"):
        load_labelled([tmp_path / "a.xlsx"])


def test_data_hash_changes_with_content(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": "a", "stance": "neutral"}])
    first = data_sha256([path])
    write_jsonl(path, [{"text": "b", "stance": "neutral"}])
    assert data_sha256([path]) != first
