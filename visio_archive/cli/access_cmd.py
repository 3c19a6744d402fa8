"""`visio-archive access ...`: who gets which role in the archive when signed in by the identity provider."""

from __future__ import annotations

import getpass
import json
from enum import StrEnum

import typer
from rich.console import Console
from rich.table import Table

from visio_archive.cli.app import app
from visio_archive.settings import get_settings

access_app = typer.Typer(
    name="access",
    help=(
        "The access table: roles for people signed in by the identity provider (ProConnect, Keycloak).\n\n"
        "The provider says who a person is; this table says what they may do. Rules by sub, email, group "
        "(the groups claim), siret or domain; the most specific kind that matches decides, in that order. "
        "Role `none` refuses access whatever a broader rule says. Changes take effect at the next request: "
        "open sessions whose role changes are ended. Stored in {state_dir}/access.json."
    ),
    no_args_is_help=True,
)
app.add_typer(access_app)
console = Console(stderr=True)


class Kind(StrEnum):
    sub = "sub"
    email = "email"
    group = "group"
    siret = "siret"
    domain = "domain"


class GrantName(StrEnum):
    viewer = "viewer"
    records_officer = "records_officer"
    legal = "legal"
    admin = "admin"
    none = "none"


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[red]erreur :[/] {message}")
    return typer.Exit(code)


