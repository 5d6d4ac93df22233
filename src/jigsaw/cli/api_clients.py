"""``jigsaw api-client create|list|revoke``: machine clients of other agencies' systems.

The client secret is printed once, at creation, and never stored in plain text; creating and
revoking a client are written to the access log as administration.
"""

from __future__ import annotations

import click

from .common import UserError, acting_user, echo_json, setup_django


@click.group("api-client")
def api_client() -> None:
    """Machine clients (OAuth2 client credentials) for the FHIR API (docs/api.md)."""


def _using() -> str:
    from django.db import router

    from jigsaw.audit.models import AccessEntry

    return router.db_for_write(AccessEntry)


@api_client.command("create")
@click.argument("name")
@click.option("--agency", required=True, help="The agency answerable for the client's queries (its name).")
@click.option("--scope", "scopes", multiple=True, help="A scope to grant (default: all, person-info-query).")
@click.option("--json", "as_json", is_flag=True, help="Print client_id, client_secret and token_url as JSON.")
@click.option("--as", "as_user", metavar="USER", help="Who is acting, for the access log.")
def create(name: str, agency: str, scopes: tuple[str, ...], as_json: bool, as_user: str | None) -> None:
    """Create a client for AGENCY's system; its secret is shown only now."""
    actor = acting_user(as_user)
    setup_django()
    from django.db import transaction

    from jigsaw.api.clients import ClientError
    from jigsaw.api.clients import create as create_client
    from jigsaw.audit.log import record_cli
    from jigsaw.audit.models import Action

    using = _using()
    try:
        with transaction.atomic(using=using):
            made = create_client(name, agency, by=actor, scopes=list(scopes) or None, using=using)
            record_cli(actor, Action.ADMIN, using=using, detail={
                "operation": "api_client_create", "client": made.name, "client_id": made.client_id,
                "client_agency": made.agency, "scopes": made.scopes})
    except ClientError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        echo_json(made.as_dict())
        return
    click.echo(f"Created API client {made.name} for {made.agency} (scopes: {', '.join(made.scopes)}).")
    click.echo("Give these to the client's operator now; the secret will not be shown again:")
    click.echo(f"  client_id:     {made.client_id}")
    click.echo(f"  client_secret: {made.client_secret}")
    click.echo(f"  token_url:     {made.token_url}")
    from django.conf import settings

    if not settings.JIGSAW_API_BASE_URL_SET:
        click.echo("That address is `jigsaw serve`'s default on this machine: set JIGSAW_API_BASE_URL to "
                   "the address other agencies reach, then give them the token URL under it.")


@api_client.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_clients(as_json: bool) -> None:
    """Every client, active or revoked (never a secret)."""
    setup_django()
    from jigsaw.api.clients import listing

    rows = listing(_using())
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No API clients. Create one with `jigsaw api-client create NAME --agency AGENCY`.")
        return
    for row in rows:
        state = "active" if row["active"] else f"revoked {row['revoked_at'][:10]}"
        click.echo(f"{row['name']}\t{row['agency']}\t{row['client_id']}\t{' '.join(row['scopes'])}\t{state}")


@api_client.command("revoke")
@click.argument("client")
@click.option("--as", "as_user", metavar="USER", help="Who is acting, for the access log.")
def revoke(client: str, as_user: str | None) -> None:
    """Revoke CLIENT (its name or client_id): its tokens stop working now."""
    actor = acting_user(as_user)
    setup_django()
    from django.db import transaction

    from jigsaw.api.clients import ClientError
    from jigsaw.api.clients import revoke as revoke_client
    from jigsaw.audit.log import record_cli
    from jigsaw.audit.models import Action

    using = _using()
    try:
        with transaction.atomic(using=using):
            gone = revoke_client(client, by=actor, using=using)
            record_cli(actor, Action.ADMIN, using=using, detail={
                "operation": "api_client_revoke", "client": gone.name,
                "client_id": gone.application.client_id})
    except ClientError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Revoked API client {gone.name}: its tokens no longer work.")
