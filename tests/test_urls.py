"""URLs built once per process (portal/urls.py): the same URL Flask would build, for
every host, scheme, script root and value, and a file's URL still names its content."""
import os

from flask import url_for
from werkzeug.routing import BuildError

import pytest


def built_by_flask(app, endpoint, **values):
    """What Flask builds without the portal's memory."""
    return super(type(app), app).url_for(endpoint, **values)


def test_a_remembered_url_is_the_one_flask_builds(app):
    with app.test_request_context("/"):
        for endpoint, values in [("partnerships.index", {}),
                                 ("agreements.show", {"partnership_id": 3}),
                                 ("agreements.edit", {"partnership_id": 3, "section_id": 9}),
                                 ("partnerships.index", {"q": "a b&c"}),
                                 ("partnerships.index", {"_anchor": "top"}),
                                 ("partnerships.index", {"_external": True})]:
            assert url_for(endpoint, **values) == url_for(endpoint, **values) == (
                built_by_flask(app, endpoint, **values))
        # Each was built once, and the second call answered from memory.
        assert {key[0] for key in app.remembered_urls} == {
            "partnerships.index", "agreements.show", "agreements.edit"}
        # A value for a name may be a list; it is built each time, and still right.
        assert url_for("partnerships.index", tag=["a", "b"]) == "/partnerships?tag=a&tag=b"
        # 1 and True are equal in Python, not in a URL.
        assert url_for("partnerships.index", page=1) == "/partnerships?page=1"
        assert url_for("partnerships.index", page=True) == "/partnerships?page=True"
        with pytest.raises(BuildError):
            url_for("agreements.show")  # a missing value fails every time, as in Flask
        with pytest.raises(BuildError):
            url_for("agreements.show")


def test_each_host_scheme_and_script_root_gets_its_own_urls(app):
    seen = {}
    for base_url in ["http://one.example/", "https://one.example/", "http://two.example:8080/",
                     "http://one.example/portal/"]:
        with app.test_request_context("/", base_url=base_url):
            seen[base_url] = (url_for("agreements.show", partnership_id=5),
                              url_for("agreements.show", partnership_id=5, _external=True))
    for host in ["three.example", "four.example"]:  # one server, two names (Host header)
        with app.test_request_context("/", headers={"Host": host}):
            seen[host] = url_for("agreements.show", partnership_id=5, _external=True)
    assert seen.pop("three.example") == "http://three.example/partnerships/5/agreement"
    assert seen.pop("four.example") == "http://four.example/partnerships/5/agreement"
    assert seen == {
        "http://one.example/": ("/partnerships/5/agreement",
                                "http://one.example/partnerships/5/agreement"),
        "https://one.example/": ("/partnerships/5/agreement",
                                 "https://one.example/partnerships/5/agreement"),
        "http://two.example:8080/": ("/partnerships/5/agreement",
                                     "http://two.example:8080/partnerships/5/agreement"),
        "http://one.example/portal/": ("/portal/partnerships/5/agreement",
                                       "http://one.example/portal/partnerships/5/agreement"),
    }


def test_a_files_url_follows_its_content(app, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "note.css").write_text("a {}")
    app.static_folder = str(static)
    with app.test_request_context("/"):
        first = url_for("static", filename="note.css")
        again = url_for("static", filename="note.css")
        (static / "note.css").write_text("b {}")  # the same size
        os.utime(static / "note.css", ns=(1, 1))  # and an older time: still a change
        second = url_for("static", filename="note.css")
        gone = url_for("static", filename="gone.css")
    assert first.startswith("/static/note.css?v=") and second.startswith("/static/note.css?v=")
    assert again == first and second != first
    assert gone == "/static/gone.css"


def test_a_url_defaults_callback_turns_the_memory_off(make_app):
    app = make_app()
    calls = []

    @app.url_defaults
    def count(endpoint, values):
        calls.append(endpoint)

    with app.test_request_context("/"):
        url_for("partnerships.index")
        url_for("partnerships.index")
    assert calls == ["partnerships.index", "partnerships.index"]
