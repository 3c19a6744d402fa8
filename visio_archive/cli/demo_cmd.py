"""`visio-archive demo`: the whole job on local defaults, for a first look."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from visio_archive.cli.app import app
from visio_archive.settings import get_settings

console = Console(stderr=True)


@app.command()
def demo() -> None:
    """Start the local services, install the models, upload sample recordings in the Visio layout
    (a generated French meeting with its metadata, pyannote's real two-speaker sample, one corrupt
    file), run the nightly flow once and print where to search. A second run does no new work."""
    from visio_archive import services
    from visio_archive.modelstore import ModelStore, install
    from visio_archive.samples import write_demo_recordings
    from visio_archive.storage import Storage

    settings = get_settings()
    console.rule("1/4 services")
    try:
        services.up(settings, console.print)
    except services.ServiceError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None

    console.rule("2/4 models")
    store = ModelStore.from_settings(settings)
    install(store)

    console.rule("3/4 sample recordings")
    storage = Storage.from_settings(settings)
    storage.ensure_bucket()
    demo_dir = settings.state_dir / "demo"
    for recording in write_demo_recordings(demo_dir):
        existing = storage.list_keys(f"{settings.recordings_prefix}{recording.recording_id}.")
        if existing:
            console.print(f"{recording.recording_id}: already in the bucket ({existing[0]})")
            continue
        ref = storage.put_recording(
            recording.audio, recording.recording_id, metadata=recording.metadata, started_at=recording.started_at
        )
        console.print(f"{recording.recording_id}: uploaded {ref.key} ({recording.description})")

    console.rule("4/4 nightly flow")
    from visio_archive.cli.flows_cmd import _prefect_env, _print_run, _summary_of

    _prefect_env()
    from flows.pipeline import nightly

    outcome = _print_run(_summary_of(nightly))
    _summary(settings, storage, _demo_users(settings))
    raise typer.Exit(outcome)


# Words the small whisper model hears even in espeak-ng's French (and in pyannote's English sample):
# one passage from each demo meeting.
DEMO_QUERY = "Paris OR Chicago"
DEMO_ROLES = [("viewer", "viewer"), ("officer", "records_officer"), ("legal", "legal")]


def _demo_users(settings: Any) -> str:
    """Local UI accounts for the demo, one per role, with random passwords kept in a private file."""
    import secrets

    from visio_archive.auth import AuthSettings, ConfigAuthenticator, Role, user_entry_toml, users_file

    credentials = settings.state_dir / "demo-credentials.txt"
    if credentials.exists():
        return str(credentials.read_text(encoding="utf-8"))
    path = users_file(AuthSettings(), settings.state_dir)
    existing = ConfigAuthenticator.from_file(path) if path.exists() else None
    lines: list[str] = []
    blocks: list[str] = []
    for username, role in DEMO_ROLES:
        if existing is not None and existing.get_user(username) is not None:
            continue
        password = secrets.token_urlsafe(12)
        blocks.append(user_entry_toml(username, Role(role), password, None, f"Démo ({role})"))
        lines.append(f"{username:8} {password}   ({role})")
    if blocks:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(("\n" if path.exists() and path.stat().st_size else "") + "\n".join(blocks))
        path.chmod(0o600)
    text = "\n".join(lines)
    credentials.write_text(text, encoding="utf-8")
    credentials.chmod(0o600)
    return text


def _summary(settings: object, storage: object, accounts: str) -> None:
    from visio_archive import index
    from visio_archive import search as search_mod
    from visio_archive.archive import archive_stats
    from visio_archive.settings import Settings

    assert isinstance(settings, Settings)
    stats = archive_stats(settings)
    client = index.client_from_settings(settings)
    # The query language of the search pages and `visio-archive search` (OR, phrases, ...).
    hits = search_mod.search(client, settings.index_prefix, search_mod.SearchRequest(q=DEMO_QUERY, size=3)).hits
    quarantined = [record for record in storage.quarantine_list()]  # type: ignore[attr-defined]
    lines = [f"{key.replace('_', ' ')}: {value}" for key, value in stats.model_dump().items()]
    for record in quarantined:
        lines.append(f"quarantined {record.recording_id} at {record.stage}: {record.message}")
    lines.append("")
    lines.append(f"A search for '{DEMO_QUERY}':")
    for hit in hits:
        lines.append(f"  [{hit.meeting_id} {hit.start:.1f}s] {hit.speaker}: {hit.text[:90]}")
    if not hits:
        lines.append("  (no passage: the speech stage heard other words this time; search for any other)")
    lines.append("")
    lines.append(f"Search from the command line:  .venv/bin/visio-archive search '{DEMO_QUERY}'")
    lines.append("Open the search UI:            .venv/bin/visio-archive ui   then http://127.0.0.1:8000")
    if accounts:
        lines.append(f"Demo accounts (also in {settings.state_dir / 'demo-credentials.txt'}):")
        lines.extend(f"  {line}" for line in accounts.splitlines())
    lines.append("Stop the services:             .venv/bin/visio-archive services down")
    # Square brackets in transcripts ("[PERSONNE_1]") are text, not rich markup.
    console.print(Panel(escape("\n".join(lines)), title="visio-archive demo", expand=False))
    print(json.dumps(stats.model_dump()))
