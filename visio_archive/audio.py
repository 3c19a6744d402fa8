"""Audio intake: any recording ffmpeg reads (OGG/Opus, MP4, WAV, MP3, WebM...) -> 16 kHz mono float32.

Bounded memory: ``open_audio`` decodes once, through an ffmpeg pipe, into a raw float32 temp file
and memory-maps it, so a 2-hour recording (460 MB of samples) is never held in anonymous memory;
the pipeline then reads it window by window. ``iter_chunks`` streams a file without any temp file.

Every failure is an ``AudioError`` subclass whose message says what the user can do.
"""

from __future__ import annotations

import json
import logging
import math
import mmap
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import numpy as np

from visio_archive.processes import process_alive

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
_BYTES_PER_SAMPLE = 4  # float32
MIN_DURATION = 0.1  # seconds; anything shorter holds no word
SILENCE_PEAK = 10 ** (-60 / 20)  # -60 dBFS: below this the recording is treated as digital silence


class AudioError(Exception):
    """A recording the pipeline cannot use; the message says why and what to do."""


class FFmpegMissing(AudioError):
    pass


class AudioFileNotFound(AudioError):
    pass


class NoAudioStream(AudioError):
    pass


class CorruptAudio(AudioError):
    pass


class ZeroDuration(AudioError):
    pass


class NoSpeechFound(AudioError):
    pass


class TooLong(AudioError):
    pass


@dataclass(frozen=True)
class AudioInfo:
    path: Path
    format_name: str
    codec: str
    sample_rate: int | None
    channels: int | None
    duration: float | None  # seconds, None when the container does not say


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise FFmpegMissing(
            f"`{name}` was not found on PATH; it decodes the recordings. "
            "Install it with `apt-get install ffmpeg` (Debian/Ubuntu) and try again."
        )
    return exe


def _tail(stderr: bytes | str, limit: int = 300) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    text = " ".join(text.split())
    return text[-limit:] if text else "no details"


def _float(value: object) -> float | None:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def probe(path: Path | str) -> AudioInfo:
    """Read the container with ffprobe: codec, rate, channels, duration of the first audio stream."""
    path = Path(path)
    if not path.is_file():
        raise AudioFileNotFound(f"{path}: no such file; check the path")
    if path.stat().st_size == 0:
        raise ZeroDuration(f"{path}: the file is empty (0 bytes); the upload or the recording failed")
    cmd = [
        _tool("ffprobe"), "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path),
    ]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0:
        raise CorruptAudio(
            f"{path}: ffprobe cannot read this file ({_tail(proc.stderr)}); "
            "it is not a media file or it is damaged: fetch the recording again"
        )
    try:
        data = json.loads(proc.stdout or b"{}")
    except json.JSONDecodeError as exc:
        raise CorruptAudio(f"{path}: ffprobe output unreadable ({exc})") from exc
    streams = [s for s in data.get("streams", []) if s.get("codec_type") == "audio"]
    fmt = data.get("format", {})
    if not streams:
        kinds = ", ".join(sorted({str(s.get("codec_type")) for s in data.get("streams", [])})) or "none"
        raise NoAudioStream(
            f"{path}: the file has no audio stream (streams found: {kinds}); "
            "the recording was made without a microphone track: nothing to transcribe"
        )
    st = streams[0]
    duration = _float(st.get("duration"))
    if duration is None:
        duration = _float(fmt.get("duration"))
    return AudioInfo(
        path=path,
        format_name=str(fmt.get("format_name", "")),
        codec=str(st.get("codec_name", "")),
        sample_rate=int(st["sample_rate"]) if st.get("sample_rate") else None,
        channels=int(st["channels"]) if st.get("channels") else None,
        duration=duration,
    )


def _max_seconds(max_hours: float) -> float:
    return max_hours * 3600.0


