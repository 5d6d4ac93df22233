"""``jigsaw link``, ``jigsaw export links`` and ``jigsaw review links``."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from .common import UserError, account_actor, echo_json, setup_django, status


@click.command()
@click.option("--retrain", is_flag=True, help="Train the model on the current records first.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object: counts, timings and what the model learned.")
@click.option("--truth", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV source_system,source_id,true_person_id (as `jigsaw synth` writes): also report "
                   "blocking recall and pairwise precision, recall and F1.")
def link(retrain: bool, as_json: bool, truth: Path | None) -> None:
    """Resolve identities across all person records (batch)."""
    setup_django()
    from jigsaw.signpost.batch import link_all

    known = _read_truth(truth) if truth else None
    with status("Linking") as step:
        try:
            result = link_all(retrain=retrain, step=step, truth=known)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    if as_json:
        echo_json(result)
        return
    for line in [*result["model"]["notes"], *result["model"]["warnings"]]:
        click.echo(f"note: {line}", err=True)
    t = result["timings"]
    click.echo(f"{result['records']:,} person records -> {result['people']:,} people "
               f"({result['links']:,} links from {result['pairs_scored']:,} scored pairs); "
               f"{result['review_items']:,} pairs to review with `jigsaw review links`")
    click.echo("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in t.items()))
    if "truth" in result:
        click.echo("against the truth: " + ", ".join(f"{k} {v}" for k, v in result["truth"].items()))


def _read_truth(path: Path) -> dict[tuple[str, str], str]:
    """``(source_system, source_id) -> true_person_id`` from a truth CSV; a bad file is a user error."""
    import csv

    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        wanted = {"source_system", "source_id", "true_person_id"}
        if not wanted <= set(reader.fieldnames or ()):
            raise UserError(f"{path} needs the columns source_system, source_id, true_person_id")
        return {(row["source_system"], row["source_id"]): row["true_person_id"] for row in reader}


@click.group()
def export() -> None:
    """Write data out for other systems."""


@export.command("links")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_links_command(out: Path) -> None:
    """CSV of every person record with its person id, match probability and method."""
    setup_django()
    from jigsaw.signpost.export import export_links

    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    from jigsaw.audit.log import record_cli

    record_cli(getpass.getuser(), "export", detail={"what": "links"})
    rows, unlinked = export_links(out)
    click.echo(f"Wrote {rows:,} person records to {out}")
    if unlinked:
        click.echo(f"{unlinked:,} records are not linked yet (blank person): run `jigsaw link`.")


@click.group()
def review() -> None:
    """The clerical review queue."""


@review.command("links")
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--item", type=int, help="Decide this review item.")
@click.option("--records", "pair", type=(int, int), help="Decide these two records instead of an item.")
@click.option("--decision", type=click.Choice(["same", "different"]))
@click.option("--reason", default="", help="Why (kept with the decision).")
@click.option("--as", "as_user", metavar="USER", envvar="JIGSAW_USER",
              help="The Jigsaw account you act as: a role with link review, vetted (default: JIGSAW_USER).")
def review_links(as_json: bool, limit: int, item: int | None, pair: tuple[int, int] | None,
                 decision: str | None, reason: str, as_user: str | None) -> None:
    """List uncertain links, or record a decision on one (every later run obeys it).

    Like the review page it acts as a checked account, logs every record it shows, and shows a
    pair that may be a protected child's without details or evidence.
    """
    setup_django()
    from jigsaw.signpost.review import ReviewError
    from jigsaw.signpost.review_shown import record_decision, shown_items

    actor = account_actor(as_user, "review")
    if item is not None or pair is not None or decision is not None:
        if decision is None or (item is None) == (pair is None):
            raise UserError("to decide, give --decision same|different, --reason and either --item "
                            "or --records")
        try:
            made = record_decision(actor, "default", item, pair, decision, reason)
        except ReviewError as exc:
            raise UserError(str(exc)) from None
        click.echo(f"Recorded: records {made.record_a_id} and {made.record_b_id} are "
                   f"{'the same person' if made.decision == 'same' else 'not the same person'}. "
                   "Run `jigsaw link` to apply it everywhere.")
        return
    items = shown_items(actor, "default", limit)
    if as_json:
        echo_json(items)
        return
    if not items:
        click.echo("Nothing to review.")
        return
    for entry in items:
        click.echo(f"item {entry['item']} ({entry['kind']}, probability {entry['match_probability']:.3f})")
        if entry["protected"]:
            click.echo("  a record that may be a protected child's: no details; ask the hub to decide")
            continue
        for r in entry["records"]:
            click.echo(f"  record {r['pk']} {r['source_system__code']}:{r['record_key']}  {r['given_name']} "
                       f"{r['family_name']}  born {r['birth_date'] or '?'}  NHS {r['nhs_number'] or '-'}  "
                       f"{r['postcode'] or ''}")
        click.echo("  " + "; ".join(f"{s['field']} {s['level']} {s['weight']:+}" for s in entry["evidence"]
                                    if s["field"] not in ("prior", "total")))
    click.echo("Decide with: jigsaw review links --item N --decision same|different --reason '...'")
