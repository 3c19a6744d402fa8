"""Redacted audio: every redacted word interval replaced by a tone or by silence, in one ffmpeg call.

The input is decoded to mono 48 kHz (speech archive; Opus's native rate), cut into 5 ms frames
(``asetnsamples``) so that the ``asendcmd`` commands switching a ``volume`` filter at each interval's
start and end act with 5 ms precision, muted in the intervals, and, for ``mode="tone"``, mixed with
a 1 kHz sine that is only audible inside them.  Output: Ogg/Opus.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["bleep_audio", "build_filtergraph"]

SAMPLE_RATE = 48000
FRAME = 240  # 5 ms at 48 kHz


def _merge(intervals: Iterable[tuple[float, float]], pad: float) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted((max(0.0, min(a, b) - pad), max(a, b) + pad) for a, b in intervals):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def build_filtergraph(intervals: list[tuple[float, float]], mode: str = "tone", *,
                      frequency: float = 1000.0, level: float = 0.25, cmd_dir: str = ".") -> tuple[str, dict[str, str]]:
    """The ``-filter_complex`` graph and the ``asendcmd`` command files it reads (name -> text).

    The intervals are driven by ``asendcmd`` (one command at each interval's start and end, so a
    meeting with thousands of redactions costs nothing per frame, unlike a long ``enable`` expression
    that ffmpeg cannot even parse past a few hundred terms).  ``level`` is the tone's peak amplitude.
    """
    if mode not in ("tone", "silence"):
        raise ValueError(f"mode must be 'tone' or 'silence', not {mode!r}")
    base = f"[0:a]aformat=sample_fmts=fltp:sample_rates={SAMPLE_RATE}:channel_layouts=mono," \
           f"asetnsamples=n={FRAME}:p=0"
    if not intervals:
        return base + "[out]", {}
    mute = "".join(f"{a:.4f}-{b:.4f} [enter] volume@mute volume 0, [leave] volume@mute volume 1;\n"
                   for a, b in intervals)
    files = {"mute.cmd": mute}
    graph = f"{base},asendcmd=f='{cmd_dir}/mute.cmd',volume@mute=volume=1"
    if mode == "silence":
        return graph + "[out]", files
    gain = level * 8  # ffmpeg's sine source has amplitude 1/8
    files["tone.cmd"] = "".join(
        f"{a:.4f}-{b:.4f} [enter] volume@tone volume {gain:g}, [leave] volume@tone volume 0;\n"
        for a, b in intervals)
    return (
        f"{graph}[m];"
        f"sine=frequency={frequency}:sample_rate={SAMPLE_RATE},asetnsamples=n={FRAME}:p=0,"
        f"asendcmd=f='{cmd_dir}/tone.cmd',volume@tone=volume=0[t];"
        f"[m][t]amix=inputs=2:duration=first:dropout_transition=0:normalize=0[out]"
    ), files


def bleep_audio(in_path: str | Path, intervals: Iterable[tuple[float, float]], out_path: str | Path,
                mode: str = "tone", *, pad: float = 0.0, bitrate: str = "48k", ffmpeg: str | None = None,
                ) -> Path:
    """Write ``out_path`` (Ogg/Opus): the recording with each interval (seconds) replaced.

    ``pad`` widens every interval on both sides (ASR word times are approximate; 0.05 s is a
    sensible safety margin for production).
    """
    exe = ffmpeg or shutil.which("ffmpeg")
    if not exe:
        raise RuntimeError("ffmpeg is not installed")
    ivs = _merge(intervals, pad)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        graph, files = build_filtergraph(ivs, mode, cmd_dir=tmp)
        for name, text in files.items():
            (Path(tmp) / name).write_text(text)
        script = Path(tmp) / "graph.txt"
        script.write_text(graph)
        cmd = [exe, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(in_path),
               "-filter_complex_script", str(script), "-map", "[out]", "-vn",
               "-c:a", "libopus", "-b:a", bitrate, "-ar", str(SAMPLE_RATE), str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return out
