"""Unit tests for the five built-in instrument plugins: their data and scoring rules.

Results are built by hand (no app, no database), the way the engine hands them to a
plugin's score function: aggregates per question, optionally per side, plus context.
"""
import datetime
import importlib

import pytest

from portal import Flag, Instrument, Interpretation, ItemResult, Results

PLUGINS = ("relational_survey", "prm_assessment", "four_is_audit", "six_principles",
           "vendor_checklist")
TODAY = datetime.date(2025, 6, 1)


def load(name):
    """A built-in plugin, imported under the package name the portal loads it by."""
    return importlib.import_module(f"portal.builtin_plugins.{name}")


def item_results(instrument, answers):
    """{question id: ItemResult} for every question of `instrument`.

    An answer is a mean (float), a distribution ({value: count}, e.g. {1: yes, 0: no}),
    or missing (nobody answered: mean None).
    """
    items = {}
    for q in instrument.questions:
        answer = answers.get(q.id)
        if answer is None:
            items[q.id] = ItemResult(question=q)
        elif isinstance(answer, dict):
            count = sum(answer.values())
            mean = sum(v * n for v, n in answer.items()) / count if count else None
            items[q.id] = ItemResult(question=q, count=count, mean=mean, distribution=answer)
        else:
            items[q.id] = ItemResult(question=q, count=5, mean=float(answer))
    return items


def results(module, answers, by_side=None, context=None, responses=5):
    """Results as the engine makes them: each side in `by_side` is a Results of its own."""
    instrument = module.INSTRUMENT
    context = {"today": TODAY, "stage": "co_creation", "contract_end": None, **(context or {})}
    sides = {side: Results(instrument_id=instrument.id, responses=responses,
                           items=item_results(instrument, values), context=context, side=side)
             for side, values in (by_side or {}).items()}
    return Results(instrument_id=instrument.id, responses=responses,
                   items=item_results(instrument, answers), by_side=sides, context=context)


def flagged(interpretation):
    return {flag.question_id for flag in interpretation.flags}


# --- every plugin -------------------------------------------------------------------

@pytest.mark.parametrize("name", PLUGINS)
def test_plugin_registers_its_instrument(name):
    module = load(name)
    instrument = module.portal_instruments()
    assert isinstance(instrument, Instrument)
    assert instrument.id == name
    assert instrument.version == module.__version__ == "1.0.0"
    assert instrument.source and module.SOURCE == instrument.source
    assert instrument.summary and instrument.cadence_days and instrument.cadence_label


@pytest.mark.parametrize("name", PLUGINS)
def test_score_returns_tuples_and_handles_an_empty_run(name):
    module = load(name)
    interpretation = module.INSTRUMENT.score(results(module, {}, responses=0))
    assert isinstance(interpretation, Interpretation)
    for field in (interpretation.flags, interpretation.strengths, interpretation.notes):
        assert isinstance(field, tuple)
    assert interpretation.tone in ("good", "warning", "bad", "neutral")
    assert all(isinstance(flag, Flag) for flag in interpretation.flags)


# --- relational survey (seed 003) ---------------------------------------------------

def test_relational_survey_has_fifteen_anonymous_scale_items():
    instrument = load("relational_survey").INSTRUMENT
    assert len(instrument.questions) == 15
    assert all(q.type == "scale" for q in instrument.questions)
    assert instrument.questions[0].text == "How well did we build trust between us?"
    assert instrument.anonymous and instrument.cadence_days == 182


def test_relational_survey_flags_exactly_items_averaging_three_or_less():
    module = load("relational_survey")
    ids = [q.id for q in module.INSTRUMENT.questions]
    answers = {qid: 4.0 for qid in ids}
    answers.update({"conflicts": 3.0, "hard_issues": 2.2, "time": 3.01})
    interpretation = module.score(results(module, answers))
    assert flagged(interpretation) == {"conflicts", "hard_issues"}
    assert all(flag.suggested_action for flag in interpretation.flags)
    assert "time" not in interpretation.strengths