@access_app.command("list")
def list_rules(as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout.")) -> None:
    """Show every rule of the access table."""
    from visio_archive.identity.access import KIND_ORDER, AccessError, AccessTable

    table = AccessTable.in_state_dir(get_settings().state_dir)
    try:
        rules = sorted(table.rules(), key=lambda r: (KIND_ORDER.index(r.kind), r.value))
    except AccessError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        print(json.dumps([r.model_dump(mode="json") for r in rules], ensure_ascii=False, indent=2))
        return
    out = Table("kind", "value", "role", "note", "updated", "by")
    for r in rules:
        out.add_row(r.kind, r.value, r.grant.value, r.note, r.updated_at.strftime("%Y-%m-%d %H:%M"), r.updated_by)
    Console().print(out)
    if not rules:
        console.print("La table d'accès est vide : personne n'a de rôle par le fournisseur d'identité. "
                      "Ajoutez une règle : visio-archive access set email prenom.nom@exemple.gouv.fr viewer")


def _record_change(kind: str, value: str, grant: str | None, previous: str | None) -> int:
    from visio_archive.audit import AuditLog
    from visio_archive.identity.service import IdentityService

    settings = get_settings()
    service = IdentityService.from_settings(settings, oidc=None)
    ended = service.revoke_for_rule(kind, value)
    AuditLog.in_state_dir(settings.state_dir).record(
        _actor(), "access_change",
        details={"kind": kind, "value": value, "role": grant, "previous": previous, "sessions_ended": ended},
    )
    return ended


@access_app.command("set")
def set_rule(
    kind: Kind = typer.Argument(..., help="sub, email, group, siret or domain."),
    value: str = typer.Argument(..., help="A sub claim, e-mail address, group name, 14-digit SIRET or domain."),
    role: GrantName = typer.Argument(..., help="viewer, records_officer, legal, admin, or none (no access)."),
    note: str = typer.Option("", help="Why (shown in `access list`)."),
) -> None:
    """Add or replace one rule (audited). Sessions it concerns are ended when the role changes."""
    from visio_archive.identity.access import AccessError, AccessTable, Grant, normalize

    table = AccessTable.in_state_dir(get_settings().state_dir)
    try:
        previous = table.set(kind.value, value, Grant(role.value), actor=_actor(), note=note)
        value = normalize(kind.value, value)
    except AccessError as exc:
        raise _fail(str(exc)) from None
    before = previous.grant.value if previous else None
    ended = _record_change(kind.value, value, role.value, before) if before != role.value else 0
    console.print(f"{kind.value} {value} -> {role.value}"
                  + (f" (était {before})" if before and before != role.value else "")
                  + (f" ; {ended} session(s) fermée(s)" if ended else ""))


@access_app.command("remove")
def remove_rule(
    kind: Kind = typer.Argument(..., help="sub, email, group, siret or domain."),
    value: str = typer.Argument(..., help="The rule's value, as `access list` shows it."),
) -> None:
    """Remove one rule (audited); the sessions it concerns end at once."""
    from visio_archive.identity.access import AccessError, AccessTable, normalize

    table = AccessTable.in_state_dir(get_settings().state_dir)
    try:
        previous = table.remove(kind.value, value)
        value = normalize(kind.value, value)
    except AccessError as exc:
        raise _fail(str(exc)) from None
    if previous is None:
        raise _fail(f"aucune règle {kind.value} {value} (voir `visio-archive access list`).", 1)
    ended = _record_change(kind.value, value, None, previous.grant.value)
    console.print(f"règle {kind.value} {value} ({previous.grant.value}) supprimée"
                  + (f" ; {ended} session(s) fermée(s)" if ended else ""))


@access_app.command("check")
def check(
    sub: str = typer.Option("-", help="The sub claim."),
    email: str | None = typer.Option(None, help="E-mail address (as verified by the provider)."),
    siret: str | None = typer.Option(None, help="SIRET of the person's establishment."),
    group: list[str] = typer.Option([], help="A value of the groups claim (repeatable)."),
) -> None:
    """Which role would this person get, and by which rule."""
    from visio_archive.identity.access import AccessError, AccessTable, Claims

    table = AccessTable.in_state_dir(get_settings().state_dir)
    try:
        decision = table.decide(Claims(sub=sub, email=email, email_verified=True, siret=siret, groups=group))
    except AccessError as exc:
        raise _fail(str(exc)) from None
    print(json.dumps({"role": decision.role.value if decision.role else None, "rule": decision.reason}))
    if decision.role is None:
        raise typer.Exit(1)


@access_app.command("dev-groups")
def dev_groups() -> None:
    """Give roles to the development Keycloak's groups (archive-viewers, archive-records-officers,
    archive-legal, archive-admins), for `services up` with VISIO_OIDC_ISSUER on loopback."""
    from visio_archive.identity.access import AccessTable, Grant
    from visio_archive.identity.keycloak import DEV_GROUP_ROLES

    table = AccessTable.in_state_dir(get_settings().state_dir)
    for group, role in DEV_GROUP_ROLES.items():
        table.set("group", group, Grant(role), actor=_actor(), note="development Keycloak group")
        console.print(f"group {group} -> {role}")


@access_app.command("sessions")
def sessions(as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout.")) -> None:
    """List open browser sessions (who, role, since when, last request)."""
    from datetime import UTC, datetime

    from visio_archive.identity.sessions import SessionStore

    rows = SessionStore.in_state_dir(get_settings().state_dir).list()
    if as_json:
        print(json.dumps([{"subject": s.subject, "method": s.method, "role": s.role, "email": s.email,
                           "created_at": s.created_at, "last_seen": s.last_seen, "address": s.address}
                          for s in rows], ensure_ascii=False, indent=2))
        return
    out = Table("subject", "method", "role", "email", "since", "last request", "address")

    def ts(t: float) -> str:
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    for s in rows:
        out.add_row(s.subject, s.method, s.role, s.email or "", ts(s.created_at), ts(s.last_seen), s.address or "")
    Console().print(out)


@access_app.command("revoke")
def revoke(
    subject: str | None = typer.Option(None, help="End every session of this user name or OIDC sub."),
    all_sessions: bool = typer.Option(False, "--all", help="End every open session."),
) -> None:
    """End sessions now (audited)."""
    from visio_archive.audit import AuditLog
    from visio_archive.identity.sessions import SessionStore

    if not subject and not all_sessions:
        raise _fail("indiquez --subject NOM ou --all.")
    settings = get_settings()
    store = SessionStore.in_state_dir(settings.state_dir)
    ended = store.revoke_all() if all_sessions else store.revoke_subject(subject or "")
    AuditLog.in_state_dir(settings.state_dir).record(_actor(), "sessions_revoked",
                                                     details={"subject": subject, "all": all_sessions, "n": ended})
    console.print(f"{ended} session(s) fermée(s)")
