"""Commands of this stage are registered here."""

from visio_archive.cli.app import app  # noqa: F401