def test_relational_survey_metrics_band_and_strengths():
    module = load("relational_survey")
    ids = [q.id for q in module.INSTRUMENT.questions]
    answers = {qid: 3.5 for qid in ids}
    answers.update({"trust": 4.6, "celebration": 4.8, "vision": 4.1, "feedback": 4.4})
    interpretation = module.score(results(module, answers))
    assert interpretation.metrics["Trust"] == 4.6
    expected = (4.6 + 4.8 + 4.1 + 4.4 + 11 * 3.5) / 15
    assert interpretation.metrics["Overall"] == round(expected, 2)
    assert interpretation.band == "Developing" and interpretation.tone == "warning"
    assert interpretation.strengths == ("celebration", "trust", "feedback")
    assert interpretation.flags == ()


def test_relational_survey_ignores_unanswered_items_and_no_strengths_below_four():
    module = load("relational_survey")
    interpretation = module.score(results(module, {"trust": 2.0, "conflicts": 3.8}))
    assert interpretation.metrics == {"Overall": 2.9, "Trust": 2.0}
    assert interpretation.band == "At risk" and interpretation.tone == "bad"
    assert interpretation.strengths == ()
    assert flagged(interpretation) == {"trust"}


# --- PRM assessment (seed 003) ------------------------------------------------------

def prm_answers(module, no_items=(), split_items=()):
    answers = {q.id: {1: 4, 0: 1} for q in module.INSTRUMENT.questions}
    answers.update({qid: {1: 1, 0: 4} for qid in no_items})
    answers.update({qid: {1: 2, 0: 2} for qid in split_items})
    return answers


def test_prm_has_ten_yes_no_questions_with_seed_explanations():
    module = load("prm_assessment")
    questions = module.INSTRUMENT.questions
    assert len(questions) == 10
    assert all(q.type == "yesno" and q.guidance for q in questions)
    assert set(module.ACTIONS) == {q.id for q in questions}
    assert not module.INSTRUMENT.anonymous


def test_prm_three_no_items_mean_no_program():
    module = load("prm_assessment")
    no = ("benefit_tracking", "trust_indicator", "joint_symbols")
    interpretation = module.score(results(module, prm_answers(module, no)))
    assert "No PRM program in place" in interpretation.headline
    assert interpretation.tone == "bad"
    assert interpretation.metrics["Items in place"] == 7
    assert flagged(interpretation) == set(no)
    trust = next(f for f in interpretation.flags if f.question_id == "trust_indicator")
    assert "if trust is measured, trust will happen" in trust.detail
    assert trust.detail == module.INSTRUMENT.question("trust_indicator").guidance
    assert trust.suggested_action == module.ACTIONS["trust_indicator"]


def test_prm_two_no_items_still_a_program():
    module = load("prm_assessment")
    interpretation = module.score(
        results(module, prm_answers(module, ("benefit_tracking", "trust_indicator"))))
    assert "No PRM program" not in interpretation.headline
    assert "program is in place" in interpretation.headline
    assert interpretation.tone == "good" and interpretation.band == "In place, with gaps"
    assert len(interpretation.flags) == 2
    assert interpretation.metrics["Items in place"] == 8


def test_prm_a_tie_counts_as_no():
    module = load("prm_assessment")
    answers = prm_answers(module, ("benefit_tracking", "trust_indicator"),
                          split_items=("joint_symbols",))
    interpretation = module.score(results(module, answers))
    assert "No PRM program in place" in interpretation.headline
    assert "joint_symbols" in flagged(interpretation)
    assert any("split" in note for note in interpretation.notes)


def test_prm_all_yes_is_complete():
    module = load("prm_assessment")
    interpretation = module.score(results(module, prm_answers(module)))
    assert interpretation.band == "Complete" and interpretation.flags == ()
    assert interpretation.metrics == {"Items in place": 10, "Yes answers (%)": 80.0}
    assert len(interpretation.strengths) == 10


