"""`jigsaw reviews` as a user meets it: the DESIGN.md contract, exit codes, one-line errors."""

from __future__ import annotations

import csv
import json

import pytest

from tests.chronology.test_cli import create_account
from tests.conftest import write_csv

#: imports and links a partnership, then runs about forty commands (in this process)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def linked(tmp_path_factory, jigsaw) -> tuple[dict, dict[str, int]]:
    """The chronology test feeds imported and linked by the real commands; (env, person ids)."""
    from tests.chronology.conftest import write_feeds

    tmp = tmp_path_factory.mktemp("reviews_cli")
    env = {"JIGSAW_DATA_DIR": str(tmp / "data"), "JIGSAW_DATABASE_URL": f"sqlite:///{tmp / 'cli.sqlite3'}"}
    assert jigsaw("import", str(write_feeds(tmp / "feeds")), env=env).returncode == 0
    assert jigsaw("link", env=env).returncode == 0
    assert jigsaw("export", "links", "--out", str(tmp / "links.csv"), env=env).returncode == 0
    for username, role in (("reviewer", "social_worker"), ("counter", "analyst")):
        assert create_account(jigsaw, env, username, role).returncode == 0
    with (tmp / "links.csv").open(encoding="utf-8", newline="") as f:
        ids = {(r["source_system"], r["source_id"]): int(r["person_id"]) for r in csv.DictReader(f)}
    return {**env, "JIGSAW_USER": "reviewer"}, {"amy": ids[("csc", "C1")], "jane": ids[("csc", "C2")]}


def _fails(done, message: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        message in done.stderr
        and len(done.stderr.strip().splitlines()) == 1
        and "Traceback" not in done.stderr
    )


