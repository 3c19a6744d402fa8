"""The Typer application that every command module registers on.

Kept import-light: heavy libraries (torch, whisperX, spaCy) are imported inside the commands,
so that ``visio-archive --help`` answers at once.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="visio-archive",
    help=(
        "Turn recorded Visio meetings into a searchable, redacted archive.\n\n"
        "Typical first run: `visio-archive demo` (starts the local services, installs the models, "
        "processes sample recordings). Configuration comes from VISIO_* environment variables or a .env file."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    """Turn recorded Visio meetings into a searchable, redacted archive."""
    if version:
        from visio_archive import __version__

        typer.echo(__version__)
        raise typer.Exit()
