"""``visio-archive redact``: JSONL in, redacted JSONL out (contract used by other tools).

stdin:  one ``{"id": str, "text": str}`` per line.
stdout: one line per input line, same order:
        ``{"id": ..., "redacted_text": str, "entities": [{"start", "end", "label", "text"}]}``
        (offsets: Python characters into the input text); a bad line gives
        ``{"id": <id or null>, "error": "..."}`` on stdout and a message on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from visio_archive.cli.app import app


def read_participants(path: Path) -> list[str]:
    """A JSON list of names, or a Visio metadata JSON (``participants[].name``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return [str(x["name"] if isinstance(x, dict) else x) for x in data if x]
    if isinstance(data, dict):
        parts = data.get("participants") or []
        return [str(p.get("name", "")) if isinstance(p, dict) else str(p) for p in parts if p]
    raise ValueError("participants file: expected a JSON list of names or a Visio metadata object")


def _parse(line: bytes) -> tuple[Any, str | None, str | None]:
    """(id, text, error)."""
    try:
        obj = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, None, f"invalid JSON: {exc}"
    if not isinstance(obj, dict):
        return None, None, "expected a JSON object"
    rid = obj.get("id")
    if not isinstance(rid, str):
        return rid if isinstance(rid, int | float) else None, None, "'id' must be a string"
    text = obj.get("text")
    if not isinstance(text, str):
        return rid, None, "'text' must be a string"
    return rid, text, None


@app.command("redact")
def redact(
    lang: Annotated[str, typer.Option("--lang", help="Language of the texts: fr or en.")] = "fr",
    participants: Annotated[
        Path | None,
        typer.Option("--participants", exists=True, dir_okay=False,
                     help="Visio metadata JSON or a JSON list of names (PERSON gazetteer)."),
    ] = None,
    operator: Annotated[str, typer.Option("--operator", help="placeholder, mask or hmac.")] = "placeholder",
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 64,
    model: Annotated[str, typer.Option("--model", help="spaCy model size: md (default) or sm (faster).")] = "md",
    processes: Annotated[int, typer.Option(
        "--processes", min=0,
        help="Processes for large inputs (0: one per usable core). Workers load the model once in the "
             "background (a few seconds) and take their share from the next block of lines on; small "
             "inputs never start them.")] = 0,
) -> None:
    """Redact JSONL from stdin to stdout: {"id", "text"} -> {"id", "redacted_text", "entities"}.

    Output lines keep the input's order; the answers are the same whatever --processes says."""
    from visio_archive.redaction.crypto import hmac_key
    from visio_archive.redaction.detector import get_detector
    from visio_archive.redaction.operators import OPERATORS, Pseudonymizer, redact_text
    from visio_archive.redaction.person import participant_names
    from visio_archive.redaction.pool import usable_cores
    from visio_archive.settings import get_settings

    if operator not in OPERATORS:
        raise typer.BadParameter(f"operator must be one of {', '.join(OPERATORS)}")
    names = participant_names(read_participants(participants)) if participants else []
    if model not in ("md", "sm"):
        raise typer.BadParameter("model must be md or sm")
    detector = get_detector(lang, size=model)
    processes = processes or usable_cores()
    # With workers, lines are read in blocks big enough to split (nlp.pipe still takes batch_size)
    block = batch_size if processes == 1 else max(batch_size, 1_000)
    ps = Pseudonymizer(lang, hmac_key(get_settings()) if operator == "hmac" else None, participants=names)
    out = sys.stdout

    def flush(batch: list[tuple[int, Any, str | None, str | None]]) -> None:
        texts = [t for _, _, t, err in batch if err is None and t is not None]
        try:
            results: list[Any] = (detector.detect_many(texts, names, batch_size=batch_size, processes=processes)
                                  if texts else [])
        except Exception:  # one bad text must not take the batch down: retry line by line
            results = []
            for t in texts:
                try:
                    results.append(detector.detect_many([t], names)[0])
                except Exception as exc:
                    results.append(exc)
        it = iter(results)
        for lineno, rid, text, err in batch:
            ents = next(it) if err is None and text is not None else None
            if isinstance(ents, Exception):
                err = f"redaction failed: {type(ents).__name__}: {ents}"
            if err is not None or text is None or ents is None:
                print(f"redact: line {lineno}: {err}", file=sys.stderr)
                out.write(json.dumps({"id": rid, "error": err}, ensure_ascii=False) + "\n")
                continue
            rec = {
                "id": rid,
                "redacted_text": redact_text(text, ents, operator, ps),
                "entities": [{"start": e.start, "end": e.end, "label": e.label, "text": e.text} for e in ents],
            }
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        out.flush()

    batch: list[tuple[int, Any, str | None, str | None]] = []
    for lineno, raw in enumerate(sys.stdin.buffer, start=1):
        line = raw.rstrip(b"\r\n")
        rid, text, err = _parse(line) if line.strip() else (None, None, "empty line")
        batch.append((lineno, rid, text, err))
        if len(batch) >= block:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
