"""The installed artifact is the product: the wheel, installed into a fresh virtual
environment outside the checkout, serves the same portal; the README's configuration
table says what portal/config.py does.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import requests

from conftest import PG_URL

from portal.config import shipped_folder

ROOT = Path(__file__).resolve().parent.parent
BUILTINS = ("stage_guide", "relational_survey", "prm_assessment", "four_is_audit",
            "six_principles", "vendor_checklist", "kirkpatrick", "supplier_selection")
INSTRUMENT_TITLES = ("Relational survey", "60-second Partner Relationship Management assessment",
                     "The 4 I&#39;s partnership audit", "Six-principles health check",
                     "Vendor partnership checklist", "Training reaction (Kirkpatrick level 1)")
PASSWORD = "wheel demo password"


def packages_on_disk():
    """The package names pyproject.toml must list, from the folders that hold them."""
    found = set()
    for top, name in ((ROOT / "portal", "portal"), (ROOT / "plugins", "portal.builtin_plugins"),
                      (ROOT / "content", "portal.starter_content"),
                      (ROOT / "themes", "portal.bundled_themes")):
        for init in top.rglob("__init__.py"):
            parts = init.parent.relative_to(top).parts
            found.add(".".join((name, *parts)))
    return found


def test_pyproject_lists_every_package_folder():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert set(config["packages"]) == packages_on_disk()
    assert config["package-dir"] == {"portal": "portal", "portal.builtin_plugins": "plugins",
                                     "portal.starter_content": "content",
                                     "portal.bundled_themes": "themes"}


# -- the README's configuration table -------------------------------------------------------

def readme_settings():
    """[(variable, default cell)] from the README's configuration table."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| variable | default | meaning |"):]
    table = table[:table.index("\n\n")]
    rows = []
    for line in table.splitlines()[2:]:
        name_cell, default_cell = [c.strip() for c in line.strip("|").split("|")][:2]
        names = re.findall(r"`(PORTAL_\w+)`", name_cell)
        defaults = [d.strip() for d in default_cell.split(" / ")] if len(names) > 1 else [default_cell]
        rows += list(zip(names, defaults, strict=True))
    return rows


def described(default, instance):
    """The value a default cell promises: its first `literal`, with the placeholders filled."""
    if default == "empty":
        return set()
    literal = re.search(r"`([^`]*)`", default).group(1)
    literal = literal.replace("<instance>", str(instance))
    if literal.startswith("portal."):  # a folder shipped inside the distribution
        return str(shipped_folder(literal))
    if literal.startswith("~"):
        return str(Path(literal).expanduser())
    return literal


def test_every_default_in_the_readme_configuration_table_is_true(monkeypatch, tmp_path):
    from portal import config

    for name in list(os.environ):
        if name.startswith("PORTAL_") or name == "XDG_DATA_HOME":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    instance = config.instance_path()
    instance.mkdir(parents=True)
    settings = config.from_environment(instance)
    readme = readme_settings()
    in_config = set(re.findall(r"\"(PORTAL_\w+)\"", (ROOT / "portal" / "config.py").read_text()))
    assert {name for name, _ in readme} == in_config

    for name, default in readme:
        promised = described(default, instance)
        if name == "PORTAL_INSTANCE_PATH":
            assert str(instance) == promised
        elif name == "PORTAL_SECRET_KEY":
            assert (Path(promised).read_text().strip() == settings["SECRET_KEY"]), default
        else:
            key = {"PORTAL_MAX_CONTENT_LENGTH": "MAX_CONTENT_LENGTH",
                   "PORTAL_SECURE_COOKIES": "SESSION_COOKIE_SECURE"}.get(name, name)
            actual = settings[key]
            if default == "empty":
                assert not actual, name
                continue
            if isinstance(actual, bool):
                promised = promised == "1"
            elif isinstance(actual, (int, float)):
                promised = type(actual)(promised)
            assert actual == promised, name


# -- the wheel, from outside the checkout ---------------------------------------------------

def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the portal stopped: {process.stdout.read()}")
        try:
            return requests.get(url, timeout=2)
        except requests.ConnectionError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer in {seconds} s")


def logged_in(base):
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    answer = session.post(f"{base}/login", data={"email": "peggy@client.example",
                                                 "password": PASSWORD, "csrf_token": token})
    assert answer.url.endswith("/partnerships"), answer.text[:300]
    return session