def test_open_notify_list_show_as_design_says(linked, tmp_path, jigsaw):
    env, ids = linked
    opened = jigsaw(
        "reviews", "open", str(ids["amy"]), "--aware-on", "2025-12-22", "--harm", "death", "--json", env=env
    )
    assert opened.returncode == 0, opened.stderr
    data = json.loads(opened.stdout)
    assert data["stage"] == "incident" and data["notification_due"] == "2025-12-31"
    review = str(data["review_id"])
    listed = json.loads(jigsaw("reviews", "list", "--overdue", "--json", env=env).stdout)
    assert [r["review_id"] for r in listed] == [data["review_id"]]  # due 31 Dec 2025, long past
    notified = jigsaw("reviews", "notify", review, "--on", "2025-12-31", "--json", env=env)
    assert notified.returncode == 0, notified.stderr
    assert json.loads(notified.stdout)["rapid_review_due"] == "2026-01-22"
    shown = json.loads(jigsaw("reviews", "show", review, "--json", env=env).stdout)
    assert [t["step"] for t in shown["transitions"]] == ["open", "notify"]

    _fails(
        jigsaw("reviews", "step", review, "publish", "--on", "2026-02-01", env=env), "not been signed off"
    )
    assert (
        jigsaw("reviews", "step", review, "rapid-review", "--on", "2026-01-20", env=env).returncode == 0
    )
    pack = tmp_path / "pack.json"
    assert jigsaw("reviews", "pack", review, "--anonymise", "--out", str(pack), env=env).returncode == 0
    text = pack.read_text(encoding="utf-8")
    assert json.loads(text)["anonymised"] and "Smith" not in text

    bad = write_csv(tmp_path / "KNOWN.csv", ["category", "text"], [["person", "Kayden"]])
    out = tmp_path / "known-out.csv"
    _fails(
        jigsaw("reviews", "known", review, "--add", str(bad), "--out", str(out), env=env),
        "missing column(s): role",
    )
    assert not out.exists()
    assert jigsaw("reviews", "known", review, "--out", str(out), env=env).returncode == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {"category": "person", "text": "Amy Smith", "role": "child", "label": "Child A"} in rows

    coded = jigsaw(
        "reviews", "themes", "--code", review, "--theme", "neglect", "--theme", "chronologies", env=env
    )
    assert coded.returncode == 0, coded.stderr
    table = json.loads(jigsaw("reviews", "themes", "--json", env=env).stdout)
    neglect = next(r for r in table["rows"] if r["code"] == "neglect")
    assert neglect["all"] == {"count": None, "suppressed": True, "percent": None}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("open", "99999", "--aware-on", "2025-12-22", "--harm", "death"), "there is no person 99999"),
        (("open", "{jane}", "--aware-on", "2025-12-22", "--harm", "death"), "case reviews are for children"),
        (("open", "{amy}", "--aware-on", "2999-01-01", "--harm", "death"), "is in the future"),
        (("open", "{amy}", "--aware-on", "22/12/2025", "--harm", "death"), "is not a date"),
        (("notify", "99999", "--on", "2025-12-22"), "there is no case review 99999"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(linked, args, message, jigsaw):
    env, ids = linked
    before = jigsaw("reviews", "list", "--json", env=env).stdout
    _fails(jigsaw("reviews", *(a.format(**ids) for a in args), env=env), message)
    assert jigsaw("reviews", "list", "--json", env=env).stdout == before


def test_a_notification_before_awareness_is_refused(linked, jigsaw):
    env, ids = linked
    opened = json.loads(
        jigsaw(
            "reviews",
            "open",
            str(ids["amy"]),
            "--aware-on",
            "2025-06-10",
            "--harm",
            "serious_harm",
            "--json",
            env=env,
        ).stdout
    )
    _fails(
        jigsaw("reviews", "notify", str(opened["review_id"]), "--on", "2025-06-09", env=env),
        "before the date the council became aware",
    )
    shown = json.loads(jigsaw("reviews", "show", str(opened["review_id"]), "--json", env=env).stdout)
    assert shown["stage"] == "incident" and shown["notified_on"] is None


def test_usage_errors_exit_2(linked, jigsaw):
    env, _ = linked
    assert (
        jigsaw("reviews", "open", "1", "--aware-on", "2025-01-01", "--harm", "bruise", env=env).returncode
        == 2
    )


def test_the_command_line_walks_a_review_to_publication(linked, tmp_path, jigsaw):
    env, ids = linked
    opened = jigsaw(
        "reviews", "open", str(ids["amy"]), "--aware-on", "2025-03-03", "--harm", "death", "--json", env=env
    )
    review = str(json.loads(opened.stdout)["review_id"])
    steps = [
        ("notify", review, "--on", "2025-03-04"),
        ("step", review, "rapid-review", "--on", "2025-03-20"),
        ("step", review, "local-review", "--on", "2025-03-25", "--reason", "learning"),
        ("local", review, "--terms-of-reference", "2023-2025", "--reviewer", "Independent reviewer"),
        ("step", review, "final-report", "--on", "2025-09-01"),
    ]
    for args in steps:
        done = jigsaw("reviews", *args, env=env)
        assert done.returncode == 0, done.stderr
    report = tmp_path / "report.json"
    report.write_text(
        json.dumps(
            [{"start": 0, "end": 3, "category": "person", "replacement": "Child A", "reason": "known"}]
        ),
        encoding="utf-8",
    )
    assert jigsaw("reviews", "redaction", review, str(report), env=env).returncode == 0
    original = tmp_path / "final.txt"
    original.write_text("Amy was seen.", encoding="utf-8")
    out = tmp_path / "published.txt"
    _fails(jigsaw("reviews", "apply", review, str(original), "--out", str(out), env=env), "undecided")
    _fails(jigsaw("reviews", "step", review, "sign-off", "--on", "2025-09-02", env=env), "1 undecided")
    assert not out.exists()
    decided = jigsaw(
        "reviews", "decide-item", review, "1", "changed", "--replacement", "Child B", env=env
    )
    assert decided.returncode == 0, decided.stderr
    assert jigsaw("reviews", "apply", review, str(original), "--out", str(out), env=env).returncode == 0
    assert out.read_text(encoding="utf-8") == "Child B was seen."
    for step, on in (("sign-off", "2025-09-02"), ("send", "2025-09-03"), ("publish", "2025-09-15")):
        done = jigsaw("reviews", "step", review, step, "--on", on, env=env)
        assert done.returncode == 0, done.stderr
    shown = json.loads(jigsaw("reviews", "show", review, "--json", env=env).stdout)
    assert shown["stage"] == "published" and shown["online_until"] == "2026-09-15"
    board = json.loads(jigsaw("reviews", "actions", "--json", env=env).stdout)
    assert board["totals"] == {"actions": 0, "done": 0, "overdue": 0, "percent_done": None}


def test_the_daily_alerts_run_raises_overdue_review_clocks_once(linked, jigsaw):
    env, ids = linked
    opened = jigsaw("reviews", "open", str(ids["amy"]), "--aware-on", "2025-03-03", "--harm",
                        "serious_harm", "--json", env=env)
    assert opened.returncode == 0, opened.stderr
    first = jigsaw("alerts", "run", "--json", env=env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["review_clocks_raised"] >= 1  # notify by 10 March 2025, long past
    again = json.loads(jigsaw("alerts", "run", "--json", env=env).stdout)
    assert again["review_clocks_raised"] == 0  # one alert per review and clock
    queue = json.loads(jigsaw("alerts", "--format", "json", env=env).stdout)
    assert any(a["rule_id"] == "R16" and ids["amy"] in a["person_ids"] for a in queue)


def test_the_command_acts_as_a_checked_account(linked, jigsaw):
    """A review holds the child's record: no account, a role without reviews, or no account of
    that name is refused in one line, and nothing is opened."""
    env, ids = linked
    before = jigsaw("reviews", "list", "--json", env=env).stdout
    opening = ("reviews", "open", str(ids["amy"]), "--aware-on", "2025-12-22", "--harm", "death")
    anonymous = {k: v for k, v in env.items() if k != "JIGSAW_USER"}
    _fails(jigsaw(*opening, env=anonymous), "name the Jigsaw account you act as")
    _fails(jigsaw(*opening, "--as", "counter", env=env), "(analyst) may not use review")
    _fails(jigsaw(*opening, "--as", "no.such.user", env=env), "no active Jigsaw account")
    assert jigsaw("reviews", "list", "--json", env=env).stdout == before


def test_a_shielded_childs_documents_stay_on_the_web(linked, tmp_path, jigsaw):
    """The pack and known people of a shielded child's review are not written at a terminal, where
    no glass can be broken; the review's clocks (no names) still are."""
    env, ids = linked
    child = ids["amy"]
    opened = jigsaw("reviews", "open", str(child), "--aware-on", "2025-04-01", "--harm",
                        "serious_harm", "--json", env=env)
    review = str(json.loads(opened.stdout)["review_id"])
    shielded = jigsaw("shield", str(child), "--contact", "Hub 0100", "--reason", "refuge", env=env)
    assert shielded.returncode == 0, shielded.stderr
    try:
        pack = tmp_path / "pack.json"
        _fails(jigsaw("reviews", "pack", review, "--out", str(pack), env=env), "shielded child")
        _fails(jigsaw("reviews", "known", review, "--out", str(pack), env=env), "shielded child")
        assert not pack.exists()
        assert jigsaw("reviews", "show", review, "--json", env=env).returncode == 0
    finally:
        assert jigsaw("shield", str(child), "--remove", env=env).returncode == 0
