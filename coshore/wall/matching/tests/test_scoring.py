"""Each factor of the score, its reason in words, eligibility and the ranking order."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from coshore.wall.matching import scoring
from coshore.wall.matching.features import Viewer
from coshore.wall.matching.scoring import ineligible, rank, score

from .factories import DA, JS, LABELS, NOW, PY, RUBY, SQL, bare, post, profile, query, window


def only(factor: str, q, c) -> tuple[float, list[str]]:
    m = score(q, c, now=NOW)
    return m.factors.get(factor), m.reasons


# --- skills --------------------------------------------------------------------------------------


def test_shared_skills_are_named_in_order():
    q = query(post("need", skills=frozenset({PY, SQL, DA})))
    value, reasons = only("skills", q, bare(post(skills=frozenset({PY, SQL, DA, JS}))))
    assert value == 1.0
    assert reasons[0] == "shares 3 skills: data analytics, Python, SQL"


def test_one_shared_skill_is_singular_and_coverage_is_of_the_need():
    q = query(post("need", skills=frozenset({PY, SQL})))
    value, reasons = only("skills", q, bare(post(skills=frozenset({PY, JS, DA}))))
    assert value == pytest.approx(0.5)
    assert reasons[0] == "shares 1 skill: Python"
    # An offer's query: the candidate is the need, and how much of it is covered counts.
    q = query(post("offer", skills=frozenset({PY, SQL, DA, JS})))
    value, _ = only("skills", q, bare(post("need", skills=frozenset({PY, RUBY}))))
    assert value == pytest.approx(0.5)


def test_related_skills_count_half_and_are_named():
    q = query(post("need", skills=frozenset({PY, SQL})), related_skills={PY: frozenset({RUBY})})
    value, reasons = only("skills", q, bare(post(skills=frozenset({SQL, RUBY}))))
    assert value == pytest.approx((1 + 0.5) / 2)
    assert reasons[:2] == ["shares 1 skill: SQL", "related skills: Ruby"]


def test_a_shared_skill_is_not_also_related():
    q = query(post("need", skills=frozenset({PY})), related_skills={PY: frozenset({PY, JS})})
    _, reasons = only("skills", q, bare(post(skills=frozenset({PY}))))
    assert reasons[0] == "shares 1 skill: Python"
    assert not any(r.startswith("related") for r in reasons)


def test_long_skill_lists_are_cut_after_five():
    many = {f"http://data.europa.eu/esco/skill/s{i}" for i in range(8)}
    labels = {u: f"skill {u[-1]}" for u in many}
    q = query(post("need", skills=frozenset(many), skill_labels=labels))
    _, reasons = only("skills", q, bare(post(skills=frozenset(many), skill_labels=labels)))
    assert reasons[0] == "shares 8 skills: skill 0, skill 1, skill 2, skill 3, skill 4 and 3 more"


def test_unknown_labels_fall_back_to_the_uri_tail():
    q = query(post("need", skills=frozenset({PY}), skill_labels={}))
    _, reasons = only("skills", q, bare(post(skills=frozenset({PY}), skill_labels={})))
    assert reasons[0] == "shares 1 skill: py"


def test_no_skills_on_a_side_leaves_the_factor_out():
    q = query(post("need", skills=frozenset({PY})))
    value, reasons = only("skills", q, bare(post()))
    assert value is None
    assert not any("skill" in r for r in reasons)


def test_no_shared_or_related_skill_is_zero():
    q = query(post("need", skills=frozenset({PY})))
    value, _ = only("skills", q, bare(post(skills=frozenset({JS}))))
    assert value == 0.0


# --- working hours -------------------------------------------------------------------------------


def test_hours_overlap_with_the_candidates_zone():
    q = query(post("need", window=window("Europe/Paris")))
    value, reasons = only("hours", q, bare(post(window=window("Asia/Jerusalem"))))
    assert reasons == ["8 h overlap with Asia/Jerusalem"]  # 08:00-16:00 UTC in January
    assert value == 1.0


def test_short_overlap_scales_and_no_overlap_gives_no_reason():
    q = query(post("need", window=window("Europe/Paris")))
    value, reasons = only("hours", q, bare(post(window=window("America/New_York"))))
    assert reasons == ["3 h overlap with America/New_York"]
    assert value == pytest.approx(3 / 4)
    value, reasons = only("hours", q, bare(post(window=window("Pacific/Auckland"))))
    assert value == 0.0
    assert reasons == []


def test_half_hours_are_shown():
    q = query(post("need", window=window("Europe/Paris")))
    _, reasons = only("hours", q, bare(post(window=window("Asia/Kolkata"))))
    # Paris 08:00-17:00 UTC, Kolkata 03:30-12:30 UTC.
    assert reasons == ["4.5 h overlap with Asia/Kolkata"]


def test_unknown_zone_or_missing_window_leaves_hours_out():
    q = query(post("need", window=window("Europe/Paris")))
    assert only("hours", q, bare(post(window=window("Mars/Olympus"))))[0] is None
    assert only("hours", q, bare(post()))[0] is None


# --- languages -----------------------------------------------------------------------------------


def test_shared_languages_in_the_querys_order():
    q = query(post("need", languages=("fr", "en", "de")))
    value, reasons = only("languages", q, bare(post(languages=("en", "FR", "it"))))
    assert value == 1.0
    assert "speaks French, English" in reasons


def test_no_shared_language_is_zero_and_unknown_codes_show_as_codes():
    q = query(post("need", languages=("fr",)))
    assert only("languages", q, bare(post(languages=("de",)))) == (0.0, [])
    q = query(post("need", languages=("xx", "en")))
    assert "speaks xx" in only("languages", q, bare(post(languages=("xx",))))[1]


def test_languages_missing_on_a_side_leave_the_factor_out():
    q = query(post("need", languages=("fr",)))
    assert only("languages", q, bare(post()))[0] is None


# --- place ---------------------------------------------------------------------------------------


def test_same_space_city_network_anywhere():
    subject = post("need", space_id=1, city="Paris", network_ids=frozenset({7, 8}))
    q = query(subject)
    names = {7: "Paris Coworking Alliance", 8: "Réseau Sud"}
    value, reasons = only("place", q, post(space_id=1, city="Paris", fresh_at=None))
    assert (value, reasons) == (1.0, ["same space: La Ruche"])
    value, reasons = only("place", q, post(space_id=5, city="  paris ", fresh_at=None))
    assert (value, reasons) == (0.8, ["same city:   paris "])
    cand = post(space_id=5, city="Lyon", network_ids=frozenset({7, 8}), network_names=names)
    value, reasons = only("place", q, replace(cand, fresh_at=None))
    assert value == 0.5
    assert reasons == ["same network: Paris Coworking Alliance, Réseau Sud"]
    value, reasons = only("place", q, post(space_id=5, city="Lyon", fresh_at=None))
    assert (value, reasons) == (0.2, [])


def test_city_comparison_ignores_accents_and_case():
    q = query(post("need", space_id=1, city="Montréal"))
    value, reasons = only("place", q, post(space_id=2, city="MONTREAL", fresh_at=None))
    assert value == 0.8
    assert reasons == ["same city: MONTREAL"]


def test_on_site_needs_the_same_city_hybrid_prefers_it():
    q = query(post("need", locality="on_site", space_id=1, city="Paris"))
    assert ineligible(q, post(space_id=9, city="Lyon"), now=NOW) == "place"
    assert ineligible(q, post(space_id=9, city="Paris"), now=NOW) is None
    # An on-site candidate binds a remote query too.
    q = query(post("need", locality="remote", space_id=1, city="Paris"))
    assert ineligible(q, post(locality="on_site", space_id=9, city="Lyon"), now=NOW) == "place"
    q = query(post("need", locality="hybrid", space_id=1, city="Paris"))
    assert ineligible(q, post(space_id=9, city="Lyon"), now=NOW) is None


def test_locality_moves_weight_between_place_and_hours():
    assert scoring.W_PLACE["on_site"] > scoring.W_PLACE["hybrid"] > scoring.W_PLACE["remote"]
    assert scoring.W_HOURS["remote"] > scoring.W_HOURS["hybrid"] > scoring.W_HOURS["on_site"]
    for loc in ("on_site", "hybrid", "remote"):
        total = (
            scoring.W_SEMANTIC + scoring.W_SKILLS + scoring.W_LANGUAGES + scoring.W_REPUTATION
            + scoring.W_FRESHNESS + scoring.W_PLACE[loc] + scoring.W_HOURS[loc]
        )  # fmt: skip
        assert total == pytest.approx(1.0)


# --- reputation and freshness --------------------------------------------------------------------


def test_reputation_reason_and_value():
    q = query()
    assert only("reputation", q, bare(profile(reputation=72.4))) == (
        pytest.approx(0.724),
        ["reputation 72/100"],
    )
    assert only("reputation", q, bare(profile(reputation=0.2)))[1] == []
    assert only("reputation", q, bare(profile(reputation=None)))[0] is None
    assert only("reputation", q, bare(profile(reputation=250)))[0] == 1.0


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (timedelta(hours=3), "posted today"),
        (timedelta(days=1, hours=2), "posted yesterday"),
        (timedelta(days=2, hours=23), "posted 2 days ago"),
        (timedelta(days=40), "posted 40 days ago"),
    ],
)
def test_freshness_reason(age, text):
    value, reasons = only("freshness", query(), post(fresh_at=NOW - age, space_id=None))
    assert reasons[-1] == text
    assert value == pytest.approx(0.5 ** (age.total_seconds() / 86400 / 14))


def test_freshness_halves_every_two_weeks_and_profiles_have_no_date_reason():
    value, _ = only("freshness", query(), replace(bare(post()), fresh_at=NOW - timedelta(days=14)))
    assert value == pytest.approx(0.5)
    value, reasons = only("freshness", query(), replace(bare(profile()), fresh_at=NOW))
    assert value == 1.0
    assert reasons == []


# --- semantic and lexical ------------------------------------------------------------------------


def test_embeddings_give_the_cosine_and_a_reason_when_similar():
    a = np.array([1, 0, 0], dtype=np.float32)
    q = query(post("need", embedding=a))
    value, reasons = only("semantic", q, bare(post(embedding=np.array([1, 1, 0]))))
    assert value == pytest.approx(2**-0.5)
    assert reasons == ["similar description"]
    value, reasons = only("semantic", q, bare(post(embedding=np.array([-1, 0.2, 0]))))
    assert value == 0.0
    assert reasons == []


def test_lexical_baseline_without_embeddings():
    q = query(post("need", title="Need a Python developer", text="data pipeline in Python"))
    close = bare(post(title="Python developer", text="I build data pipelines in Python"))
    far = bare(post(title="Pottery classes", text="Learn to throw clay"))
    m_close, m_far = score(q, close, now=NOW), score(q, far, now=NOW)
    assert "semantic" not in m_close.factors
    assert m_close.factors["lexical"] > 0.5 > m_far.factors["lexical"] == 0.0
    assert "similar description" in m_close.reasons
    # A missing embedding on one side only also falls back.
    q2 = query(replace(q.subject, embedding=np.ones(3)))
    assert "lexical" in score(q2, close, now=NOW).factors


def test_lexical_similarity_is_accent_and_case_insensitive():
    assert scoring.lexical_similarity("Café DESIGN", "cafe design") == pytest.approx(1.0)
    assert scoring.lexical_similarity("the and of", "the") == 0.0


def test_idf_makes_rare_words_count_more():
    idf = scoring.idf_of(["python web", "python data", "python rust"])
    assert idf["rust"] > idf["python"]
    plain = scoring.lexical_similarity("python rust", "python web")
    weighted = scoring.lexical_similarity("python rust", "python web", idf)
    assert weighted < plain


# --- the weighted mean ---------------------------------------------------------------------------


def test_score_is_the_weighted_mean_of_known_factors():
    subject = post(
        "need",
        embedding=np.array([1.0, 0.0]),
        skills=frozenset({PY, SQL}),
        languages=("fr",),
        window=window("Europe/Paris"),
        space_id=1,
        city="Paris",
        locality="hybrid",
    )
    cand = profile(
        embedding=np.array([1.0, 1.0]),
        skills=frozenset({PY}),
        languages=("en",),
        window=window("Europe/Paris"),
        space_id=2,
        city="Paris",
        reputation=50,
    )
    m = score(query(subject), cand, now=NOW)
    parts = [
        (0.30, 2**-0.5), (0.25, 0.5), (0.10, 1.0), (0.10, 0.0), (0.10, 0.8), (0.05, 0.5),
    ]  # fmt: skip
    expected = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
    assert m.score == pytest.approx(expected)
    assert m.reasons == [
        "shares 1 skill: Python",
        "similar description",
        "9 h overlap with Europe/Paris",
        "same city: Paris",
        "reputation 50/100",
    ]
    assert m.as_dict() == {
        "kind": "profile",
        "id": cand.id,
        "score": round(expected, 4),
        "reasons": m.reasons,
    }


def test_nothing_known_scores_zero():
    m = score(query(bare(post("need"))), bare(post()), now=NOW)
    assert set(m.factors) == {"place"}
    assert m.score == pytest.approx(0.2)


# --- eligibility and visibility ------------------------------------------------------------------


def test_eligibility_reasons():
    subject = post("need")
    q = query(subject)
    assert ineligible(q, subject, now=NOW) == "self"
    assert ineligible(q, post(owner_id=subject.owner_id), now=NOW) == "own"
    assert ineligible(q, post("need"), now=NOW) == "kind"
    assert ineligible(q, profile(), now=NOW) is None
    assert ineligible(q, post(closed=True), now=NOW) == "closed"
    assert ineligible(q, post(expires_at=NOW), now=NOW) == "closed"
    assert ineligible(q, post(), now=NOW) is None


def test_offers_and_profiles_get_needs():
    q = query(post("offer"))
    assert ineligible(q, post("offer"), now=NOW) == "kind"
    assert ineligible(q, profile(), now=NOW) == "kind"
    assert ineligible(q, post("need"), now=NOW) is None
    me = profile()
    q = query(me, Viewer(user_id=me.owner_id))
    assert ineligible(q, post("need"), now=NOW) is None
    assert ineligible(q, post("offer"), now=NOW) == "kind"


def test_a_space_post_never_reaches_another_spaces_member():
    viewer = Viewer(user_id=1, space_ids=frozenset({1}), network_ids=frozenset({7}))
    q = query(post("need", owner_id=1), viewer)
    assert ineligible(q, post(visibility="space", space_id=2), now=NOW) == "hidden"
    assert ineligible(q, post(visibility="space", space_id=1), now=NOW) is None
    assert (
        ineligible(q, post(visibility="space", space_id=2, network_ids=frozenset({7})), now=NOW)
        == "hidden"
    )


def test_a_screen_sees_only_its_spaces_space_posts():
    screen = Viewer(user_id=None, space_ids=frozenset({1}), network_ids=frozenset({7}))
    q = query(post("need", owner_id=99), screen)
    assert ineligible(q, post(visibility="space", space_id=3), now=NOW) == "hidden"
    assert ineligible(q, post(visibility="network", space_id=3), now=NOW) == "hidden"
    assert (
        ineligible(q, post(visibility="network", space_id=3, network_ids=frozenset({7})), now=NOW)
        is None
    )


def test_network_and_profile_visibility():
    viewer = Viewer(user_id=1, space_ids=frozenset({1}), network_ids=frozenset({7}))
    q = query(post("need", owner_id=1), viewer)
    assert ineligible(q, post(visibility="network", space_id=2, network_ids=frozenset({8})), now=NOW) == "hidden"  # fmt: skip
    assert ineligible(q, post(visibility="network", space_id=1), now=NOW) is None
    assert ineligible(q, profile(visibility="private"), now=NOW) == "hidden"
    member_elsewhere = profile(visibility="space", space_id=5, audience_space_ids=frozenset({5, 1}))
    assert ineligible(q, member_elsewhere, now=NOW) is None
    assert ineligible(q, profile(visibility="space", space_id=5), now=NOW) == "hidden"
    anonymous = query(post("need", owner_id=50), Viewer(user_id=None))
    assert ineligible(anonymous, profile(visibility="network", space_id=5), now=NOW) == "hidden"
    assert ineligible(anonymous, profile(visibility="public"), now=NOW) is None


# --- rank ----------------------------------------------------------------------------------------


def test_rank_orders_by_score_then_freshness_then_kind_and_id():
    q = query(post("need", skills=frozenset({PY, SQL})))
    good = post(skills=frozenset({PY, SQL}))
    half = post(skills=frozenset({PY, JS}))
    hidden = post(skills=frozenset({PY, SQL}), visibility="space", space_id=99)
    twin_old = post(skills=frozenset({PY}), fresh_at=NOW - timedelta(days=3), space_id=None)
    twin_new = replace(twin_old, id=twin_old.id + 1000)
    ranked = rank(q, [half, twin_old, hidden, good], limit=10, now=NOW)
    assert [m.id for m in ranked] == [good.id, half.id, twin_old.id]
    assert [m.id for m in rank(q, [good, half], limit=1, now=NOW)] == [good.id]
    a, b = rank(q, [twin_new, twin_old], limit=2, now=NOW)
    assert (a.id, b.id) == (twin_old.id, twin_new.id)  # equal scores: smaller id first


def test_rank_is_independent_of_input_order():
    rnd = random.Random(3)
    q = query(post("need", skills=frozenset({PY, SQL}), title="python data"))
    pool = [
        post(
            skills=frozenset(rnd.sample([PY, SQL, DA, JS], 2)), title=rnd.choice(["python", "sql"])
        )
        for _ in range(40)
    ] + [profile(skills=frozenset({PY})) for _ in range(10)]
    first = [(m.kind, m.id) for m in rank(q, pool, limit=20, now=NOW)]
    for _ in range(5):
        rnd.shuffle(pool)
        assert [(m.kind, m.id) for m in rank(q, pool, limit=20, now=NOW)] == first


def test_labels_table_covers_the_examples():
    assert LABELS[PY] == "Python"
