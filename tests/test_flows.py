"""The nightly pipeline end to end, on the real S3 server, the real OpenSearch node, the real models
and real audio: a generated French meeting with personal data in it, pyannote's recorded sample,
and a corrupt file. Then reruns, a SIGKILL during indexing, and OpenSearch going away mid-run.

The tests of this module share one bucket and index prefix and run in order.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import drop_bucket

from visio_archive import index, services
from visio_archive.archive import archive_stats, read_redacted
from visio_archive.samples import SampleMeeting, pyannote_sample
from visio_archive.settings import Settings, get_settings
from visio_archive.storage import Storage

pytestmark = [pytest.mark.services, pytest.mark.models, pytest.mark.slow]

FRENCH = "flows-fr"
SAMPLE = "flows-sample"
CORRUPT = "flows-corrupt"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def flow_settings(run_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Point the flows (which read the process settings) at a bucket and indices of their own."""
    from prefect.testing.utilities import prefect_test_harness

    patch = pytest.MonkeyPatch()
    patch.setenv("VISIO_BUCKET", f"flows-{run_id}")
    patch.setenv("VISIO_INDEX_PREFIX", f"flows-{run_id}")
    patch.setenv("VISIO_RETRY_ATTEMPTS", "2")
    patch.setenv("VISIO_RETRY_BASE_DELAY", "0.2")
    get_settings.cache_clear()
    settings = get_settings()
    try:
        with prefect_test_harness(server_startup_timeout=120):
            yield settings
    finally:
        drop_bucket(Storage.from_settings(settings).client, settings.bucket)
        index.delete_prefix(index.client_from_settings(settings), settings.index_prefix)
        patch.undo()
        get_settings.cache_clear()


@pytest.fixture(scope="module")
def french_meeting(tmp_path_factory: pytest.TempPathFactory) -> SampleMeeting:
    from visio_archive.samples import demo_meeting

    return demo_meeting(tmp_path_factory.mktemp("meeting"))


@pytest.fixture()
def no_foreign_connections() -> Iterator[list[str]]:
    """Record every outgoing connection that is not to loopback (sovereignty: there must be none)."""
    foreign: list[str] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event != "socket.connect" or not isinstance(args[1], tuple):
            return
        host = str(args[1][0])
        try:
            if not ipaddress.ip_address(host).is_loopback:
                foreign.append(host)
        except ValueError:
            foreign.append(host)

    hook_active = [True]
    sys.addaudithook(lambda e, a: hook(e, a) if hook_active[0] else None)
    yield foreign
    hook_active[0] = False  # audit hooks cannot be removed: switch it off


def _run_nightly() -> dict[str, Any]:
    from flows.pipeline import RecordingsFailed, nightly

    try:
        return nightly()
    except RecordingsFailed as failure:
        return failure.summary


def _segments(settings: Settings, meeting_id: str) -> list[dict[str, Any]]:
    client = index.client_from_settings(settings)
    client.indices.refresh(index=index.alias_name(settings.index_prefix, "segments"))
    answer = client.search(
        index=index.alias_name(settings.index_prefix, "segments"),
        body={"query": {"term": {"meeting_id": meeting_id}}, "size": 1000},
    )
    return [hit["_source"] | {"_id": hit["_id"]} for hit in answer["hits"]["hits"]]


# ---------------------------------------------------------------- the tests


def test_nightly_end_to_end(
    flow_settings: Settings, french_meeting: SampleMeeting, no_foreign_connections: list[str], tmp_path: Path
) -> None:
    storage = Storage.from_settings(flow_settings)
    storage.ensure_bucket()
    storage.put_recording(french_meeting.audio, FRENCH, metadata=french_meeting.metadata)
    storage.put_recording(pyannote_sample(), SAMPLE)
    corrupt = tmp_path / "broken.ogg"
    corrupt.write_bytes(b"OggS" + os.urandom(4000))
    storage.put_recording(corrupt, CORRUPT)

    result = _run_nightly()

    assert result["processed"] == {FRENCH: "done", SAMPLE: "done", CORRUPT: "quarantined"}
    # The night ends by merging the segments it wrote, one per meeting indexed, into one.
    compacted = {entry["index"].split("-")[-2]: entry for entry in result["compacted"]}
    assert compacted["segments"]["segments_before"] >= 2 and compacted["segments"]["segments_after"] == 1
    stats = archive_stats(flow_settings)
    assert (stats.recordings_done, stats.quarantined, stats.meetings_indexed) == (2, 1, 2)
    assert stats.segments_indexed > 5

    # Speaker names from the metadata, on the indexed segments.
    french = _segments(flow_settings, FRENCH)
    speakers = {segment["speaker"] for segment in french}
    assert speakers <= set(french_meeting.participant_names) and len(speakers) == 2, speakers
    # The sample has no metadata: diarization alone gives anonymous but distinct speakers.
    sample = _segments(flow_settings, SAMPLE)
    assert len({segment["speaker"] for segment in sample}) == 2
    # Default settings (language=auto): each recording is stored and indexed in its own language.
    assert read_redacted(storage, SAMPLE).language == "en" and {s["language"] for s in sample} == {"en"}
    assert read_redacted(storage, FRENCH).language == "fr" and {s["language"] for s in french} == {"fr"}
    # English with English rules: the sample's ordinary words stay, at most its two first names go.
    sample_text = " ".join(s.text for s in read_redacted(storage, SAMPLE).segments)
    assert {"Texas", "Chicago", "Jersey"} <= set(re.findall(r"\w+", sample_text)), sample_text
    assert len(set(re.findall(r"\[[A-Z_]+_\d+\]", sample_text))) <= 2, sample_text

    # No personal data in what readers see: the index and the redacted artifact. What the
    # detector finds in the full (restricted) transcript must be gone from both.
    from visio_archive.archive import read_full
    from visio_archive.redaction import detect

    full = read_full(storage, FRENCH)
    found = [e.text for segment in full.segments for e in detect(segment.text, lang="fr")]
    assert found, "the scripted meeting says a name, an address and a phone number: something must be found"
    redacted = read_redacted(storage, FRENCH)
    readable = " ".join([d["text"] for d in french] + [segment.text for segment in redacted.segments]).lower()
    for secret in [*found, *french_meeting.personal_data]:
        assert secret.lower() not in readable, secret
    assert re.search(r"\[[A-ZÉ_]+_\d+\]", readable.upper())  # placeholders stand where the data was

    # The corrupt recording is quarantined with a reason a person can act on.
    record = storage.quarantine_get(CORRUPT)
    assert record is not None and record.stage == "speech"
    assert record.error_type == "CorruptAudio"
    assert f"recordings/{CORRUPT}.ogg" in record.message and "/tmp/" not in record.message

    # Sovereignty: the whole run spoke to loopback services only.
    assert no_foreign_connections == []