def _too_long(path: Path, seconds: float, max_hours: float) -> TooLong:
    return TooLong(
        f"{path}: the recording lasts {seconds / 3600:.2f} h, more than the limit of {max_hours:g} h "
        "(setting VISIO_MAX_AUDIO_HOURS); raise the limit or split the recording"
    )


def check_info(info: AudioInfo, max_hours: float) -> None:
    if info.duration is not None:
        if info.duration < MIN_DURATION:
            raise ZeroDuration(
                f"{info.path}: the audio stream lasts {info.duration:.2f} s; the recording is empty"
            )
        if info.duration > _max_seconds(max_hours):
            raise _too_long(info.path, info.duration, max_hours)


def _ffmpeg_cmd(path: Path, max_seconds: float, start: float | None = None) -> list[str]:
    cmd = [_tool("ffmpeg"), "-nostdin", "-hide_banner", "-v", "error"]
    if start:
        cmd += ["-ss", f"{start:.3f}"]
    cmd += [
        "-i", str(path),
        "-map", "0:a:0", "-vn", "-sn", "-dn",
        "-ac", "1", "-ar", str(SAMPLE_RATE),
        # Stop a little past the limit: enough to know the file is too long, without decoding it all.
        "-t", f"{max_seconds + 1:.3f}",
        "-f", "f32le", "pipe:1",
    ]
    return cmd


@dataclass
class DecodedAudio:
    """A decoded recording, memory-mapped from a temp file; use as a context manager."""

    info: AudioInfo
    samples: np.ndarray  # float32, 16 kHz mono (a read-only-by-convention memmap)
    warnings: list[str] = field(default_factory=list)
    _tmpdir: Path | None = None

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def window(self, start_s: float, end_s: float) -> np.ndarray:
        a = max(0, int(start_s * SAMPLE_RATE))
        b = min(len(self.samples), int(end_s * SAMPLE_RATE))
        return np.asarray(self.samples[a:b])

    def release_pages(self) -> None:
        """Drop this process's mapping of the pages read so far (they stay in the page cache and are
        read back on the next access): keeps the resident set small after a full pass over 2 hours."""
        mm = getattr(self.samples, "_mmap", None)
        if mm is None or not hasattr(mm, "madvise"):
            return
        try:
            mm.madvise(mmap.MADV_DONTNEED)
        except (OSError, ValueError):  # pragma: no cover - platform without madvise
            log.debug("madvise(MADV_DONTNEED) failed", exc_info=True)

    def close(self) -> None:
        mm = getattr(self.samples, "_mmap", None)
        if mm is not None:
            mm.close()
        self.samples = np.zeros(0, dtype=np.float32)
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> DecodedAudio:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


_TMP_PREFIX = "visio-audio-"


def remove_stale_temp_files(tmp_dir: Path | str | None = None) -> int:
    """Remove decoded-audio temp dirs left by processes that died (SIGKILL, OOM); returns how many."""
    base = Path(tmp_dir) if tmp_dir else Path(tempfile.gettempdir())
    removed = 0
    for d in base.glob(f"{_TMP_PREFIX}*-*"):
        pid_text = d.name[len(_TMP_PREFIX) :].split("-", 1)[0]
        if pid_text.isdigit() and not process_alive(int(pid_text)):
            shutil.rmtree(d, ignore_errors=True)
            removed += 1
    return removed


