"""``kvrules tokens``: the API clients allowed to call ``POST /api/v1/screen``."""

from __future__ import annotations

from pathlib import Path

import click

from kvrules.actors import cli_actor
from kvrules.cli.options import JSON_OPTION, change_state, open_existing, state_db


@click.group()
def tokens() -> None:
    """API tokens for the pre-screening API (one per client system)."""


@tokens.command("add")
@click.argument("client")
@state_db
def tokens_add(client: str, db: Path) -> None:
    """Issue a token for CLIENT (one word, e.g. grants-portal). The token is printed once, on
    stdout, and only its SHA-256 is stored: hand it to the client's operator over a safe
    channel. A client has one live token; revoke it before issuing another."""
    from kvrules.store import Store

    with Store.open(db, create=True) as store:  # the first client may start it
        try:
            token = store.issue_api_token(client, actor=cli_actor())
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"token for {client} (shown once; send it as Authorization: Bearer …):", err=True)
    click.echo(token)


@tokens.command("list")
@state_db
@JSON_OPTION
def tokens_list(db: Path, as_json: bool) -> None:
    """API clients, when their token was issued and last used, and whether it is revoked."""
    import json

    with open_existing(db, read_only=True) as store:
        rows = [
            {
                "client": t.client,
                "issued": t.created_at.isoformat(),
                "issued_by": t.created_by,
                "last_used": t.last_used_at.isoformat() if t.last_used_at else None,
                "revoked": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in store.api_tokens()
        ]
    if as_json:
        click.echo(json.dumps(rows))
        return
    for r in rows:
        state = f"revoked {r['revoked']}" if r["revoked"] else "live"
        used = f"last used {r['last_used']}" if r["last_used"] else "never used"
        click.echo("\t".join([r["client"], state, f"issued {r['issued']}", used]))


@tokens.command("revoke")
@click.argument("client")
@state_db
def tokens_revoke(client: str, db: Path) -> None:
    """Revoke CLIENT's token: its next request is refused."""
    change_state(
        db,
        lambda store: store.revoke_api_token(client, actor=cli_actor()),
        f"{client!r} has no live token (kvrules tokens list)",
        f"revoked the token of {client}",
    )
