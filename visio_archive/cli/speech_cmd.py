"""``visio-archive transcribe``: one recording -> transcript.json, .vtt, .srt, .rttm."""

from __future__ import annotations

from pathlib import Path

import typer

from visio_archive.cli.app import app

STAGES = {
    "decode": "decode audio",
    "asr": "VAD + transcription",
    "diarization": "diarization",
    "naming": "speaker naming",
}


@app.command("transcribe")
def transcribe_cmd(
    audio: Path = typer.Argument(..., help="Recording: OGG/Opus, MP4, WAV, MP3 (anything ffmpeg reads)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output directory (created if needed)."),
    metadata: Path | None = typer.Option(
        None, "--metadata", "-m", help="Visio metadata JSON ({id}-metadata.json) for speaker names."
    ),
    language: str | None = typer.Option(
        None, "--language", "-l",
        help="fr, en, de, nl, or auto: detected per recording, per window and per voice. Default: the metadata's "
        "language field, else VISIO_LANGUAGE (auto).",
    ),
    model: str | None = typer.Option(
        None, "--model", help="Whisper model of the store: base, large-v3... (default: VISIO_WHISPER_MODEL)."
    ),
    meeting_id: str | None = typer.Option(None, "--meeting-id", help="Default: the audio file's stem."),
    no_diarization: bool = typer.Option(False, "--no-diarization", help="Skip speaker diarization."),
) -> None:
    """Transcribe one recording: writes DIR/transcript.json, transcript.vtt, transcript.srt, transcript.rttm."""
    import logging
    import signal
    import sys
    import warnings

    # A worker stopped with SIGTERM unwinds normally, so the decoded-audio temp file is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    warnings.filterwarnings("ignore")  # library deprecation chatter, not the user's business
    for name in ("lightning", "lightning.pytorch", "pytorch_lightning", "pyannote", "whisperx", "faster_whisper"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from visio_archive.audio import AudioError
    from visio_archive.models import MeetingMetadata
    from visio_archive.modelstore import ModelStoreError
    from visio_archive.settings import get_settings

    err = Console(stderr=True)

    def fail(message: str, code: int = 1) -> None:
        err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
        raise typer.Exit(code)

    from visio_archive.asr import SUPPORTED_LANGUAGES

    if language is not None and language not in (*SUPPORTED_LANGUAGES, "auto"):
        fail(f"--language must be one of {', '.join(SUPPORTED_LANGUAGES)} or auto, not {language!r}", 2)
    settings = get_settings()
    if model:
        settings = settings.model_copy(update={"whisper_model": model})
    meta = None
    if metadata is not None:
        try:
            meta = MeetingMetadata.model_validate_json(metadata.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            fail(f"cannot read metadata {metadata}: {str(exc).splitlines()[0]}")
    if language is not None and meta is not None:
        meta = meta.model_copy(update={"language": language})  # the command line wins over the file
    from visio_archive.speech import DiarizationFailed, run_pipeline
    from visio_archive.subtitles import to_rttm, to_srt, to_webvtt

    console = Console()
    with Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks = {k: bar.add_task(v, total=1.0, start=False) for k, v in STAGES.items()}
        started: set[str] = set()

        def progress(stage: str, fraction: float) -> None:
            if stage not in tasks:
                return
            if stage not in started:
                bar.start_task(tasks[stage])
                started.add(stage)
            bar.update(tasks[stage], completed=max(0.0, min(1.0, fraction)))

        try:
            result = run_pipeline(
                audio,
                meeting_id=meeting_id or audio.stem,
                metadata=meta,
                language=language or settings.language,
                settings=settings,
                progress=progress,
                diarization=not no_diarization,
            )
        except (AudioError, ModelStoreError, DiarizationFailed, ValueError) as exc:
            bar.stop()
            fail(str(exc))
            return
        for key in tasks:
            bar.update(tasks[key], completed=1.0)

    t = result.transcript
    out.mkdir(parents=True, exist_ok=True)
    (out / "transcript.json").write_text(t.model_dump_json(indent=2), encoding="utf-8")
    (out / "transcript.vtt").write_text(to_webvtt(t), encoding="utf-8")
    (out / "transcript.srt").write_text(to_srt(t), encoding="utf-8")
    (out / "transcript.rttm").write_text(to_rttm(t, result.turns or None), encoding="utf-8")
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)
    inaudible = sum(1 for s in t.segments if s.flagged)
    rtf = result.timings.get("total", 0.0) / t.duration if t.duration else 0.0
    console.print(
        f"[green]done[/] {t.duration:.0f} s of audio, language {t.language}, {len(t.segments)} segments"
        f" ({inaudible} inaudible passages), {len(t.speakers)} speakers, word times: {t.timestamp_method}, "
        f"real-time factor {rtf:.2f} -> {out}"
    )
