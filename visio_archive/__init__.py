"""visio-archive: recorded Visio meetings turned into a searchable, redacted archive."""

from visio_archive.offline import enforce_offline

__version__ = "0.1.0"

# Before any heavy library is imported anywhere in the process (see offline.py for why).
enforce_offline()
