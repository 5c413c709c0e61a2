"""Evaluation metrics on a tiny handmade annotation file, computed by hand."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from coshore.skills.extraction.catalogue import get_catalogue
from coshore.skills.extraction.evaluation import (
    GoldSentence,
    evaluate,
    read_annotations,
    recall_at,
    rp_at,
)

CSV = """sentence,span,sub_span,label
We need Python and PostgreSQL,Python,,Python (computer programming)
We need Python and PostgreSQL,PostgreSQL,,PostgreSQL
We need Python and PostgreSQL,we,,LABEL NOT PRESENT
django redis,django,,LABEL NOT PRESENT
Talk to customers,customers,,UNDERSPECIFIED
Lead a team in SQL,SQL,,SQL
Lead a team in SQL,lead,,lead a team
Lead a team in SQL,x,,no such ESCO skill
"""


@pytest.fixture
def annotations(tmp_path: Path) -> Path:
    path = tmp_path / "gold.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def uri(label: str) -> str:
    catalogue = get_catalogue()
    return catalogue.uris[catalogue.index_of_label()[label]]


def test_reads_gold_labels_and_drops_sentences_without_any(annotations):
    assert read_annotations(annotations) == [
        GoldSentence(
            "We need Python and PostgreSQL",
            frozenset({"Python (computer programming)", "PostgreSQL"}),
        ),
        GoldSentence("Lead a team in SQL", frozenset({"SQL", "lead a team", "no such ESCO skill"})),
    ]


def test_rp_at_5_divides_by_the_smaller_of_5_and_the_gold_count():
    assert rp_at(["a", "x", "y", "z", "w", "b"], {"a", "b"}) == 0.5
    assert rp_at(["a", "b", "c", "d", "x"], set("abcdefg")) == 0.8
    assert recall_at(["a", "x", "y", "z", "w", "b"], set("abcd")) == 0.5


def test_evaluate_scores_each_ranker_and_reports_labels_missing_from_esco(annotations):
    sentences = read_annotations(annotations)
    python, postgres, sql = (
        uri("Python (computer programming)"),
        uri("PostgreSQL"),
        uri("SQL"),
    )
    rankings = {
        "We need Python and PostgreSQL": ["x1", "x2", "x3", "x4", "x5", python, postgres],
        "Lead a team in SQL": [sql, "x1"],
    }
    result = evaluate(sentences, {"fake": lambda text: rankings[text]})
    assert result.missing_labels == ["no such ESCO skill"]
    assert (result.sentences, result.gold_labels) == (2, 5)
    (fake,) = result.results
    # sentence 1: 0 of 2 in the top 5, 2 of 2 in the top 10; sentence 2: 1 of 3 in both
    assert fake.rp5 == pytest.approx((0 / 2 + 1 / 3) / 2)
    assert fake.recall10 == pytest.approx((2 / 2 + 1 / 3) / 2)
    assert fake.line() == "fake rp@5=0.167 recall@10=0.667"


def test_eval_skills_prints_one_exact_line_per_method(annotations):
    out = StringIO()
    call_command("eval_skills", str(annotations), methods="literal", stdout=out)
    # literal finds Python and PostgreSQL (2 of 2), SQL and lead a team (2 of 3)
    assert out.getvalue() == "literal rp@5=0.833 recall@10=0.833\n"


def test_eval_skills_refuses_unknown_methods_and_files(annotations, tmp_path):
    with pytest.raises(CommandError, match="Unknown methods: fuzzy"):
        call_command("eval_skills", str(annotations), methods="literal,fuzzy")
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns: sentence, span, sub_span"):
        call_command("eval_skills", str(bad))
