"""visio-archive: recorded Visio meetings turned into a searchable, redacted archive."""

__version__ = "0.1.0"