GERMAN_PRM_TITLE = tomllib.loads((ROOT / "plugins" / "prm_assessment" / "translations" / "de" /
                                  "instrument.toml").read_text())["instrument"]["title"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout, installed into a new venv (no editable install)."""
    work = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(ROOT)])
    (wheel,) = (work / "dist").glob("partnership_portal-*.whl")
    run([sys.executable, "-m", "venv", str(work / "venv")])
    run([str(work / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", str(wheel)])
    return work


@pytest.mark.skipif(bool(PG_URL), reason="the wheel is checked once, in the SQLite pass")
def test_the_wheel_serves_the_portal_of_the_checkout_from_any_directory(installed):
    bin_dir = installed / "venv" / "bin"
    home = installed / "home"
    elsewhere = installed / "somewhere-else"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PORTAL_") and k not in ("XDG_DATA_HOME", "PYTHONPATH")}
    env.update(HOME=str(home), PORTAL_DEMO_PASSWORD=PASSWORD)
    location = run([str(bin_dir / "python"), "-c", "import portal; print(portal.__file__)"],
                   cwd=elsewhere, env=env).stdout
    assert str(installed / "venv") in location  # the installed copy, not the checkout

    port = free_port()
    demo = subprocess.Popen([str(bin_dir / "portal"), "demo", "--port", str(port)], cwd=elsewhere,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(f"{base}/healthz", demo).json()["status"] == "ok"
        session = logged_in(base)
        overview = session.get(f"{base}/partnerships")
        pid = re.search(r'href="/partnerships/(\d+)/"', overview.text).group(1)
        instruments = session.get(f"{base}/partnerships/{pid}/instruments").text
        for title in INSTRUMENT_TITLES:
            assert title in instruments
        library = session.get(f"{base}/partnerships/{pid}/library").text
        assert re.search(r"\b30 items, the best fit for you first", library)
        # German from the installed catalogs: the portal's and an instrument's own.
        german = {"Accept-Language": "de"}
        assert '<html lang="de"' in session.get(f"{base}/partnerships/{pid}/library",
                                                headers=german).text
        page = session.get(f"{base}/partnerships/{pid}/instruments", headers=german).text
        assert "Instrumente" in page and GERMAN_PRM_TITLE in page
        for asset in re.findall(r'(?:href|src)="(/-/(?:themes|htmx)/[^"]+)"', overview.text):
            answer = session.get(base + asset)
            assert answer.status_code == 200 and len(answer.content) > 100, asset
        css = re.findall(r'href="(/-/themes/default/[^"?]+\.css\?v=[0-9a-f]{12})"', overview.text)
        assert css and "text/css" in session.get(base + css[0]).headers["Content-Type"]
        assert "htmx" in session.get(base + re.search(r'src="(/-/htmx/[^"]+)"', overview.text).group(1)).text
        listed = run([str(bin_dir / "portal"), "plugins"], cwd=elsewhere, env=env).stdout
        for name in BUILTINS:
            assert re.search(rf"^{name} \S+ \[loaded\] built-in", listed, re.M), listed

        # A second demo on the same port changes nothing the first one uses.
        second = subprocess.run([str(bin_dir / "portal"), "demo", "--port", str(port)],
                                cwd=elsewhere, env={**env, "PORTAL_DEMO_PASSWORD": "changed!!!!"},
                                capture_output=True, text=True, timeout=60)
        assert second.returncode != 0 and "is in use" in second.stderr
        logged_in(base)  # the first demo's password still works
        assert run([str(bin_dir / "portal"), "db", "status"], cwd=elsewhere, env=env)
    finally:
        demo.send_signal(signal.SIGINT)
        output = demo.communicate(timeout=30)[0]
    expected = home / ".local" / "share" / "partnership-portal"
    assert f"Instance folder: {expected}" in output
    assert (expected / "portal.sqlite").is_file() and not (elsewhere / "instance").exists()


@pytest.mark.skipif(bool(PG_URL), reason="the wheel is checked once, in the SQLite pass")
def test_a_new_plugin_and_the_docs_example_install_and_pass_their_own_tests(installed, tmp_path):
    """`portal new-plugin acme_check && pip install ./acme_check && pytest acme_check`, and
    the same for the walkthrough of docs/plugins.md, with the installed portal only."""
    import shutil

    bin_dir = installed / "venv" / "bin"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PORTAL_") and k not in ("XDG_DATA_HOME", "PYTHONPATH")}
    env["HOME"] = str(tmp_path / "home")
    run([str(bin_dir / "portal"), "new-plugin", "acme_check"], cwd=tmp_path, env=env)
    shutil.copytree(ROOT / "docs" / "examples" / "renewal", tmp_path / "renewal",
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build"))
    for package in ("acme_check", "renewal"):
        run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
             "--disable-pip-version-check", f"./{package}[test]"], cwd=tmp_path, env=env)
        tested = subprocess.run([str(bin_dir / "pytest"), "-q", "-p", "no:cacheprovider", package],
                                cwd=tmp_path, env=env, capture_output=True, text=True)
        assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-2000:]
        assert re.search(r"\b3 passed\b", tested.stdout), tested.stdout[-500:]
    listed = run([str(bin_dir / "portal"), "plugins"], cwd=tmp_path, env=env).stdout
    assert re.search(r"^acme_check 0\.1\.0 \[loaded\] package acme-check", listed, re.M), listed
    assert re.search(r"^renewal 1\.0\.0 \[loaded\] package portal-renewal", listed, re.M), listed
