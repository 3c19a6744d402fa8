"""`visio-archive ui | search | export | import-transcript | ui-user`: the readers of the archive."""

from __future__ import annotations

import getpass
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


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


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
) -> None:
    """Serve the search pages and the JSON API (/api, description at /api/openapi.json).

    Users and roles come from VISIO_USERS_FILE (default {state_dir}/users.toml); add one with
    `visio-archive ui-user NAME --role viewer`.
    """
    import uvicorn

    from search_ui.app import create_app
    from visio_archive.auth import AuthSettings, ConfigAuthenticator, users_file

    settings = get_settings()
    auth_settings = AuthSettings()
    path = users_file(auth_settings, settings.state_dir)
    try:
        authenticator = ConfigAuthenticator.from_file(path)
    except (ValueError, OSError) as exc:
        raise _err(f"cannot read the users file {path}: {exc}") from exc
    if len(authenticator) == 0:
        typer.echo(
            f"warning: no users in {path}; nobody can log in. Add one with "
            "`visio-archive ui-user NAME --role records_officer`.",
            err=True,
        )
    application = create_app(settings, authenticator=authenticator, auth_settings=auth_settings)
    typer.echo(f"Serving on http://{host}:{port}/ (API description: /api/openapi.json)", err=True)
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
    from visio_archive.auth import AuthSettings, ConfigAuthenticator, Role, new_token, user_entry_toml, users_file

    settings = get_settings()
    path = users_file(AuthSettings(), settings.state_dir)
    password = None
    if not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < 10:
            raise _err("use at least 10 characters")
    secret_token = new_token() if token else None
    block = user_entry_toml(username, Role(role.value), password, secret_token, display_name)
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


