"""``jigsaw redact``: an anonymised copy of a review report, and the report of every replacement.

The command is thin over :mod:`jigsaw.redaction`. Nothing is written unless the whole run
succeeds: the redacted file and its report are written beside OUT under temporary names and
moved into place at the end.
"""

from __future__ import annotations

import importlib.util
import json
import os
import tempfile
from datetime import date
from pathlib import Path

import click

from .common import UserError, setup_django, status


@click.command("redact")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--known", "known_csv", type=click.Path(path_type=Path, dir_okay=False),
              help="KNOWN.csv: category,text,role[,label] of the review's people and places.")
@click.option("--review", "review_id", help="Take the known people from this case review's records.")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The redacted copy (same format as FILE); the report goes to OUT.report.json.")
@click.option("--dates", "date_policy", type=click.Choice(["month_year", "year", "age"]),
              default="month_year", show_default=True, help="How exact dates are generalised.")
@click.option("--born", help="The child's birth date (YYYY-MM-DD), for --dates age.")
@click.option("--no-model", is_flag=True, help="Records and patterns only; no statistical model.")
@click.option("--as", "as_user", metavar="USER", envvar="JIGSAW_USER",
              help="With --review: the Jigsaw account you act as (case reviews; default JIGSAW_USER).")
def redact(file: Path, known_csv: Path | None, review_id: str | None, out: Path, date_policy: str,
           born: str | None, no_model: bool, as_user: str | None) -> None:
    """Redact FILE (plain text or Word .docx) with consistent pseudonyms.

    Every replacement is listed in OUT.report.json with its offsets in the original, category,
    replacement and reason, never the original text; items a person should check are marked.
    """
    from jigsaw.redaction import RedactionError, Redactor, detect_format, read_known_csv

    if (known_csv is None) == (review_id is None):
        raise click.UsageError("give exactly one of --known KNOWN.csv or --review ID")
    if out.resolve() == file.resolve():
        raise UserError("--out must not be the input file")
    if not file.is_file():
        raise UserError(f"{file}: no such file")
    policy = _policy(date_policy, born)
    try:
        detect_format(file)
        if known_csv is not None:
            known = read_known_csv(known_csv)
        else:
            known = _review_known(review_id or "", as_user)
        with status("redacting") as step:
            step("loading the language model" if not no_model else "matching")
            redactor = Redactor(known, policy, use_model=not no_model)
            result = _write_atomically(file, out, redactor)
    except RedactionError as exc:
        raise UserError(str(exc)) from None
    to_check = sum(item.check for item in result.replacements)
    changed = sum(item.replacement is not None for item in result.replacements)
    click.echo(f"{out}: {changed} replacements, {to_check} items to check in {_report_path(out).name}")


def _policy(mode: str, born: str | None):
    from jigsaw.redaction import DatePolicy

    birth = None
    if born:
        try:
            birth = date.fromisoformat(born)
        except ValueError:
            raise UserError(f"--born {born!r}: write the date as YYYY-MM-DD") from None
    if mode == "age" and birth is None:
        raise UserError("--dates age needs the child's birth date: add --born YYYY-MM-DD")
    return DatePolicy(mode=mode, birth_date=birth)


def _review_known(review_id: str, as_user: str | None):
    """The known people of a case review, from its frozen evidence pack (the reviews app).

    Reading them is a read of the child's record, so it is written to the access log with the
    review's lawful basis, as ``jigsaw reviews known`` does.
    """
    if importlib.util.find_spec("jigsaw.reviews") is None:
        raise UserError("no case reviews exist yet in this installation; give --known KNOWN.csv")
    if not review_id.isdigit():
        raise UserError(f"--review {review_id!r}: give the case review's number")
    setup_django()
    from jigsaw.audit.log import record_cli
    from jigsaw.redaction import KnownEntity

    try:
        from jigsaw.reviews.known import known_rows
        from jigsaw.reviews.workflow import ReviewError, get_review

        from .review_common import REASON, REASON_TEXT, refuse_shielded, review_account
    except ImportError:  # a reviews app without the known-people service
        raise UserError("this installation's case reviews cannot list known people; "
                        "give --known KNOWN.csv") from None

    try:
        who = review_account(as_user)
        review = get_review(int(review_id), "default")
        refuse_shielded(review)
        rows = known_rows(review)
    except ReviewError as exc:
        raise UserError(str(exc)) from None
    record_cli(who, "export", person_id=review.person_id, reason=REASON, reason_text=REASON_TEXT,
               detail={"case_review": review.pk, "what": "known_for_redaction"})
    return [KnownEntity(r["category"], r["text"], r["role"], r.get("label", "")) for r in rows]


def _report_path(out: Path) -> Path:
    return out.with_name(out.name + ".report.json")


def _write_atomically(file: Path, out: Path, redactor):
    from jigsaw.redaction import redact_file

    if not out.parent.is_dir():
        raise UserError(f"{out.parent}: no such folder")
    fd, tmp_out = tempfile.mkstemp(prefix=".redact-", dir=out.parent)
    os.close(fd)
    tmp_report = tmp_out + ".report"
    try:
        result = redact_file(file, Path(tmp_out), redactor)
        Path(tmp_report).write_text(json.dumps(result.report, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp_out, out)
        os.replace(tmp_report, _report_path(out))
    finally:
        for leftover in (tmp_out, tmp_report):
            Path(leftover).unlink(missing_ok=True)
    return result
