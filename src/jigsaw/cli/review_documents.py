"""``jigsaw reviews`` commands on a review's documents: its redaction, known people and evidence pack."""

from __future__ import annotations

from pathlib import Path

import click

from .common import UserError, setup_django
from .review_common import as_option, log_read, refuse_shielded, review_account, run_service


@click.command("redaction")
@click.argument("review_id", type=int)
@click.argument("report", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@as_option
def redaction_command(review_id: int, report: Path, as_user: str | None) -> None:
    """Attach a redaction report (DESIGN.md format) of the final report, for item-by-item approval."""
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.signoff import upload

    stored = run_service(upload, review_id, report.read_bytes(), report.name, who)
    click.echo(f"Review {review_id}: {stored.items.count()} replacement(s) to decide on the review's page.")


@click.command("known")
@click.argument("review_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--add",
    "extra",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A KNOWN.csv of further people, places and organisations to include.",
)
@as_option
def known_command(review_id: int, out: Path, extra: Path | None, as_user: str | None) -> None:
    """Write the review's KNOWN.csv (for `jigsaw redact --known`) from its evidence pack."""
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.known import known_rows, read_known, to_csv
    from jigsaw.reviews.workflow import get_review

    added = run_service(read_known, extra) if extra else []
    review = run_service(get_review, review_id, "default")
    refuse_shielded(review)
    rows = run_service(known_rows, review) + added
    log_read(who, review, action="export", what="known_csv")
    out.write_text(to_csv(rows), encoding="utf-8")
    click.echo(f"Wrote {len(rows)} known item(s) to {out}", err=True)


@click.command("pack")
@click.argument("review_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--anonymise", is_flag=True, help="Roles instead of names (Child A, Mother, ...).")
@as_option
def pack_command(review_id: int, out: Path, anonymise: bool, as_user: str | None) -> None:
    """Write the review's frozen evidence pack (chronology, signposts, contributions) as JSON."""
    import json

    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.evidence import pack
    from jigsaw.reviews.workflow import get_review

    review = run_service(get_review, review_id, "default")
    refuse_shielded(review)
    data = run_service(pack, review, anonymise)
    log_read(who, review, action="export", what="evidence_pack", anonymised=anonymise)
    out.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    click.echo(f"Wrote the evidence pack of review {review_id} to {out}", err=True)


@click.command("apply")
@click.argument("review_id", type=int)
@click.argument("original", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@as_option
def apply_command(review_id: int, original: Path, out: Path, as_user: str | None) -> None:
    """Apply the decided redaction (approved or changed items) to the original plain-text report."""
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    try:
        text = original.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{original.name} is not UTF-8 plain text") from None
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.signoff import apply_decisions, current_report
    from jigsaw.reviews.workflow import get_review

    review = run_service(get_review, review_id, "default")
    refuse_shielded(review)
    report = current_report(review)
    if report is None:
        raise UserError(f"review {review_id} has no redaction report")
    redacted = run_service(apply_decisions, text, list(report.items.all()))
    log_read(who, review, action="export", what="redacted_report")
    out.write_text(redacted, encoding="utf-8")
    click.echo(f"Wrote the redacted report of review {review_id} to {out}", err=True)


@click.command("decide-item")
@click.argument("review_id", type=int)
@click.argument("index", type=int)
@click.argument("decision", type=click.Choice(["approved", "changed"]))
@click.option("--replacement", default="", help="With 'changed': the replacement to use instead.")
@as_option
def decide_item_command(
    review_id: int, index: int, decision: str, replacement: str, as_user: str | None
) -> None:
    """Approve or change one replacement of the review's redaction report."""
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.signoff import decide_item
    from jigsaw.reviews.workflow import get_review

    item = run_service(decide_item, review_id, index, decision, who, replacement)
    log_read(who, get_review(review_id, "default"), step="redaction_decision")
    click.echo(f"Review {review_id}: item {index} {decision} ({item.final}).")


@click.command("redact")
@click.argument("review_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--no-model", is_flag=True, help="Records and patterns only; no statistical model.")
@as_option
def redact_command(review_id: int, file: Path, out: Path, no_model: bool, as_user: str | None) -> None:
    """Redact the final report FILE (text or .docx) with the review's known people; attach its report."""
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    if out.resolve() == file.resolve():
        raise UserError("--out must not be the input file")
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.redact import redact_final_report
    from jigsaw.reviews.workflow import get_review

    review = run_service(get_review, review_id, "default")
    refuse_shielded(review)
    log_read(who, review, action="export", what="known_for_redaction")
    report = run_service(redact_final_report, review_id, file, out, who, use_model=not no_model)
    click.echo(f"Wrote {out}; review {review_id}: {report.items.count()} replacement(s) to decide.", err=True)


COMMANDS = (redaction_command, known_command, pack_command, apply_command, decide_item_command,
            redact_command)
