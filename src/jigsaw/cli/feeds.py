"""``jigsaw synth``, ``jigsaw import`` and ``jigsaw quarantine``."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import UserError, echo_json, progress_bar, setup_django, status

if TYPE_CHECKING:
    from jigsaw.records.importer.run import FileResult, ImportReport


@click.command()
@click.option("--children", type=click.IntRange(min=1), required=True, help="How many children.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same output.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write one sub-folder per source system into, plus truth/.")
@click.option("--returns", "with_returns", is_flag=True,
              help="Also write the council's DfE returns (CIN census XML, SSDA903 CSVs) to "
                   "OUT/returns/, for `jigsaw import ... --source csc`.")
def synth(children: int, seed: int, out_dir: Path, with_returns: bool) -> None:
    """Write a synthetic partnership's feeds (and its ground truth)."""
    from django.conf import settings

    from jigsaw.synth import write_partnership

    if out_dir.exists() and any(out_dir.iterdir()):
        raise UserError(f"{out_dir} is not empty; choose a new folder for the synthetic feeds")
    with progress_bar("Generating children", children) as advance:
        done = 0

        def report(finished: int, _total: int) -> None:
            nonlocal done
            advance(finished - done)
            done = finished

        summary = write_partnership(out_dir, children=children, seed=seed, progress=report,
                                    workers=settings.JIGSAW_SYNTH_WORKERS or None)
    click.echo(
        f"Wrote {summary.children:,} children ({summary.people:,} people, "
        f"{summary.person_records:,} person records, {summary.events:,} events, "
        f"{summary.patterns:,} injected patterns) for {len(summary.source_systems)} source "
        f"systems to {out_dir} in {summary.seconds:.1f}s"
    )
    if with_returns:
        from jigsaw.synth.returns import COUNCIL_SOURCE, write_returns

        made = write_returns(out_dir, out_dir / "returns", seed=seed)
        click.echo(f"Wrote the DfE returns for {made.children:,} children to {out_dir / 'returns'} "
                   f"(import them with `jigsaw import {out_dir / 'returns'}/* --source "
                   f"{COUNCIL_SOURCE}`)")


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of counts.")
@click.option("--no-link", is_flag=True, help="Load only; leave identity matching to `jigsaw link`.")
@click.option("--source", metavar="SYSTEM",
              help="Also read DfE returns (CIN census XML, SSDA903 header/episodes/missing CSVs) "
                   "as records of this source system, which must exist unless --new-source.")
@click.option("--new-source", is_flag=True,
              help="With --source: the returns may make a new source system of that name.")
def import_command(paths: tuple[Path, ...], as_json: bool, no_link: bool, source: str | None,
                   new_source: bool) -> None:
    """Validate and load feed files or folders of them, and DfE returns with --source."""
    setup_django()
    from jigsaw.feeds import FeedFileError, discover, is_return, kind_of, parts_count
    from jigsaw.records.importer import ImportBusyError, import_paths

    if new_source and not source:
        raise click.UsageError("--new-source names no source system: give --source SYSTEM too")
    try:
        files = discover(list(paths), also=is_return if source else None)
    except FeedFileError as exc:
        raise UserError(str(exc)) from None
    if not files:
        raise UserError("no feed files found (expected people/events/relationships/"
                        "involvements .csv or .jsonl" + (", or DfE returns" if source else
                                                          "; DfE returns need --source") + ")")
    total = sum(f.stat().st_size * (parts_count(f) if source and kind_of(f) is None else 1)
                for f in files)
    if not no_link:
        # linking, the notices and the rules need the identity model and the rules engine (splink,
        # DuckDB, pyarrow, SciPy: seconds of imports on a busy host). Loaded now, before the data
        # is committed, a child's unscheduled-care notice follows the import within a second
        # instead of waiting for Python to load them (benchmarks/cpis_notice.py).
        import jigsaw.alerts.notices
        import jigsaw.signpost.batch
        import jigsaw.signpost.incremental  # noqa: F401
    try:
        with progress_bar("Importing", total) as advance:
            report = import_paths(files, progress=advance, source=source, new_source=new_source)
    except ImportBusyError as exc:
        raise UserError(str(exc)) from None
    recorded = log_agency_contacts(report)
    data = report.as_dict()
    if as_json:
        echo_json(data)
    else:
        for f in report.files:
            if f.status == "refused":
                click.echo(f"refused  {f.file}: {f.reason}", err=True)
        manifests = {_manifest(f): f.source_json_problem for f in report.files
                     if f.source_json_problem}
        for manifest, problem in manifests.items():  # once each, however many files it covers
            click.echo(f"note     {manifest} {problem}: it named no system or agency (the rows "
                       "loaded); correct it and import again", err=True)
        read = len({f.file for f in report.files})  # a return file gives a result per part
        parts = f" ({len(report.files)} parts)" if len(report.files) > read else ""
        click.echo(
            f"{read} file{'' if read == 1 else 's'}{parts}: read {data['read']:,}, "
            f"accepted {data['accepted']:,}, "
            f"quarantined {data['quarantined']:,}, unchanged {data['unchanged']:,}, "
            f"warnings {data['warnings']:,}"
        )
        if data["quarantined"]:
            click.echo("See the quarantined rows with `jigsaw quarantine list`.")
        for agency in recorded:
            click.echo(f"Recorded {agency}'s safeguarding contact from its source.json (a new "
                       "agency); change it on the agency's page.")
    if not no_link:
        _link_new_records(as_json)
        batches = [f.batch_id for f in report.files if f.batch_id]
        _notify_unscheduled_care(batches, as_json)
        _alert_new_events(batches, as_json)
    if report.refused:
        raise SystemExit(1)


