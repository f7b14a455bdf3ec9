"""Whole-article analysis: sentence records with offsets, speakers, framing, document stance."""

from __future__ import annotations

from model.document import analyze_document
from model.predictor import StanceModel

ARTICLE = (
    "The Cuban regime sided with Moscow on Tuesday.\n\n"
    "\"NATO's march to Russia's borders endangers peace,\" the Cuban Foreign Ministry said in a statement. "
    "The regime also blamed Washington.\n\n"
    'Later, President Miguel Díaz-Canel warned that "the bloc\'s expansion brings grave risks to everyone." '
    '"We reject the sanctions," the president added.'
)


def test_sentences_have_offsets_into_the_text(toy_model: StanceModel) -> None:
    result = analyze_document(toy_model, ARTICLE)
    assert len(result["sentences"]) == 5
    for sentence in result["sentences"]:
        assert ARTICLE[sentence["start"] : sentence["end"]] == sentence["text"]
        for term in sentence["loaded_terms"]:
            assert ARTICLE[term["start"] : term["end"]] == term["term"]


def test_speakers_are_resolved_from_the_text(toy_model: StanceModel) -> None:
    result = analyze_document(toy_model, ARTICLE)
    voices = [(s["voice"], s["speaker"]) for s in result["sentences"]]
    assert voices == [
        ("author", ""),
        ("quoted", "the Cuban Foreign Ministry"),
        ("author", ""),
        ("quoted", "President Miguel Díaz-Canel"),
        ("quoted", "President Miguel Díaz-Canel"),  # "the president" resolved to the last named speaker
    ]
    speakers = {row["speaker"]: row for row in result["speakers"]}
    assert speakers["President Miguel Díaz-Canel"]["sentences"] == 2
    assert speakers["(author)"]["sentences"] == 2


def test_author_framing_and_inherited_targets(toy_model: StanceModel) -> None:
    result = analyze_document(toy_model, ARTICLE)
    terms = [t for s in result["sentences"] for t in s["loaded_terms"]]
    assert [(t["term"], t["voice"], t["target"]) for t in terms] == [
        ("regime", "author", "Cuba"),
        ("regime", "author", "Cuba"),
    ]
    framing = result["framing"]
    assert framing["author_loaded_count"] == 2
    assert framing["by_category"] == {"delegitimizing_label": {"author": 2}}
    assert framing["by_target"] == {"Cuba": {"author": 2}}
    assert framing["per_100_words"] == round(200 / framing["words"], 2)


def test_title_is_analysed_with_its_own_offsets(toy_model: StanceModel) -> None:
    title = "Havana backs Moscow, slams 'Western interference' by the so-called allies"
    result = analyze_document(toy_model, "Delegates met in Geneva.", title=title)
    head = result["sentences"][0]
    assert head["part"] == "title" and title[head["start"] : head["end"]] == head["text"]
    assert [(t["term"], t["voice"]) for t in head["loaded_terms"]] == [("so-called", "author")]
    assert result["sentences"][1]["part"] == "text"


def test_document_stance_summarises_sentences(toy_model: StanceModel) -> None:
    result = analyze_document(
        toy_model, "NATO expansion threatens Russia and provokes the war. Delegates met in Geneva."
    )
    stance = result["stance"]
    assert sum(stance["counts"].values()) == 2
    assert stance["label"] == "pro_russia"
