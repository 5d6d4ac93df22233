"""``jigsaw subject-access PERSON_ID --out DIR``: everything held about a person, to answer a
subject access request (docs/retention.md), third-party details marked for a person to redact.

It acts as a named administrator (the data manager) with current vetting: the export is a read
of the person's whole record, written to the access log as an ``export`` with reason
``subject_access`` before any file is written.
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import UserError, setup_django


@click.command("subject-access")
@click.argument("person_id", type=int)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into (made if missing; must be empty).",
)
@click.option(
    "--as",
    "as_user",
    metavar="USER",
    envvar="JIGSAW_USER",
    help="The Jigsaw account you act as (else JIGSAW_USER); an administrator.",
)
def subject_access(person_id: int, out: Path, as_user: str | None) -> None:
    """Export all that is held about PERSON_ID as JSON, HTML and CSV."""
    if out.exists() and any(out.iterdir()):
        raise UserError(f"folder {out} is not empty: give a new folder")
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    setup_django()
    from jigsaw.accounts.operator import OperatorError, operator
    from jigsaw.accounts.roles import vetting_problem
    from jigsaw.audit.log import record_cli
    from jigsaw.lifecycle.subject_access import SubjectAccessError, gather
    from jigsaw.lifecycle.subject_access_files import write_export

    try:
        acting = operator(as_user, "admin")
    except OperatorError as exc:
        raise UserError(str(exc)) from None
    from django.contrib.auth import get_user_model

    problem = vetting_problem(get_user_model().objects.get(username=acting.username))
    if problem:
        raise UserError(f"the account {acting.username!r} may not export a person's record: {problem}")
    from jigsaw.signpost.models import Person

    if not Person.objects.filter(pk=person_id).exists():
        raise UserError(f"there is no person {person_id}")
    # no entry, no access: the read is logged before anything is gathered (and is in the export)
    record_cli(acting.username, "export", person_id=person_id, role=acting.role, agency=acting.agency,
               reason="subject_access", detail={"view": "cli:subject-access"})
    try:
        data = gather(person_id)
    except SubjectAccessError as exc:
        raise UserError(str(exc)) from None
    out.mkdir(exist_ok=True)
    files = write_export(data, out)
    total = sum(data["counts"].values())
    click.echo(
        f"Wrote {total:,} items about person {person_id} to {out} ({len(files)} files); "
        "check the highlighted values before release.",
        err=True,
    )