def _manifest(result: FileResult) -> str:
    """The source.json that described the file's source system, as an absolute path: an auditor
    reads the log long after, from another folder."""
    return str(Path(result.file).resolve().parent / "source.json")


def log_agency_contacts(report: ImportReport) -> list[str]:
    """Write each agency contact an import's source.json gave a new agency to the access log, as an
    administrator's edit of it is (which fields, not their values): it is whom the API tells
    another agency to call. Returns the agencies' names."""
    from jigsaw.audit.log import record_cli
    from jigsaw.audit.models import Action

    recorded = []
    for f in report.files:
        if f.agency_contact:
            record_cli(getpass.getuser(), Action.ADMIN, detail={
                "operation": "agency_contact_from_feed", **f.agency_contact,
                "file": _manifest(f)})
            recorded.append(f.agency_contact["agency"])
    return recorded


def _notify_unscheduled_care(batch_ids: list[int], quiet: bool) -> None:
    """CP-IS: an attendance of a child on a plan or looked after reaches the allocated social
    worker's account before anything else runs (jigsaw.alerts.notices)."""
    from jigsaw.alerts.notices import notify
    from jigsaw.rules import RuleFileError

    try:
        result = notify(batch_ids)
    except RuleFileError as exc:
        raise UserError(f"the import is loaded, but the rules could not run: {exc}") from None
    if not quiet and result["raised"]:
        click.echo(f"{result['raised']:,} unscheduled-care notices sent to the children's social workers")


def _alert_new_events(batch_ids: list[int], quiet: bool) -> None:
    """Run the rules for the people (and households) whose events this import added or changed."""
    from jigsaw.alerts.run import persons_of_batches, run
    from jigsaw.rules import RuleFileError

    persons = persons_of_batches(batch_ids)
    if not persons:
        return
    try:
        result = run(persons=persons)
    except RuleFileError as exc:
        raise UserError(f"the import is loaded, but the rules could not run: {exc}") from None
    if not quiet and result["raised"]:
        click.echo(f"{result['raised']:,} new alerts: see them with `jigsaw alerts`")


def _link_new_records(quiet: bool) -> None:
    """Match the records this import added or changed to people straight away."""
    from jigsaw.signpost.batch import link_all
    from jigsaw.signpost.incremental import match_waiting, should_batch, waiting_ids

    waiting = len(waiting_ids())
    if not waiting:
        return
    if should_batch(waiting):
        with status("Linking") as step:
            try:
                result = link_all(step=step)
            except Exception as exc:
                first = (str(exc).splitlines() or [type(exc).__name__])[0]
                raise UserError(f"the import is loaded, but linking stopped: {first}; "
                                "run `jigsaw link` to try again") from None
        summary = f"linked all {result['records']:,} person records into {result['people']:,} people"
    else:
        result = match_waiting()
        summary = (f"matched {result['matched']:,} new or changed person records: {result['joined']:,} "
                   f"joined a known person, {result['new_people']:,} are new people")
    if not quiet:
        review = f"; {result['review_items']:,} pairs to review" if result["review_items"] else ""
        click.echo(summary + review)


@click.group()
def quarantine() -> None:
    """Rows that could not be loaded (list, export), and rows that loaded with warnings."""


@quarantine.command("list")
@click.option("--source", help="Only this source system.")
@click.option("--all", "include_resolved", is_flag=True, help="Include resolved rows.")
@click.option("--json", "as_json", is_flag=True)
def quarantine_list(source: str | None, include_resolved: bool, as_json: bool) -> None:
    """Quarantined rows: where they came from and why (not their content)."""
    setup_django()
    from jigsaw.records.quarantine import quarantined_rows

    _listing(list(quarantined_rows(source=source, include_resolved=include_resolved)), as_json,
             "No quarantined rows.", "rows", lambda r: f"{r['status']:<8} {r['source_system'] or '-'} "
             f"{r['file_name']}:{r['line']}  {r['reason']}")


@quarantine.command("warnings")
@click.option("--source", help="Only this source system.")
@click.option("--json", "as_json", is_flag=True)
def quarantine_warnings(source: str | None, as_json: bool) -> None:
    """Rows that loaded with a warning (an unknown code kept as sent, say): where and why."""
    setup_django()
    from jigsaw.records.quarantine import import_warnings

    _listing(list(import_warnings(source=source)), as_json, "No warnings.", "warnings",
             lambda r: f"{r['source_system'] or '-'} {r['file_name']}:{r['line']}  {r['message']}")


def _listing(rows: list[dict], as_json: bool, empty: str, noun: str,
             line: Callable[[dict], str]) -> None:
    """Rows as JSON, or a line each and their count (or what to say when there are none)."""
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(empty)
        return
    for row in rows:
        click.echo(line(row))
    click.echo(f"{len(rows):,} {noun}")


@quarantine.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--source", help="Only this source system.")
@click.option("--all", "include_resolved", is_flag=True, help="Include resolved rows.")
def quarantine_export(out: Path, source: str | None, include_resolved: bool) -> None:
    """Write quarantined rows, with their raw text, to a CSV for the sending agency to fix."""
    setup_django()
    from jigsaw.records.quarantine import export_csv

    count = export_csv(out, source=source, include_resolved=include_resolved)
    click.echo(f"Wrote {count:,} rows to {out}")