@app.command()
def search(
    query: str = typer.Argument(..., help='Words, "phrases", AND/OR/NOT, -exclusion.'),
    date_from: datetime | None = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="YYYY-MM-DD"),
    date_to: datetime | None = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="YYYY-MM-DD"),
    participant: str | None = typer.Option(None, help="Speaker name, exactly as indexed."),
    title: str | None = typer.Option(None, help="Words of the meeting title."),
    series: str | None = typer.Option(None, help="Meeting series."),
    language: str | None = typer.Option(None, help="fr, en."),
    sort: str = typer.Option("relevance", help="relevance, date or date_asc."),
    limit: int = typer.Option(20, min=1, max=100, help="Number of hits."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: {total, hits[...]}."),
) -> None:
    """Search the redacted archive (the same query language as the web pages)."""
    from visio_archive import search as s
    from visio_archive.audit import AuditLog

    settings = get_settings()
    if sort not in ("relevance", "date", "date_asc"):
        raise _err("--sort must be relevance, date or date_asc", 2)
    try:
        request = s.SearchRequest(
            q=query,
            date_from=date_from.date() if date_from else None,
            date_to=date_to.date() if date_to else None,
            participant=participant,
            title=title,
            series=series,
            language=language,
            sort=sort,
            size=limit,
            facets=False,
        )
        result = s.search(s.open_client(settings), settings.index_prefix, request)
    except s.QueryError as exc:
        raise _err(str(exc), 2) from exc
    except s.SearchUnavailable as exc:
        raise _err(f"{exc} ({settings.opensearch_url}; `visio-archive services status`)", 3) from exc
    AuditLog.in_state_dir(settings.state_dir).record(
        _cli_actor(), "search",
        details={"q": query, "from": str(date_from or ""), "to": str(date_to or ""),
                 "participant": participant or "", "total": result.total},
    )
    if as_json:
        hits = [
            {"meeting_id": h.meeting_id, "segment_id": h.segment_id, "start": h.start, "end": h.end,
             "speaker": h.speaker, "text": h.text, "highlight": h.highlight}
            for h in result.hits
        ]
        sys.stdout.write(json.dumps({"total": result.total, "hits": hits}, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.markup import escape

    from visio_archive.exports.common import hms

    console = Console()
    console.print(f"[bold]{result.total}[/bold] passage(s)")
    for h in result.hits:
        text = escape(h.highlight).replace("&lt;mark&gt;", "[reverse]").replace("&lt;/mark&gt;", "[/reverse]")
        plain = _unescape_html(text)
        console.print(
            f"[cyan]{escape(h.meeting_id)}[/cyan] [{hms(h.start)}] "
            f"[bold]{escape(h.speaker or '?')}[/bold]: {plain}"
        )


def _unescape_html(text: str) -> str:
    import html

    text = text.replace("<mark>", "[reverse]").replace("</mark>", "[/reverse]")
    return html.unescape(text)


# ---------------------------------------------------------------- export


@app.command()
def export(
    meeting_id: str = typer.Argument(..., help="Meeting id."),
    fmt: ExportFormatName = typer.Option(..., "--format", help="odt, docx, pdf, md, srt, vtt or json."),
    out: Path = typer.Option(..., "--out", help="File to write ('-' for standard output)."),
) -> None:
    """Export the redacted minutes of one meeting (header and timestamped speaker turns)."""
    from visio_archive import search as s
    from visio_archive.archive import REDACTED_TRANSCRIPT
    from visio_archive.audit import AuditLog
    from visio_archive.exports import export_transcript
    from visio_archive.models import RedactedTranscript
    from visio_archive.storage import ObjectNotFound, Storage, StorageError

    settings = get_settings()
    storage = Storage.from_settings(settings)
    key = storage.artifact_key(meeting_id, REDACTED_TRANSCRIPT)
    try:
        transcript = storage.get_json(key, RedactedTranscript)
    except ObjectNotFound as exc:
        raise _err(f"no redacted transcript for meeting {meeting_id!r} (s3://{settings.bucket}/{key})") from exc
    except StorageError as exc:
        raise _err(str(exc)) from exc
    meeting: dict[str, Any] | None = None
    try:
        meeting = s.get_meeting(s.open_client(settings), settings.index_prefix, meeting_id)
    except s.SearchUnavailable:
        meeting = None  # the transcript carries title, date and speakers: export anyway
    data = export_transcript(transcript, fmt.value, meeting)
    if str(out) == "-":
        sys.stdout.buffer.write(data)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        typer.echo(f"wrote {out} ({len(data)} bytes)", err=True)
    AuditLog.in_state_dir(settings.state_dir).record(
        _cli_actor(), "export", meeting_id=meeting_id, details={"format": fmt.value, "bytes": len(data)}
    )


# ---------------------------------------------------------------- import-transcript


@app.command("import-transcript")
def import_transcript(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Visio diarized_json or WebVTT file."),
    meeting_id: str = typer.Option(..., "--meeting-id", help="Id for the meeting in the archive."),
    title: str = typer.Option(..., "--title", help="Meeting title."),
    started_at: datetime = typer.Option(..., "--started-at", help="ISO-8601 start time.",
                                        formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                                                 "%Y-%m-%dT%H:%M"]),
    participants: Path | None = typer.Option(
        None, "--participants", exists=True, dir_okay=False,
        help='Visio metadata JSON ({"participants": [...]}), or {"SPEAKER_00": "Name"}, or a list of names.',
    ),
    language: str = typer.Option("fr", help="Language of the transcript."),
    series: str | None = typer.Option(None, help="Meeting series (for filters)."),
) -> None:
    """Import a transcript without speech processing: redact it, store the artifacts, index it."""
    settings = get_settings()
    try:
        summary = import_transcript_file(
            settings, file, meeting_id=meeting_id, title=title, started_at=started_at,
            participants_file=participants, language=language, series=series, actor=_cli_actor(),
        )
    except (ValueError, RuntimeError) as exc:
        raise _err(str(exc), 2) from exc
    typer.echo(json.dumps(summary, ensure_ascii=False))


# ---------------------------------------------------------------- import helpers (pure, tested)

_VTT_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"


def _vtt_seconds(match: tuple[str, ...]) -> float:
    hours, minutes, seconds, millis = match
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000


def parse_webvtt(text: str) -> list[Any]:
    """Cues of a WebVTT file as Segments; ``<v Name>`` voice tags or ``Name: text`` give the speaker."""
    import re

    from visio_archive.models import Segment

    cue_time = re.compile(rf"^\s*{_VTT_TIME}\s*-->\s*{_VTT_TIME}")
    segments: list[Segment] = []
    blocks = re.split(r"\r?\n\s*\r?\n", text.lstrip("\ufeff"))
    for block in blocks:
        lines = [line for line in block.splitlines() if line.strip()]
        for position, line in enumerate(lines):
            match = cue_time.match(line)
            if not match:
                continue
            groups = match.groups()
            start, end = _vtt_seconds(groups[:4]), _vtt_seconds(groups[4:])
            body = " ".join(lines[position + 1 :]).strip()
            speaker = None
            voice = re.match(r"^<v(?:\.[^ >]*)?\s+([^>]+)>", body)
            if voice:
                speaker = voice.group(1).strip()
            body = re.sub(r"<[^>]+>", "", body).strip()
            if speaker is None:
                named = re.match(r"^([^:\[\]]{1,60}?)\s*:\s+(.+)$", body)
                if named and len(named.group(1).split()) <= 5:
                    speaker, body = named.group(1).strip(), named.group(2).strip()
            import html as _html

            body = _html.unescape(body)
            if body:
                segments.append(Segment(start=start, end=max(end, start), text=body, speaker=speaker))
            break
    return segments


def parse_visio_json(data: Any) -> list[Any]:
    """The transcription service's ``diarized_json`` (``{"segments": [...]}``) or a bare segment list."""
    from visio_archive.models import Segment, Word

    raw_segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(raw_segments, list):
        raise ValueError("expected a JSON object with a 'segments' list (Visio diarized_json) or a list")
    segments: list[Segment] = []
    for number, raw in enumerate(raw_segments):
        if not isinstance(raw, dict):
            raise ValueError(f"segment {number} is not an object")
        words = []
        for w in raw.get("words") or []:
            # whisperX leaves words it could not align without times: skip them, keep the text.
            if isinstance(w, dict) and w.get("start") is not None and w.get("end") is not None and w.get("word"):
                words.append(Word(word=str(w["word"]).strip(), start=float(w["start"]), end=float(w["end"]),
                                  score=w.get("score"), speaker=w.get("speaker")))
        text = str(raw.get("text") or "").strip() or " ".join(w.word for w in words)
        try:
            start = float(raw["start"]) if raw.get("start") is not None else (words[0].start if words else 0.0)
            end = float(raw["end"]) if raw.get("end") is not None else (words[-1].end if words else start)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"segment {number}: bad start/end") from exc
        if text:
            segments.append(Segment(start=start, end=max(start, end), text=text, speaker=raw.get("speaker"),
                                    words=words))
    return segments


