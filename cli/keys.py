"""``twin keys create|list|revoke``: API keys for the service (stored hashed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import TwinGroup, app
from cli.common import fail, print_json

if TYPE_CHECKING:
    from twin.access.keys import KeyStore

#: The roles of :data:`twin.access.keys.ROLES`, named without importing the key
#: store (``twin keys create --help`` stays quick); a test keeps them in step.
ROLE_HELP = "One of viewer, staff, housing, operator, admin, system."

keys_app = typer.Typer(cls=TwinGroup, help="API keys: create, list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _store() -> KeyStore:
    from twin.access.keys import KeyStore
    from twin.settings import get_settings
    from twin.store.db import engine_for

    return KeyStore(engine_for(get_settings().effective_database_url))


@keys_app.command("create")
def create_command(
    name: Annotated[str, typer.Argument(help="Key name (the audit log's actor).")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    building: Annotated[
        list[str] | None, typer.Option("--building", help="Limit to this building; repeatable.")
    ] = None,
    allow: Annotated[
        list[str] | None,
        typer.Option("--allow", help="system keys: a permission, e.g. readings:write."),
    ] = None,
) -> None:
    """Make a key and print it once on stdout (only its hash is stored)."""
    from twin.access.keys import KeyStoreError

    try:
        token = _store().create(name, role, buildings=building or (), allow=allow or ())
    except KeyStoreError as exc:
        fail(str(exc))
    typer.echo(token)


@keys_app.command("list")
def list_command(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every key: name, role, buildings, created, revoked (never the key itself)."""
    keys = _store().list()
    rows = [
        {
            "name": k.name,
            "role": k.role,
            "buildings": sorted(k.buildings),
            "permissions": sorted(k.permissions),
            "created_at": k.created_at.isoformat(),
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in keys
    ]
    if json_output:
        print_json(rows)
        return
    for row in rows:
        scope = ",".join(row["buildings"]) or "all buildings"
        state = f"revoked {row['revoked_at'][:19]}" if row["revoked_at"] else "active"
        typer.echo(f"{row['name']:<24} {row['role']:<9} {scope:<24} {state}")


@keys_app.command("revoke")
def revoke_command(name: Annotated[str, typer.Argument(help="Key name.")]) -> None:
    """Revoke a key (the service refuses it within seconds)."""
    from twin.access.keys import KeyStoreError

    try:
        _store().revoke(name)
    except KeyStoreError as exc:
        fail(str(exc))
    typer.echo(f"revoked {name}")
