"""Progress callbacks of the speech stages: ``progress(stage, fraction in [0, 1])``."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


def safe_progress(progress: Progress | None) -> Progress:
    """``progress`` wrapped so that a failing display never breaks the stage (None: report nothing)."""

    def report(stage: str, fraction: float) -> None:
        if progress is None:
            return
        try:
            progress(stage, fraction)
        except Exception:
            log.debug("progress callback failed", exc_info=True)

    return report