# --- 4 I's audit (seed 001) ---------------------------------------------------------

FOUR_IS = ("Integrity", "Integration", "Insights", "Impact")


def test_four_is_has_criteria_and_an_optional_evidence_question_per_i():
    instrument = load("four_is_audit").INSTRUMENT
    sections = {}
    for q in instrument.questions:
        sections.setdefault(q.section, []).append(q)
    assert tuple(sections) == FOUR_IS
    for questions in sections.values():
        scales = [q for q in questions if q.type == "scale"]
        texts = [q for q in questions if q.type == "text"]
        assert 2 <= len(scales) <= 4
        assert len(texts) == 1 and not texts[0].required
    assert instrument.cadence_days == 365 and instrument.cadence_label == "annual"


def test_four_is_metrics_per_i_flags_and_headline():
    module = load("four_is_audit")
    means = {"Integrity": 4.5, "Integration": 3.5, "Insights": 3.0, "Impact": 2.0}
    answers = {q.id: means[q.section] for q in module.INSTRUMENT.questions
               if q.type == "scale"}
    answers["impact_investment"] = 1.0  # Impact: (2 + 2 + 1) / 3
    interpretation = module.score(results(module, answers))
    metrics = interpretation.metrics
    assert metrics["Integrity"] == 4.5 and metrics["Integration"] == 3.5
    assert metrics["Insights"] == 3.0 and metrics["Impact"] == round(5 / 3, 2)
    assert metrics["Overall"] == round((4.5 + 3.5 + 3.0 + 5 / 3) / 4, 2)
    assert {f.title for f in interpretation.flags} == {"Insights is weak", "Impact is weak"}
    impact = next(f for f in interpretation.flags if f.title == "Impact is weak")
    assert impact.question_id == "impact_investment"
    assert "Strongest: Integrity" in interpretation.headline
    assert "weakest: Impact" in interpretation.headline
    assert set(interpretation.strengths) == {"integrity_values", "integrity_approach",
                                             "integrity_strengths"}


# --- six principles (seed 000) ------------------------------------------------------

PRINCIPLES = ("Commitment", "Communication", "Credibility", "Clarity", "Cadence",
              "Collaboration")


def test_six_principles_covers_each_principle_with_one_or_two_items():
    instrument = load("six_principles").INSTRUMENT
    counts = {}
    for q in instrument.questions:
        assert q.type == "scale"
        counts[q.section] = counts.get(q.section, 0) + 1
    assert tuple(counts) == PRINCIPLES
    assert all(1 <= n <= 2 for n in counts.values())
    assert not instrument.anonymous


def six_answers(module, by_principle):
    return {q.id: by_principle[q.section] for q in module.INSTRUMENT.questions}


def test_six_principles_metrics_and_weak_flag_without_sides():
    module = load("six_principles")
    means = dict.fromkeys(PRINCIPLES, 4.0) | {"Cadence": 3.0}
    interpretation = module.score(results(module, six_answers(module, means)))
    assert {name: interpretation.metrics[name] for name in PRINCIPLES} == means
    assert interpretation.metrics["Overall"] == round(23 / 6, 2)
    assert [f.title for f in interpretation.flags] == ["Cadence is weak"]
    assert any("cannot be compared" in note for note in interpretation.notes)
    assert not any(f.title.startswith("Views diverge") for f in interpretation.flags)


def test_six_principles_divergence_needs_a_gap_of_one_point():
    module = load("six_principles")
    overall = dict.fromkeys(PRINCIPLES, 4.0)
    client = dict.fromkeys(PRINCIPLES, 3.8) | {"Clarity": 3.2, "Cadence": 3.5}
    supplier = dict.fromkeys(PRINCIPLES, 4.2) | {"Clarity": 4.2, "Cadence": 4.4}
    interpretation = module.score(results(module, six_answers(module, overall), by_side={
        "client": six_answers(module, client), "supplier": six_answers(module, supplier)}))
    diverging = [f for f in interpretation.flags if f.title.startswith("Views diverge")]
    assert [f.title for f in diverging] == ["Views diverge on Clarity"]
    assert diverging[0].suggested_action
    assert interpretation.metrics["Gap (supplier - client)"] > 0
    assert any("suppliers rate the partnership" in note for note in interpretation.notes)


