"""`visio-archive ui | search | export | import-transcript | ui-user`: the readers of the archive.

Commands only parse their options, call a use case of :mod:`visio_archive.usecases` (as the
command-line operator, audited as ``cli:<os user>``) and print.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from visio_archive.cli.app import app
from visio_archive.settings import get_settings


def _err(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


class ExportFormatName(StrEnum):
    odt = "odt"
    docx = "docx"
    pdf = "pdf"
    md = "md"
    srt = "srt"
    vtt = "vtt"
    json = "json"


class RoleName(StrEnum):
    viewer = "viewer"
    records_officer = "records_officer"
    legal = "legal"
    admin = "admin"


# ---------------------------------------------------------------- ui


@app.command()
def ui(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
    trust_proxy: str | None = typer.Option(
        None, "--trust-proxy",
        help="Address(es) of a reverse proxy whose X-Forwarded-For/-Proto to believe (comma-separated, e.g. "
             "127.0.0.1). Without it, behind a proxy every request (and the audit log) shows the proxy's address.",
    ),
) -> None:
    """Serve the search pages and the JSON API (/api, description at /api/openapi.json).

    Users and roles come from VISIO_USERS_FILE (default {state_dir}/users.toml) or the identity provider
    (VISIO_OIDC_ISSUER, see docs/identity.md); add a local user with `visio-archive ui-user NAME --role viewer`.
    """
    import uvicorn

    from search_ui.app import create_app
    from visio_archive.auth import AuthSettings, ConfigAuthenticator, token_key, users_file

    settings = get_settings()
    auth_settings = AuthSettings()
    path = users_file(auth_settings, settings.state_dir)
    try:
        authenticator = ConfigAuthenticator.from_file(path, token_key=token_key(auth_settings, settings.state_dir))
    except (ValueError, OSError) as exc:
        raise _err(f"cannot read the users file {path}: {exc}") from exc
    if len(authenticator) == 0 and not getattr(settings, "oidc_issuer", None):
        typer.echo(
            f"warning: no users in {path} and no identity provider (VISIO_OIDC_ISSUER); nobody can log in. "
            "Add one with `visio-archive ui-user NAME --role records_officer`.",
            err=True,
        )
    application = create_app(settings, authenticator=authenticator, auth_settings=auth_settings)
    typer.echo(f"Serving on http://{host}:{port}/ (API description: /api/openapi.json)", err=True)
    if trust_proxy:
        uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=True,
                    forwarded_allow_ips=trust_proxy)
    else:
        uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=False)


@app.command("ui-user")
def ui_user(
    username: str = typer.Argument(..., help="Login name."),
    role: RoleName = typer.Option(RoleName.viewer, help="viewer, records_officer, legal or admin."),
    display_name: str = typer.Option("", help="Name shown in the pages."),
    token: bool = typer.Option(False, "--token", help="Also create an API token (printed once)."),
    no_password: bool = typer.Option(False, "--no-password", help="Token only, no password login."),
    print_only: bool = typer.Option(False, "--print", help="Print the TOML block instead of appending it."),
) -> None:
    """Add a user to the users file (scrypt-hashed password, hashed API token)."""
    from visio_archive.auth import (
        AuthSettings,
        ConfigAuthenticator,
        Role,
        new_token,
        token_key,
        user_entry_toml,
        users_file,
    )

    settings = get_settings()
    path = users_file(AuthSettings(), settings.state_dir)
    password = None
    if not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < 10:
            raise _err("use at least 10 characters")
    secret_token = new_token() if token else None
    auth_settings = AuthSettings()
    block = user_entry_toml(username, Role(role.value), password, secret_token, display_name,
                            token_key=token_key(auth_settings, settings.state_dir))
    if print_only:
        typer.echo(block)
    else:
        existing = ConfigAuthenticator.from_file(path) if path.exists() else None
        if existing is not None and existing.get_user(username) is not None:
            raise _err(f"{username!r} is already in {path}; edit the file to change it")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(("\n" if path.stat().st_size else "") + block)
        path.chmod(0o600)
        typer.echo(f"added {username} ({role.value}) to {path}", err=True)
    if secret_token:
        typer.echo(f"API token (shown once): {secret_token}")


# ---------------------------------------------------------------- search


def _archive() -> Any:
    from visio_archive.usecases import Archive

    return Archive.from_settings(get_settings())


def _use_case_error(exc: Exception, settings: Any = None) -> typer.Exit:
    from visio_archive.usecases import Invalid, NotFound, Unavailable

    if isinstance(exc, Invalid):
        return _err(str(exc), 2)
    if isinstance(exc, Unavailable) and settings is not None:
        return _err(f"{exc} ({settings.opensearch_url}; `visio-archive services status`)", 3)
    if isinstance(exc, NotFound | Unavailable):
        return _err(str(exc), 1 if isinstance(exc, NotFound) else 3)
    return _err(str(exc))


@app.command()
def search(
    query: str = typer.Argument(..., help='Words, "phrases", AND/OR/NOT (ET/OU/SAUF), -exclusion.'),
    date_from: datetime | None = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="YYYY-MM-DD"),
    date_to: datetime | None = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="YYYY-MM-DD"),
    participant: str | None = typer.Option(None, help="Speaker: any words of the name, accents and case ignored."),
    title: str | None = typer.Option(None, help="Words of the meeting title."),
    series: str | None = typer.Option(None, help="Meeting series."),
    language: str | None = typer.Option(None, help="fr, en, de, nl."),
    meeting: str | None = typer.Option(None, help="Only this meeting id."),
    sort: str = typer.Option("relevance", help="relevance, date or date_asc."),
    limit: int = typer.Option(20, min=1, max=100, help="Number of hits (or meetings with --by-meeting)."),
    by_meeting: bool = typer.Option(False, "--by-meeting", help="One result per meeting with its best passages."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: {total, hits[...]} (and meetings[...])."),
) -> None:
    """Search the redacted archive (the same query language and filters as the web pages); audited."""
    from visio_archive.usecases import Actor, SearchParams, UseCaseError, run_search

    arc = _archive()
    params = SearchParams(q=query, date_from=date_from.date().isoformat() if date_from else None,
                          date_to=date_to.date().isoformat() if date_to else None, participant=participant,
                          title=title, series=series, language=language, meeting=meeting, sort=sort,
                          size=str(limit), view="meetings" if by_meeting else "passages")
    try:
        result = run_search(arc, Actor.command_line(), params, facets=False)
    except UseCaseError as exc:
        raise _use_case_error(exc, arc.settings) from exc
    if as_json:
        keys = ("meeting_id", "segment_id", "start", "end", "speaker", "text", "highlight")
        out: dict[str, Any] = {"total": result.total,
                               "hits": [h.model_dump(include=set(keys)) for h in result.hits]}
        if by_meeting:
            out["meetings"] = [m.model_dump(mode="json") for m in result.meetings]
            out["total_meetings"] = result.total_meetings
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.markup import escape

    from visio_archive.exports.common import hms
    from visio_archive.french import format_datetime

    console = Console()

    def show(h: Any) -> None:
        text = _unescape_html(escape(h.highlight))
        console.print(f"  [{hms(h.start)}] [bold]{escape(h.speaker or '?')}[/bold]: {text}")

    if by_meeting:
        console.print(f"[bold]{result.total}[/bold] passage(s) in {result.total_meetings} meeting(s)")
        for m in result.meetings:
            console.print(f"[cyan]{escape(m.meeting_id)}[/cyan] {escape(m.title or '')} — "
                          f"{format_datetime(m.started_at)} — {m.count} passage(s)")
            for h in m.passages:
                show(h)
        return
    console.print(f"[bold]{result.total}[/bold] passage(s)")
    for h in result.hits:
        console.print(f"[cyan]{escape(h.meeting_id)}[/cyan]", end="")
        show(h)


def _unescape_html(text: str) -> str:
    import html

    text = text.replace("&lt;mark&gt;", "[reverse]").replace("&lt;/mark&gt;", "[/reverse]")
    return html.unescape(text)


# ---------------------------------------------------------------- export


@app.command()
def export(
    meeting_id: str = typer.Argument(..., help="Meeting id."),
    fmt: ExportFormatName = typer.Option(..., "--format", help="odt, docx, pdf, md, srt, vtt or json."),
    out: Path = typer.Option(..., "--out", help="File to write ('-' for standard output)."),
) -> None:
    """Export the redacted minutes of one meeting (header and timestamped speaker turns); audited."""
    from visio_archive.usecases import Actor, NotFound, UseCaseError, export_meeting

    arc = _archive()
    try:
        file = export_meeting(arc, Actor.command_line(), meeting_id, fmt.value)
    except NotFound as exc:
        raise _err(f"no redacted transcript for meeting {meeting_id!r} (s3://{arc.settings.bucket}/"
                   f"{arc.settings.artifacts_prefix}{meeting_id}/)") from exc
    except UseCaseError as exc:
        raise _use_case_error(exc, arc.settings) from exc
    if str(out) == "-":
        sys.stdout.buffer.write(file.data)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(file.data)
        typer.echo(f"wrote {out} ({len(file.data)} bytes)", err=True)


# ---------------------------------------------------------------- import-transcript


@app.command("import-transcript")
def import_transcript(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Visio diarized_json or WebVTT file."),
    meeting_id: str = typer.Option(..., "--meeting-id", help="Id for the meeting in the archive."),
    title: str = typer.Option(..., "--title", help="Meeting title (redacted like the text)."),
    started_at: datetime = typer.Option(..., "--started-at", help="ISO-8601 start time (UTC when no offset).",
                                        formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                                                 "%Y-%m-%dT%H:%M"]),
    participants: Path | None = typer.Option(
        None, "--participants", exists=True, dir_okay=False,
        help='Visio metadata JSON ({"participants": [...]}), or {"SPEAKER_00": "Name"}, or a list of names.',
    ),
    language: str = typer.Option("fr", help="Language of the transcript."),
    series: str | None = typer.Option(None, help="Meeting series (for filters; redacted like the text)."),
) -> None:
    """Import a transcript without speech processing: clean it, redact it, store the artifacts, index it."""
    from visio_archive.usecases import Actor, UseCaseError
    from visio_archive.usecases import import_transcript as run_import

    arc = _archive()
    try:
        summary = run_import(arc, Actor.command_line(), file, meeting_id=meeting_id, title=title,
                             started_at=started_at, participants_file=participants, language=language, series=series)
    except UseCaseError as exc:
        raise _use_case_error(exc, arc.settings) from exc
    typer.echo(summary.model_dump_json())
