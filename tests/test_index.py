"""The index layer against the real OpenSearch node (``visio-archive services up``).

Each test uses its own prefix under the session's ``index_prefix`` so tests never see each
other's documents; the ``opensearch_client`` fixture deletes ``{index_prefix}-*`` at the end.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from visio_archive import index as idx
from visio_archive.models import MeetingDocument, SegmentDocument
from visio_archive.settings import Settings

pytestmark = pytest.mark.services

TEXTS = [
    "Bonjour à tous, nous ouvrons la séance.",
    "Le premier point concerne l'élection du bureau.",
    "Les électeurs inscrits recevront leur carte avant mars.",
    "Qu'il soit noté que le quorum est atteint.",
    "We will now hear the English delegation about the budget.",
]


@pytest.fixture
def prefix(settings: Settings, opensearch_client: Any) -> Iterator[str]:
    value = f"{settings.index_prefix}-{uuid.uuid4().hex[:6]}"
    idx.ensure_indices(opensearch_client, value)
    yield value
    idx.delete_prefix(opensearch_client, value)


def make_meeting(meeting_id: str, texts: list[str]) -> tuple[MeetingDocument, list[SegmentDocument]]:
    started = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
    meeting = MeetingDocument(
        meeting_id=meeting_id,
        title="Conseil municipal",
        series="conseil",
        language="fr",
        started_at=started,
        duration=10.0 * len(texts),
        participants=["Alice Martin", "Intervenant 2"],
        segment_count=len(texts),
    )
    segments = [
        SegmentDocument(
            meeting_id=meeting_id,
            segment_index=i,
            start=10.0 * i,
            end=10.0 * i + 9.5,
            speaker="Alice Martin" if i % 2 == 0 else "Intervenant 2",
            participant_id=f"p{i % 2}",
            text=text,
            language="fr",
            meeting_title="Conseil municipal",
            series="conseil",
            started_at=started,
        )
        for i, text in enumerate(texts)
    ]
    return meeting, segments


def test_ensure_indices_is_idempotent(opensearch_client: Any, prefix: str) -> None:
    first = idx.ensure_indices(opensearch_client, prefix)
    second = idx.ensure_indices(opensearch_client, prefix)
    assert first == second == {
        "segments": f"{prefix}-segments-v1",
        "meetings": f"{prefix}-meetings-v1",
    }
    settings = opensearch_client.indices.get_settings(index=f"{prefix}-segments-v1")
    index_settings = settings[f"{prefix}-segments-v1"]["settings"]["index"]
    assert index_settings["number_of_shards"] == "1"
    assert index_settings["number_of_replicas"] == "0"


def test_prefix_is_checked(opensearch_client: Any) -> None:
    with pytest.raises(ValueError):
        idx.ensure_indices(opensearch_client, "Visio Archive")


def test_delete_prefix(opensearch_client: Any, settings: Settings) -> None:
    value = f"{settings.index_prefix}-{uuid.uuid4().hex[:6]}"
    idx.ensure_indices(opensearch_client, value)
    idx.delete_prefix(opensearch_client, value)
    assert not opensearch_client.indices.exists(index=f"{value}-segments-v1")
    assert not opensearch_client.indices.exists_index_template(name=idx.template_name(value, "segments"))
    idx.delete_prefix(opensearch_client, value)  # nothing left: still fine


def test_french_analysis(opensearch_client: Any, prefix: str) -> None:
    meeting, segments = make_meeting("m-fr", TEXTS)
    idx.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)

    # Plural, accented query finds the elided singular: "l'élection".
    hits = idx.search_segments(opensearch_client, prefix, "élections")
    assert [h.segment.segment_index for h in hits] == [1]
    assert "<mark>" in hits[0].highlights[0]

    # Query typed without accents finds "électeurs".
    hits = idx.search_segments(opensearch_client, prefix, "electeurs")
    assert [h.segment.segment_index for h in hits] == [2]

    # Elided "Qu'il" at the start of a sentence, case-insensitive elision; stop words do not block.
    hits = idx.search_segments(opensearch_client, prefix, "quorum atteint")
    assert [h.segment.segment_index for h in hits] == [3]

    analysed = opensearch_client.indices.analyze(
        index=idx.alias_name(prefix, "segments"),
        body={"analyzer": "french", "text": "L’Élection des électeurs"},
    )
    assert [t["token"] for t in analysed["tokens"]] == ["election", "elect"]


def test_english_subfield(opensearch_client: Any, prefix: str) -> None:
    meeting, segments = make_meeting("m-en", TEXTS)
    idx.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)
    answer = opensearch_client.search(
        index=idx.alias_name(prefix, "segments"),
        body={"query": {"match": {"text.en": "delegations budgets"}}},
    )
    assert [h["_source"]["segment_index"] for h in answer["hits"]["hits"]] == [4]


def test_reindexing_twice_keeps_counts(opensearch_client: Any, prefix: str) -> None:
    meeting, segments = make_meeting("m-twice", TEXTS)
    first = idx.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)
    second = idx.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)
    assert first.segments_indexed == second.segments_indexed == len(TEXTS)
    assert second.stale_segments_deleted == 0
    assert idx.count_segments(opensearch_client, prefix) == len(TEXTS)
    assert idx.count_segments(opensearch_client, prefix, "m-twice") == len(TEXTS)
    assert idx.count_meetings(opensearch_client, prefix) == 1
    assert idx.meeting_exists(opensearch_client, prefix, "m-twice")


def test_stale_segments_removed(opensearch_client: Any, prefix: str) -> None:
    meeting, segments = make_meeting("m-short", TEXTS)
    other, other_segments = make_meeting("m-other", TEXTS[:2])
    idx.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)
    idx.index_meeting(opensearch_client, prefix, other, other_segments, refresh=True)

    shorter_meeting, shorter = make_meeting("m-short", TEXTS[:2])
    result = idx.index_meeting(opensearch_client, prefix, shorter_meeting, shorter, refresh=True)
    assert result.stale_segments_deleted == len(TEXTS) - 2
    assert idx.count_segments(opensearch_client, prefix, "m-short") == 2
    assert idx.count_segments(opensearch_client, prefix, "m-other") == 2  # other meeting untouched
    assert idx.search_segments(opensearch_client, prefix, "électeurs") == []

    # Gaps (a flagged segment is never indexed) are handled too: keep 0 and 2, drop 1.
    gap_meeting, gap = make_meeting("m-short", TEXTS[:3])
    del gap[1]
    result = idx.index_meeting(opensearch_client, prefix, gap_meeting, gap, refresh=True)
    assert result.stale_segments_deleted == 1
    assert idx.count_segments(opensearch_client, prefix, "m-short") == 2


def test_reindex_without_refresh_still_cleans(opensearch_client: Any, prefix: str) -> None:
    meeting, segments = make_meeting("m-norefresh", TEXTS)
    idx.index_meeting(opensearch_client, prefix, meeting, segments)
    idx.index_meeting(opensearch_client, prefix, meeting, segments[:1])
    opensearch_client.indices.refresh(index=idx.alias_name(prefix, "segments"))
    assert idx.count_segments(opensearch_client, prefix, "m-norefresh") == 1


def test_delete_meeting(opensearch_client: Any, prefix: str) -> None:
    meeting, segments = make_meeting("m-del", TEXTS)
    idx.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)
    assert idx.delete_meeting(opensearch_client, prefix, "m-del") == len(TEXTS)
    assert not idx.meeting_exists(opensearch_client, prefix, "m-del")
    assert idx.count_segments(opensearch_client, prefix) == 0
    assert idx.delete_meeting(opensearch_client, prefix, "m-del") == 0  # twice is fine


def test_alias_swap_keeps_search_answering(opensearch_client: Any, prefix: str) -> None:
    meeting, segments = make_meeting("m-swap", TEXTS)
    idx.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)
    before = [h.id for h in idx.search_segments(opensearch_client, prefix, "élections")]
    assert before

    stop = threading.Event()
    errors: list[Exception] = []
    answers: list[list[str]] = []

    def search_loop() -> None:
        while not stop.is_set():
            try:
                answers.append([h.id for h in idx.search_segments(opensearch_client, prefix, "élections")])
            except Exception as exc:  # any failure during the swap is the test result
                errors.append(exc)
                return

    thread = threading.Thread(target=search_loop, daemon=True)
    thread.start()
    try:
        new_index = idx.reindex_to_new_version(
            opensearch_client, prefix, "segments", delete_old=True, poll_seconds=0.1
        )
    finally:
        stop.set()
        thread.join(timeout=30)

    assert new_index == f"{prefix}-segments-v2"
    assert idx.current_index(opensearch_client, prefix, "segments") == new_index
    assert not opensearch_client.indices.exists(index=f"{prefix}-segments-v1")
    assert errors == []
    assert answers and all(a == before for a in answers)
    assert [h.id for h in idx.search_segments(opensearch_client, prefix, "élections")] == before
    assert idx.count_segments(opensearch_client, prefix) == len(TEXTS)
    # ensure_indices leaves a swapped alias alone.
    assert idx.ensure_indices(opensearch_client, prefix)["segments"] == new_index


def test_rebuild_into_fresh_version(opensearch_client: Any, prefix: str) -> None:
    meeting, segments = make_meeting("m-rebuild", TEXTS)
    idx.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)

    new_segments = idx.create_next_version(opensearch_client, prefix, "segments")
    new_meetings = idx.create_next_version(opensearch_client, prefix, "meetings")
    assert (new_segments, new_meetings) == (f"{prefix}-segments-v2", f"{prefix}-meetings-v2")
    # The fresh index gets the template's analysis without any alias yet.
    assert idx.indices_behind_alias(opensearch_client, idx.alias_name(prefix, "segments")) == [
        f"{prefix}-segments-v1"
    ]
    idx.index_meeting(
        opensearch_client, prefix, meeting, segments[:3], refresh=True,
        segments_index=new_segments, meetings_index=new_meetings,
    )
    assert idx.swap_alias(opensearch_client, idx.alias_name(prefix, "segments"), new_segments) == new_segments
    idx.swap_alias(opensearch_client, idx.alias_name(prefix, "meetings"), new_meetings)
    assert idx.count_segments(opensearch_client, prefix) == 3
    assert [h.segment.segment_index for h in idx.search_segments(opensearch_client, prefix, "élections")] == [1]
    # The old version is kept (no delete_old) and no longer behind the alias.
    assert opensearch_client.indices.exists(index=f"{prefix}-segments-v1")
    with pytest.raises(idx.IndexLayerError):
        idx.swap_alias(opensearch_client, idx.alias_name(prefix, "segments"), f"{prefix}-segments-v9")


def test_compact_merges_the_nights_segments_and_keeps_every_document(opensearch_client: Any, prefix: str) -> None:
    # Each meeting indexed with its own refresh leaves its own Lucene segment, as a night does.
    for number in range(4):
        meeting, segments = make_meeting(f"m-compact-{number}", TEXTS)
        idx.index_meeting(opensearch_client, prefix, meeting, segments)
    idx.delete_meeting(opensearch_client, prefix, "m-compact-3")  # an erased meeting: deleted documents
    results = {result.index: result for result in idx.compact(opensearch_client, prefix)}
    segments_result = results[f"{prefix}-segments-v1"]
    assert segments_result.segments_before >= 3
    assert segments_result.segments_after == 1
    assert set(results) == {f"{prefix}-segments-v1", f"{prefix}-meetings-v1"}
    assert idx.count_segments(opensearch_client, prefix) == 3 * len(TEXTS)
    hits = idx.search_segments(opensearch_client, prefix, "électeurs", size=10)
    assert sorted({hit.segment.meeting_id for hit in hits}) == ["m-compact-0", "m-compact-1", "m-compact-2"]
    # Nothing left to merge: a second call changes nothing.
    again = {result.index: result for result in idx.compact(opensearch_client, prefix)}
    assert again[f"{prefix}-segments-v1"].segments_before == again[f"{prefix}-segments-v1"].segments_after == 1
