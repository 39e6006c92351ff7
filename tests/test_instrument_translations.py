"""The built-in instruments' and the stage guide's texts in German (translated_text.py).

Every text of every built-in TOML file has a German translation beside it, and nothing
else; a page reads German for a person whose language is German and English for others;
a run's snapshot of a question that has since been reworded keeps its own English words.
"""
import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest
from conftest import login

from portal.accounts.models import User
from portal.instruments import registry, runs
from portal.instruments.declarations import InstrumentError, Question
from portal.instruments.models import Run
from portal.instruments.toml_declarations import instrument_from_toml
from portal.instruments.translated_text import (LocalizedText, declared_texts,
                                                missing_translations, read_translation,
                                                translation_files)

ROOT = Path(__file__).resolve().parent.parent
BUILT_IN = [ROOT / "plugins" / name / "instrument.toml" for name in (
    "relational_survey", "six_principles", "vendor_checklist", "prm_assessment",
    "four_is_audit")] + [ROOT / "plugins" / "stage_guide" / name
                         for name in ("stages.toml", "processes.toml")]
NOT_TRANSLATED = ("Integration",)  # the same word in German


def _texts(path):
    return declared_texts(tomllib.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", BUILT_IN, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_text_of_a_built_in_toml_has_a_german_translation(path):
    assert "de" in translation_files(path), f"no translations/de/{path.name} beside {path}"
    assert missing_translations(path, "de") == []
    declared = _texts(path)
    translated = read_translation(path, "de", declared)  # raises on a key not declared
    assert set(translated) == set(declared)
    for address, german in translated.items():
        assert german.strip(), address
        if declared[address] == german:
            assert german in NOT_TRANSLATED, f"{address} is not translated: {german!r}"


@pytest.mark.parametrize("path", BUILT_IN[:5], ids=lambda p: p.parent.name)
def test_the_texts_of_an_instrument_are_its_title_summary_cadence_and_questions(path):
    texts = _texts(path)
    assert ("instrument", "title") in texts and ("instrument", "summary") in texts
    assert not any(address[-1] in ("id", "type", "version", "source") for address in texts)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for question in data["question"]:
        assert ("question", question["id"], "text") in texts


def test_citations_and_method_names_are_kept():
    audit = (ROOT / "plugins/four_is_audit/translations/de/instrument.toml").read_text()
    assert "4 I's" in audit and "source" not in tomllib.loads(audit)["instrument"]
    prm = (ROOT / "plugins/prm_assessment/translations/de/instrument.toml").read_text()
    assert "PRM" in prm


def with_translation(folder, declaration, translation):
    """An instrument.toml in `folder` with its German translation beside it; returns the
    translation's path, for rewriting."""
    (folder / "instrument.toml").write_text(declaration)
    german = folder / "translations" / "de"
    german.mkdir(parents=True)
    (german / "instrument.toml").write_text(translation)
    return german / "instrument.toml"


def test_a_text_the_declaration_lacks_is_refused_with_its_line(tmp_path):
    translation = with_translation(
        tmp_path,
        '[instrument]\nid = "tiny"\nversion = "1"\ntitle = "Tiny"\nsummary = ""\n'
        'source = "Tests"\n\n[[question]]\nid = "q1"\ntext = "Is it tiny?"\n',
        '[instrument]\ntitle = "Winzig"\n\n[question.q1]\ntext = "Ist es winzig?"\n'
        'guidance = "Nachmessen."\n')
    with pytest.raises(InstrumentError, match=r"instrument\.toml:6: question\.q1\.guidance "
                                              r"is not a text of instrument\.toml"):
        instrument_from_toml(tmp_path / "instrument.toml", score=lambda results: None)
    translation.write_text('[question.q2]\ntext = "Wer?"\n')
    with pytest.raises(InstrumentError, match="question.q2.text is not a text"):
        instrument_from_toml(tmp_path / "instrument.toml", score=lambda results: None)
    translation.write_text('[question.q1]\ntext = 3\n')
    with pytest.raises(InstrumentError, match="must be text"):
        instrument_from_toml(tmp_path / "instrument.toml", score=lambda results: None)


def test_a_third_party_instrument_ships_its_own_translation(app, tmp_path):
    with_translation(
        tmp_path,
        '[instrument]\nid = "tiny_choice"\nversion = "1"\ntitle = "Tiny"\nsummary = ""\n'
        'source = "Tests"\ncadence_label = "weekly"\n\n[[question]]\nid = "size"\n'
        'type = "choice"\ntext = "How big?"\nchoices = [[1, "Small"], ["xl", "Huge"]]\n',
        '[instrument]\ntitle = "Winzig"\ncadence_label = "wöchentlich"\n\n'
        '[question.size]\ntext = "Wie groß?"\nchoices = { 1 = "Klein", xl = "Riesig" }\n')
    instrument = instrument_from_toml(tmp_path / "instrument.toml", score=lambda r: None)
    question = instrument.question("size")
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert (str(instrument.title), str(instrument.cadence_label)) == ("Winzig", "wöchentlich")
        assert str(question.text) == "Wie groß?"
        assert [str(label) for _, label in question.options] == ["Klein", "Riesig"]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(question.text) == "How big?"
    assert str(question.text) == "How big?"  # outside a request: English


def test_texts_stay_english_outside_a_request_and_underneath(app):
    instrument = registry_instrument(app, "relational_survey")
    trust = instrument.question("trust")
    assert isinstance(trust.text, LocalizedText)
    assert trust.text == "How well did we build trust between us?"
    snapshot = json.loads(json.dumps(trust.__dict__))
    assert snapshot["text"] == "How well did we build trust between us?"
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert str(trust.text) == "Wie gut haben wir Vertrauen zueinander aufgebaut?"
        assert f"{trust.low_label}" == "Nicht sehr gut"
        assert trust.text.__html__() == "Wie gut haben wir Vertrauen zueinander aufgebaut?"
        # Underneath, still the English: comparisons, JSON, hashing, sorting.
        assert trust.text == "How well did we build trust between us?"
        assert json.loads(json.dumps({"t": trust.text}))["t"] == trust.text.english
        assert json.loads(registry.snapshot(instrument))["title"] == "Relational survey"
        assert str(instrument.title) == "Beziehungsumfrage"
        assert instrument.source.startswith("Stephen M. Dent")


def registry_instrument(app, instrument_id):
    with app.app_context():
        return registry.get(instrument_id)


def test_a_snapshot_question_is_translated_only_while_its_english_is_current(app):
    instrument = registry_instrument(app, "relational_survey")
    stored = {**instrument.question("trust").__dict__}
    current = Question.from_snapshot(json.loads(json.dumps(stored)))
    reworded = Question.from_snapshot({**json.loads(json.dumps(stored)),
                                       "text": "How well did we trust each other?"})
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert str(current.text) == "Wie gut haben wir Vertrauen zueinander aufgebaut?"
        assert str(reworded.text) == "How well did we trust each other?"
        # The question's other texts are unchanged, so they are still translated.
        assert str(reworded.low_label) == "Nicht sehr gut"


@pytest.fixture
def survey_run(app, demo):
    """An open, named run of the relational survey in the demo partnership."""
    with app.test_request_context():  # the run's announcement reads the locale
        run = runs.open_run(demo, registry.get("relational_survey"), "Spring survey",
                            dt.date.today(), None, "both", False, 3)
        return run.id


def _speaks(app, email, language):
    with app.app_context():
        User.update(language=language).where(User.email == email).execute()


def _respond_page(app, demo, run_id, email):
    client = app.test_client()
    login(client, email)
    response = client.get(f"/partnerships/{demo.id}/runs/{run_id}/respond")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_answering_a_run_reads_german_for_a_german_speaker(app, demo, survey_run):
    _speaks(app, "jim@supplier.example", "de")
    html = _respond_page(app, demo, survey_run, "jim@supplier.example")
    assert "Wie gut haben wir Vertrauen zueinander aufgebaut?" in html
    assert "Wie gut haben wir die „schwierigen“ Themen angesprochen?" in html
    assert "Nicht sehr gut" in html
    assert "How well did we build trust between us?" not in html
    assert "Not very well" not in html


def test_answering_a_run_reads_english_for_others(app, demo, survey_run):
    _speaks(app, "jim@supplier.example", "de")
    html = _respond_page(app, demo, survey_run, "carla@client.example")
    assert "How well did we build trust between us?" in html
    assert "How well did we address the &#34;hard&#34; issues?" in html \
        or 'How well did we address the "hard" issues?' in html
    assert "Wie gut haben wir Vertrauen" not in html


def test_an_older_run_keeps_its_own_words_for_a_reworded_question(app, demo, survey_run):
    with app.app_context():
        run = Run.get_by_id(survey_run)
        snapshot = json.loads(run.snapshot)
        for question in snapshot["questions"]:
            if question["id"] == "trust":
                question["text"] = "How well did we trust each other?"
        Run.update(snapshot=json.dumps(snapshot)).where(Run.id == survey_run).execute()
    _speaks(app, "jim@supplier.example", "de")
    html = _respond_page(app, demo, survey_run, "jim@supplier.example")
    assert "How well did we trust each other?" in html
    assert "Wie gut haben wir Vertrauen zueinander aufgebaut?" not in html
    assert "Wie gut haben wir Konflikte untereinander gelöst?" in html


def test_sections_and_scale_labels_read_german_too(app, demo):
    with app.test_request_context():
        run = runs.open_run(demo, registry.get("six_principles"), "Check", dt.date.today(),
                            None, "both", False, 3)
    _speaks(app, "jim@supplier.example", "de")
    html = _respond_page(app, demo, run.id, "jim@supplier.example")
    assert "Verbindlichkeit" in html and "Alle Beteiligten in dieser Partnerschaft" in html
    assert "Stimme voll und ganz zu" in html
    assert "Commitment" not in html


def test_the_instruments_page_lists_titles_in_german(app, demo):
    _speaks(app, "jim@supplier.example", "de")
    client = app.test_client()
    login(client, "jim@supplier.example")
    html = client.get(f"/partnerships/{demo.id}/instruments").get_data(as_text=True)
    assert "Beziehungsumfrage" in html
    assert "Checkliste für Anbieterpartnerschaften" in html
    assert "Stephen M. Dent" in html or "Beziehungsumfrage" in html


def test_the_lifecycle_guide_reads_german_for_a_german_speaker(app, demo):
    _speaks(app, "jim@supplier.example", "de")
    german, english = app.test_client(), app.test_client()
    login(german, "jim@supplier.example")
    login(english, "carla@client.example")
    page = f"/partnerships/{demo.id}/lifecycle"
    html = german.get(page).get_data(as_text=True)
    assert "Gemeinsame Gestaltung und Umsetzung" in html
    assert "Die sechs Schritte des Auftraggebers" in html
    assert "Design, deliver and refine learning together" not in html
    assert "Choose your target audience" not in html
    html = english.get(page).get_data(as_text=True)
    assert "Design, deliver and refine learning together" in html
    assert "The client&#39;s six steps" in html or "The client's six steps" in html


def test_a_plugins_own_tables_read_translated_through_load_toml(app):
    from portal.instruments.translated_text import load_toml

    actions = load_toml(ROOT / "plugins/prm_assessment/instrument.toml")["actions"]
    assert actions["trust_indicator"].startswith("Report the trust score")
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert str(actions["trust_indicator"]).startswith("Berichten Sie bei jedem Treffen")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(actions["trust_indicator"]).startswith("Report the trust score")


def test_yes_no_and_step_labels_go_through_the_message_catalog(app):
    instrument = registry_instrument(app, "prm_assessment")
    options = instrument.question("trust_indicator").options
    assert options == ((0, "No"), (1, "Yes"))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert [str(label) for _, label in options] == ["No", "Yes"]


@pytest.mark.parametrize("path", BUILT_IN[:5], ids=lambda p: p.parent.name)
def test_every_built_in_instrument_is_answered_in_german(app, demo, path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    german = tomllib.loads((path.parent / "translations/de/instrument.toml").read_text())
    with app.test_request_context():
        run = runs.open_run(demo, registry.get(data["instrument"]["id"]), "Run",
                            dt.date.today(), None, "both", False, 3)
    _speaks(app, "jim@supplier.example", "de")
    html = _respond_page(app, demo, run.id, "jim@supplier.example")
    from markupsafe import escape

    for question in data["question"]:
        assert str(escape(german["question"][question["id"]]["text"])) in html
        assert str(escape(question["text"])) not in html