def open_audio(path: Path | str, *, max_hours: float = 4.0, tmp_dir: Path | str | None = None) -> DecodedAudio:
    """Probe (duration limit checked before decoding), decode to a float32 temp file, memory-map it."""
    path = Path(path)
    info = probe(path)
    check_info(info, max_hours)
    remove_stale_temp_files(tmp_dir)
    tmpdir = Path(
        tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{os.getpid()}-", dir=str(tmp_dir) if tmp_dir else None)
    )
    raw = tmpdir / "audio.f32"
    try:
        with raw.open("wb") as out:
            proc = subprocess.run(
                _ffmpeg_cmd(path, _max_seconds(max_hours)), stdout=out, stderr=subprocess.PIPE, check=False
            )
        size = raw.stat().st_size
        warnings = []
        if proc.returncode != 0:
            if size == 0:
                raise CorruptAudio(
                    f"{path}: ffmpeg cannot decode the audio ({_tail(proc.stderr)}); "
                    "the file is damaged: fetch the recording again"
                )
            warnings.append(f"decoding stopped early: {_tail(proc.stderr)}")
        elif proc.stderr.strip():
            # A truncated upload decodes up to the cut; keep what is there and say so.
            warnings.append(f"ffmpeg reported: {_tail(proc.stderr)}")
        n = size // _BYTES_PER_SAMPLE
        if n < MIN_DURATION * SAMPLE_RATE:
            raise ZeroDuration(
                f"{path}: the audio stream decodes to {n / SAMPLE_RATE:.2f} s; the recording is empty"
            )
        if n > _max_seconds(max_hours) * SAMPLE_RATE:
            raise _too_long(path, n / SAMPLE_RATE, max_hours)
        samples = np.memmap(raw, dtype=np.float32, mode="c", shape=(n,))
        return DecodedAudio(info=info, samples=samples, warnings=warnings, _tmpdir=tmpdir)
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise


def load_audio(path: Path | str, *, max_hours: float = 4.0) -> np.ndarray:
    """The whole recording in memory (short files, tests); long files should use ``open_audio``."""
    with open_audio(path, max_hours=max_hours) as decoded:
        return np.array(decoded.samples, dtype=np.float32)


def iter_chunks(
    path: Path | str, *, seconds: float = 600.0, max_hours: float = 4.0
) -> Iterator[np.ndarray]:
    """Stream the recording through an ffmpeg pipe in float32 chunks of ``seconds`` (the last may be short)."""
    path = Path(path)
    info = probe(path)
    check_info(info, max_hours)
    chunk_bytes = int(seconds * SAMPLE_RATE) * _BYTES_PER_SAMPLE
    proc = subprocess.Popen(
        _ffmpeg_cmd(path, _max_seconds(max_hours)), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    total = 0
    try:
        while True:
            buf = proc.stdout.read(chunk_bytes)
            if not buf:
                break
            usable = len(buf) - len(buf) % _BYTES_PER_SAMPLE
            total += usable // _BYTES_PER_SAMPLE
            if total > _max_seconds(max_hours) * SAMPLE_RATE:
                raise _too_long(path, total / SAMPLE_RATE, max_hours)
            yield np.frombuffer(buf[:usable], dtype=np.float32)
        proc.wait()
        stderr = proc.stderr.read() if proc.stderr else b""
        if total == 0:
            if proc.returncode != 0:
                raise CorruptAudio(f"{path}: ffmpeg cannot decode the audio ({_tail(stderr)})")
            raise ZeroDuration(f"{path}: the audio stream decodes to 0 samples; the recording is empty")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()


def peak_level(samples: np.ndarray, block: int = SAMPLE_RATE * 60) -> float:
    """Maximum absolute sample value, computed block by block (no full-size temporary)."""
    peak = 0.0
    for i in range(0, len(samples), block):
        part = samples[i : i + block]
        if len(part):
            peak = max(peak, float(np.max(np.abs(part))))
    return peak


def check_not_silent(samples: np.ndarray, path: Path | str = "recording") -> None:
    peak = peak_level(samples)
    if peak < SILENCE_PEAK:
        db = 20 * math.log10(peak) if peak > 0 else float("-inf")
        raise NoSpeechFound(
            f"{path}: the recording is silent (peak level {db:.0f} dBFS); "
            "the microphone was muted or disconnected: nothing to transcribe"
        )


def no_speech(path: Path | str) -> NoSpeechFound:
    return NoSpeechFound(
        f"{path}: no speech was found in the recording (voice activity detection found nothing); "
        "check that the right track was recorded"
    )


def ensure_dir(path: Path) -> Path:
    os.makedirs(path, exist_ok=True)
    return path
