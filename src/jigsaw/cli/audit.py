"""``jigsaw audit``: prove the access log intact, and answer the auditor's questions.

Reading the log is itself an access to personal data (it says who was looked at), so
``who-viewed``, ``user`` and ``export`` each write an entry of their own before printing.
``verify`` reads hashes only and writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from .common import UserError, checked_account, echo_json, setup_django


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.strip().split()[0].partition(":") if text.strip() else ("", "", "")
    if not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise UserError(f"--anchor {text[:20]!r}: write it as SEQUENCE:HASH (64 hex digits) or name an "
                        "anchor file written by `jigsaw audit anchor`")
    return int(seq), digest


def _anchors(values: tuple[str, ...]) -> dict[int, str]:
    """Each --anchor as SEQ:HASH, or a file of them (one a line, as `jigsaw audit anchor` appends)."""
    pairs: dict[int, str] = {}
    for value in values:
        path = Path(value)
        if ":" not in value or path.is_file():
            if not path.is_file():
                raise UserError(f"--anchor {value[:40]!r}: no such anchor file")
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            pairs.update(_anchor(line) for line in lines)
        else:
            pairs.update([_anchor(value)])
    return pairs


def _moment(text: str | None, option: str, end: bool) -> datetime | None:
    """A date (whole day, local time; ``--until`` includes it) or an ISO date-time."""
    if not text:
        return None
    from django.utils import timezone

    try:
        if len(text.strip()) == 10:
            day = datetime.fromisoformat(text.strip())
            moment = day + timedelta(days=1) if end else day
        else:
            moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{option}: write a date as YYYY-MM-DD or a time as YYYY-MM-DDTHH:MM") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@click.group()
def audit() -> None:
    """The access log: verify its hash chain, and who looked at whom."""


@audit.command()
@click.option("--anchor", "anchors", multiple=True, metavar="SEQ:HASH|FILE",
              help="A sequence and hash noted from an earlier verify, or an anchor file (kept outside "
                   "the database); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def verify(anchors: tuple[str, ...], as_json: bool) -> None:
    """Check the hash chain from the first entry; exit 1 naming the first broken entry."""
    pairs = _anchors(anchors)
    setup_django()
    from jigsaw.audit.log import verify as run_verify

    result = run_verify(anchors=pairs)
    if as_json:
        echo_json(result.as_dict())
    if not result.ok:
        raise UserError(f"access log broken at entry {result.first_broken_sequence}: {result.problem} "
                        f"({result.checked:,} entries before it verify)")
    if not as_json:
        click.echo(f"Access log intact: {result.checked:,} entries verify. "
                   f"Head (note it down as an anchor): {result.head_sequence}:{result.head_hash}")


@audit.command()
@click.option("--file", "path", type=click.Path(dir_okay=False, path_type=Path),
              help="Append the anchor to this file (keep it where the database's administrators cannot "
                   "write: another machine, write-once storage).")
def anchor(path: Path | None) -> None:
    """Verify the log and note its head SEQ:HASH outside the database (printed, and appended to --file)."""
    if path is not None and not path.parent.exists():
        raise UserError(f"folder {path.parent} does not exist")
    setup_django()
    from django.utils import timezone

    from jigsaw.audit.log import verify as run_verify

    result = run_verify()
    if not result.ok:
        raise UserError(f"access log broken at entry {result.first_broken_sequence}: {result.problem}; "
                        "no anchor written")
    line = f"{result.head_sequence}:{result.head_hash} {timezone.now().isoformat(timespec='seconds')}"
    if path is not None:
        with path.open("a", encoding="utf-8") as f:  # append only: earlier anchors stay
            f.write(line + "\n")
    click.echo(line)


def _show(entries, as_json: bool, empty: str) -> None:
    from jigsaw.audit.queries import as_dict

    rows = [as_dict(e) for e in entries]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(empty)
        return
    for r in rows:
        reason = " ".join(x for x in (r["reason_code"], r["reason_text"]) if x) or "-"
        who = ", ".join(x for x in (r["role"], r["agency"]) if x)
        person = f"person {r['person_id']}" if r["person_id"] is not None else "-"
        actor = f"{r['actor']} ({who})" if who else r["actor"]
        click.echo(_printable(f"{r['sequence']:>8}  {r['at'][:19]}  {actor}  {r['action']}  {person}  "
                              f"reason: {reason}"))
        if r["detail"]:
            click.echo(_printable(f"{'':>8}  {_detail_text(r['detail'])}"))
    click.echo(f"{len(rows):,} entries")


def _detail_text(detail: dict) -> str:
    """An entry's detail on one line (``key: value; ...``), lists joined with commas."""
    return "; ".join(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                     for key, value in detail.items() if value not in (None, "", [], {}))