def load_participants(path: Path | None) -> dict[str, tuple[str, str | None]]:
    """label or participant id -> (display name, participant id)."""
    if path is None:
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str | None]] = {}
    if isinstance(data, dict) and isinstance(data.get("participants"), list):
        for p in data["participants"]:
            pid = p.get("participantId") or p.get("participant_id")
            name = p.get("name")
            if name:
                out[name] = (name, pid)
                if pid:
                    out[pid] = (name, pid)
    elif isinstance(data, dict):
        out = {str(label): (str(name), None) for label, name in data.items()}
    elif isinstance(data, list):
        out = {str(name): (str(name), None) for name in data}
    else:
        raise ValueError("participants file: expected Visio metadata, a {label: name} map or a list of names")
    return out


def build_transcript(
    segments: list[Any], *, meeting_id: str, title: str, started_at: datetime, language: str,
    participants: dict[str, tuple[str, str | None]],
) -> Any:
    from visio_archive.models import Speaker, Transcript

    labels: list[str] = []
    for segment in segments:
        if segment.speaker and segment.speaker not in labels:
            labels.append(segment.speaker)
    speakers = []
    for number, label in enumerate(labels, start=1):
        if label in participants:
            name, pid = participants[label]
            source = "metadata"
        elif label.upper().startswith("SPEAKER_"):
            name, pid, source = f"Intervenant {number}", None, "diarization"
        else:  # a name given by the caption file itself
            name, pid, source = label, None, "metadata"
        speakers.append(Speaker(label=label, name=name, participant_id=pid, source=source))
    duration = max((s.end for s in segments), default=0.0)
    return Transcript(
        meeting_id=meeting_id, language=language, duration=duration, started_at=started_at, title=title,
        timestamp_method="imported", speakers=speakers, segments=segments,
    )