def test_rerun_processes_nothing(flow_settings: Settings) -> None:
    before = archive_stats(flow_settings)
    result = _run_nightly()
    assert result["processed"] == {}
    assert "compacted" not in result  # nothing written, nothing to merge
    assert (result["already_done"], result["quarantined_skipped"]) == (2, 1)
    assert archive_stats(flow_settings) == before


def test_reindex_rebuilds_from_storage_and_compacts(flow_settings: Settings) -> None:
    from flows.maintenance import reindex

    before = archive_stats(flow_settings)
    client = index.client_from_settings(flow_settings)
    old_segments_index = index.current_index(client, flow_settings.index_prefix, "segments")
    result = reindex()
    assert result["meetings"] == before.meetings_indexed == 2
    new_segments_index = index.current_index(client, flow_settings.index_prefix, "segments")
    assert new_segments_index == result["indices"]["segments"] != old_segments_index
    assert archive_stats(flow_settings) == before  # same meetings, same segments, from the stored artifacts
    stats = client.indices.stats(index=new_segments_index, metric="segments")
    assert stats["indices"][new_segments_index]["primaries"]["segments"]["count"] == 1
    assert {segment["speaker"] for segment in _segments(flow_settings, SAMPLE)}  # still searchable


def test_sigkill_during_indexing_then_rerun(
    flow_settings: Settings, french_meeting: SampleMeeting, tmp_path: Path
) -> None:
    storage = Storage.from_settings(flow_settings)
    crash_id = "flows-crash"
    storage.put_recording(french_meeting.audio, crash_id, metadata=french_meeting.metadata)
    env = {**os.environ, "VISIO_FAULT_POINT": "index:after"}
    log = tmp_path / "killed-run.log"
    # Its own session: the run starts a Prefect server of its own in a child process, which the
    # SIGKILL orphans; the whole group is cleaned up afterwards.
    with log.open("wb") as output:
        killed = subprocess.Popen(
            [sys.executable, "-m", "visio_archive", "nightly"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = killed.wait(timeout=900)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(killed.pid, signal.SIGKILL)
    assert returncode == -signal.SIGKILL, log.read_text()[-3000:]
    assert storage.ledger_get(crash_id) is None  # indexed, but not marked done
    assert _segments(flow_settings, crash_id)  # the kill came after the index writes

    result = _run_nightly()
    assert result["processed"] == {crash_id: "done"}

    documents = _segments(flow_settings, crash_id)
    assert len(documents) == len({d["_id"] for d in documents})
    redacted = read_redacted(storage, crash_id)
    assert len(documents) == sum(1 for s in redacted.segments if s.text.strip() and not s.flagged)
    # Same counts as a clean run of the same recording (the French meeting of the first test).
    assert len(documents) == len(_segments(flow_settings, FRENCH))
    stats = archive_stats(flow_settings)
    assert (stats.recordings_done, stats.quarantined, stats.meetings_indexed) == (3, 1, 3)


def test_opensearch_down_marks_nothing_done_and_rerun_completes(
    flow_settings: Settings, french_meeting: SampleMeeting
) -> None:
    storage = Storage.from_settings(flow_settings)
    down_id = "flows-down"
    storage.put_recording(french_meeting.audio, down_id, metadata=french_meeting.metadata)
    suite_services = Settings()  # the services the suite runs on (default state directory)
    services.stop("opensearch", suite_services)
    try:
        result = _run_nightly()
        assert result["processed"][down_id].startswith("failed"), result
        assert storage.ledger_get(down_id) is None
    finally:
        services.start("opensearch", suite_services)
    result = _run_nightly()
    assert result["processed"] == {down_id: "done"}
    assert storage.ledger_get(down_id) is not None
    stats = archive_stats(flow_settings)
    assert (stats.recordings_done, stats.meetings_indexed) == (4, 4)