def _printable(line: str) -> str:
    """``line`` with control characters escaped: reasons and details come from users and feeds,
    and a terminal would act on an escape sequence."""
    return line if line.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)


_AS = click.option("--as", "as_user", metavar="USER", envvar="JIGSAW_USER",
                   help="The Jigsaw account you act as: an auditor (default: JIGSAW_USER).")
_REASON = click.option("--reason", default="audit", show_default=True, help="Why you are asking.")


@audit.command("who-viewed")
@click.argument("person_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@_AS
@_REASON
def who_viewed_command(person_id: int, as_json: bool, as_user: str | None, reason: str) -> None:
    """Every access to PERSON_ID: who, in which role and agency, why, when."""
    setup_django()
    by = checked_account(as_user, "audit")
    from jigsaw.audit.log import record_cli
    from jigsaw.audit.queries import who_viewed

    entries = list(who_viewed(person_id))
    record_cli(by, "admin", person_id=person_id, reason_text=reason, detail={"query": "who_viewed"})
    _show(entries, as_json, f"Nobody has accessed person {person_id}.")


@audit.command("user")
@click.argument("username")
@click.option("--since", help="From this date (YYYY-MM-DD) or time, inclusive.")
@click.option("--until", help="Up to this date (YYYY-MM-DD, inclusive) or time (exclusive).")
@click.option("--json", "as_json", is_flag=True)
@_AS
@_REASON
def user_command(username: str, since: str | None, until: str | None, as_json: bool, as_user: str | None,
                 reason: str) -> None:
    """Everything USERNAME did, in order."""
    start, end = _moment(since, "--since", end=False), _moment(until, "--until", end=True)
    if start and end and start >= end:
        raise UserError("--since is after --until")
    setup_django()
    by = checked_account(as_user, "audit")
    from jigsaw.audit.log import record_cli
    from jigsaw.audit.queries import what_did

    entries = list(what_did(username, start, end))
    record_cli(by, "admin", reason_text=reason, detail={"query": "what_did", "subject": username[:150]})
    _show(entries, as_json, f"No entries for {username}.")


@audit.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--person", "person_id", type=int, help="Only entries about this person.")
@click.option("--user", "username", help="Only entries by this user.")
@click.option("--since", help="From this date (YYYY-MM-DD) or time, inclusive.")
@click.option("--until", help="Up to this date (YYYY-MM-DD, inclusive) or time (exclusive).")
@_AS
@_REASON
def export_command(out: Path, person_id: int | None, username: str | None, since: str | None,
                   until: str | None, as_user: str | None, reason: str) -> None:
    """CSV of the log (or of one person's or one user's entries), hashes included."""
    start, end = _moment(since, "--since", end=False), _moment(until, "--until", end=True)
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    setup_django()
    by = checked_account(as_user, "audit")
    from jigsaw.audit.log import record_cli
    from jigsaw.audit.models import AccessEntry
    from jigsaw.audit.queries import export_csv

    entries = AccessEntry.objects.order_by("sequence")
    if person_id is not None:
        entries = entries.filter(person_id=person_id)
    if username:
        entries = entries.filter(actor=username)
    if start:
        entries = entries.filter(at__gte=start)
    if end:
        entries = entries.filter(at__lt=end)
    head = entries.values_list("sequence", flat=True).last()
    entry = record_cli(by, "export", person_id=person_id, reason_text=reason,
                       detail={"what": "access_log", "subject": (username or "")[:150], "up_to": head})
    count = export_csv(entries.filter(sequence__lt=entry.sequence), out)
    click.echo(f"Wrote {count:,} entries to {out}")