def read_transcript_file(path: Path) -> list[Any]:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="strict")
    if path.suffix.lower() == ".vtt" or text.lstrip().startswith("WEBVTT"):
        segments = parse_webvtt(text)
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path}: neither WebVTT nor JSON ({exc})") from exc
        segments = parse_visio_json(data)
    if not segments:
        raise ValueError(f"{path}: no transcript segments found")
    return segments


def import_transcript_file(
    settings: Any, path: Path, *, meeting_id: str, title: str, started_at: datetime,
    participants_file: Path | None = None, language: str = "fr", series: str | None = None,
    actor: str = "cli", redactor: Any = None,
) -> dict[str, Any]:
    """Parse, redact, store (restricted + archive keys) and index one transcript; returns a summary.

    Nothing is stored or indexed unless redaction succeeded: the index must only ever see redacted text.
    """
    import hashlib
    import re

    from visio_archive import index as index_mod
    from visio_archive.archive import MeetingInfo, write_artifacts
    from visio_archive.audit import AuditLog
    from visio_archive.documents import build_documents
    from visio_archive.storage import Storage

    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", meeting_id):
        raise ValueError("--meeting-id: letters, digits, '.', '_' and '-' only (at most 128)")
    if started_at.tzinfo is None:
        from datetime import UTC

        started_at = started_at.replace(tzinfo=UTC)
    segments = read_transcript_file(path)
    transcript = build_transcript(
        segments, meeting_id=meeting_id, title=title, started_at=started_at, language=language,
        participants=load_participants(participants_file),
    )
    if redactor is None:
        try:
            from visio_archive.redaction import redact_transcript
        except ImportError as exc:
            raise RuntimeError("the redaction engine (visio_archive.redaction.redact_transcript) is not "
                               "available; nothing was stored or indexed") from exc
        redacted, mapping = redact_transcript(transcript, settings=settings)
    else:
        redacted, mapping = redactor(transcript)

    storage = Storage.from_settings(settings)
    storage.ensure_bucket()
    etag = hashlib.sha256(path.read_bytes()).hexdigest()
    # The same artifact set as a processed recording (meeting.json last), so that reindex,
    # retention and erase treat imported meetings like any other.
    info = MeetingInfo(meeting_id=meeting_id, recording_key=f"import:{path.name}", etag=etag, series=series,
                       processed_at=datetime.now(started_at.tzinfo), source="import")
    write_artifacts(storage, transcript=transcript, redacted=redacted, mapping=mapping, redacted_audio=None,
                    info=info)

    client = index_mod.client_from_settings(settings)
    index_mod.ensure_indices(client, settings.index_prefix)
    meeting_doc, segment_docs = build_documents(redacted, series=series, etag=etag)
    result = index_mod.index_meeting(client, settings.index_prefix, meeting_doc, segment_docs, refresh=True)
    AuditLog.in_state_dir(settings.state_dir).record(
        actor, "import", meeting_id=meeting_id, details={"file": path.name, "segments": result.segments_indexed}
    )
    return {"meeting_id": meeting_id, "segments": result.segments_indexed,
            "speakers": [s.name for s in redacted.speakers]}