def test_six_principles_no_divergence_flag_with_one_side_only():
    module = load("six_principles")
    client = dict.fromkeys(PRINCIPLES, 2.0)
    interpretation = module.score(results(module, six_answers(module, client),
                                          by_side={"client": six_answers(module, client)}))
    assert not any(f.title.startswith("Views diverge") for f in interpretation.flags)
    assert any("cannot be compared" in note for note in interpretation.notes)


# --- vendor checklist (seed 001) ----------------------------------------------------

def steps(module, done=(), all_done=False):
    return {q.id: {1: 1, 0: 0} if all_done or q.id in done else {1: 0, 0: 1}
            for q in module.INSTRUMENT.questions}


def contract_flags(interpretation):
    return [f for f in interpretation.flags if f.title.startswith("Contract review due")]


def test_vendor_checklist_is_a_shared_nine_step_record():
    instrument = load("vendor_checklist").INSTRUMENT
    assert len(instrument.questions) == 9
    assert all(q.type == "step" for q in instrument.questions)
    assert instrument.shared and not instrument.anonymous
    assert instrument.min_responses == 3 and instrument.cadence_days == 365


def test_vendor_checklist_counts_steps_and_flags_the_rest():
    module = load("vendor_checklist")
    done = ("team_gaps", "leader_metrics", "vendor_strengths", "pilot")
    interpretation = module.score(results(module, steps(module, done), responses=1))
    assert interpretation.headline == "4 of 9 steps done"
    assert interpretation.metrics == {"Steps done": 4}
    assert len(interpretation.flags) == 5 and not flagged(interpretation) & set(done)
    assert any("No contract end date" in note for note in interpretation.notes)


def test_vendor_checklist_contract_review_due_sixty_days_before_end():
    module = load("vendor_checklist")
    end = TODAY + datetime.timedelta(days=60)
    interpretation = module.score(results(module, steps(module, ("team_gaps",)),
                                          context={"contract_end": end}))
    [flag] = contract_flags(interpretation)
    assert "60 days" in flag.title and flag.question_id == "contract_review"
    assert interpretation.tone == "warning"
    # The reminder replaces the step's ordinary "not done" flag rather than doubling it.
    assert [f.question_id for f in interpretation.flags].count("contract_review") == 1


def test_vendor_checklist_no_contract_flag_far_from_end_but_a_note():
    module = load("vendor_checklist")
    end = TODAY + datetime.timedelta(days=200)
    interpretation = module.score(results(module, steps(module),
                                          context={"contract_end": end}))
    assert contract_flags(interpretation) == []
    opens = end - datetime.timedelta(days=92)
    assert any(f"{opens.day} {opens:%B %Y}" in note for note in interpretation.notes)


def test_vendor_checklist_no_contract_flag_when_review_done():
    module = load("vendor_checklist")
    end = TODAY + datetime.timedelta(days=60)
    interpretation = module.score(results(module, steps(module, all_done=True),
                                          context={"contract_end": end}))
    assert contract_flags(interpretation) == [] and interpretation.flags == ()
    assert interpretation.headline == "9 of 9 steps done" and interpretation.tone == "good"


def test_vendor_checklist_contract_past_end_is_bad():
    module = load("vendor_checklist")
    end = TODAY - datetime.timedelta(days=10)
    interpretation = module.score(results(module, steps(module),
                                          context={"contract_end": end}))
    [flag] = contract_flags(interpretation)
    assert "ended 10 days ago" in flag.title
    assert interpretation.tone == "bad"
