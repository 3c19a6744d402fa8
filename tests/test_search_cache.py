"""Searches use OpenSearch's shard request cache (pages included), and it never serves a stale answer:
a new meeting, a re-indexed (re-redacted) meeting or a deleted one shows in the very next search."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from visio_archive import index
from visio_archive.models import MeetingDocument, SegmentDocument
from visio_archive.search import SearchRequest, search
from visio_archive.settings import Settings

pytestmark = pytest.mark.services


def _meeting(meeting_id: str, texts: list[str], speaker: str) -> tuple[MeetingDocument, list[SegmentDocument]]:
    started = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    meeting = MeetingDocument(meeting_id=meeting_id, title=f"Réunion {meeting_id}", language="fr",
                              started_at=started, duration=60.0 * len(texts), participants=[speaker],
                              segment_count=len(texts))
    segments = [SegmentDocument(meeting_id=meeting_id, segment_index=i, start=60.0 * i, end=60.0 * i + 50,
                                speaker=speaker, text=text, language="fr", meeting_title=meeting.title,
                                started_at=started) for i, text in enumerate(texts)]
    return meeting, segments


def _cache_hits(client: Any, prefix: str) -> int:
    stats = client.indices.stats(index=f"{prefix}-segments", metric="request_cache")
    return int(stats["_all"]["total"]["request_cache"]["hit_count"])


@pytest.fixture(scope="module")
def prefix(module_settings: Settings, opensearch_client: Any) -> str:
    index.ensure_indices(opensearch_client, module_settings.index_prefix)
    meeting, segments = _meeting("cache-a", ["Le budget de la ville.", "Le budget est voté.", "Merci à tous."],
                                 "Alice Martin")
    index.index_meeting(opensearch_client, module_settings.index_prefix, meeting, segments, refresh=True)
    return module_settings.index_prefix


@pytest.mark.parametrize("group", [False, True])
def test_repeated_search_is_served_by_the_request_cache(opensearch_client: Any, prefix: str, group: bool) -> None:
    request = SearchRequest(q="budget", group=group, size=10)
    first = search(opensearch_client, prefix, request)
    before = _cache_hits(opensearch_client, prefix)
    again = search(opensearch_client, prefix, request)
    assert _cache_hits(opensearch_client, prefix) > before  # page and summary both answered from the cache
    assert again.model_dump(exclude={"took_ms"}) == first.model_dump(exclude={"took_ms"})


def test_cached_answers_follow_every_change(opensearch_client: Any, prefix: str) -> None:
    passages = SearchRequest(q="budget")
    grouped = SearchRequest(q="budget", group=True, size=10)
    for _ in range(2):  # the second round is a cache hit
        assert search(opensearch_client, prefix, passages).total == 2
        assert search(opensearch_client, prefix, grouped).total_meetings == 1

    meeting, segments = _meeting("cache-b", ["Un budget rectificatif.", "Le budget annexe."], "Bernard Petit")
    index.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)
    result = search(opensearch_client, prefix, passages)
    assert result.total == 4 and len(result.hits) == 4
    assert {f.value: f.count for f in result.facets["participants"]} == {"Alice Martin": 2, "Bernard Petit": 2}
    grouped_result = search(opensearch_client, prefix, grouped)
    assert grouped_result.total_meetings == 2
    assert {g.meeting_id: g.count for g in grouped_result.meetings} == {"cache-a": 2, "cache-b": 2}

    # Re-indexed with new text (a correction or a re-redaction): the old wording is gone at once.
    meeting, segments = _meeting("cache-a", ["Le [LIEU_1] de la ville.", "Le budget est voté.", "Merci à tous."],
                                 "Alice Martin")
    index.index_meeting(opensearch_client, prefix, meeting, segments, refresh=True)
    result = search(opensearch_client, prefix, passages)
    assert result.total == 3
    assert all("ville" not in hit.text for hit in result.hits)
    assert search(opensearch_client, prefix, SearchRequest(q="ville")).hits[0].text == "Le [LIEU_1] de la ville."

    index.delete_meeting(opensearch_client, prefix, "cache-b")
    result = search(opensearch_client, prefix, passages)
    assert result.total == 1 and [h.meeting_id for h in result.hits] == ["cache-a"]
    assert search(opensearch_client, prefix, grouped).total_meetings == 1


def test_request_cache_can_be_turned_off(opensearch_client: Any, prefix: str) -> None:
    request = SearchRequest(q="voté")
    search(opensearch_client, prefix, request, request_cache=False)
    before = _cache_hits(opensearch_client, prefix)
    search(opensearch_client, prefix, request, request_cache=False)
    assert _cache_hits(opensearch_client, prefix) == before


def _both_fields(client: Any, prefix: str, request: SearchRequest) -> list[str]:
    """The passages' highlights as one request highlighting both fields shows them (the reference)."""
    from visio_archive.search import _HIGHLIGHT, _hit, build_body

    body = build_body(request.model_copy(update={"facets": False}))
    body["highlight"] = _HIGHLIGHT
    answer = client.search(index=f"{prefix}-segments", body=body, request_cache=False)
    return [_hit(h).highlight for h in answer["hits"]["hits"]]


@pytest.mark.parametrize("q", ["budget", "bugdet", "vote", '"le budget"', "budget OR merci", "-budget",
                               "merci -budget"])
def test_highlights_as_with_both_fields_at_once(opensearch_client: Any, prefix: str, q: str) -> None:
    request = SearchRequest(q=q, size=10)
    result = search(opensearch_client, prefix, request)
    assert [h.highlight for h in result.hits] == _both_fields(opensearch_client, prefix, request)
    if q == "bugdet":  # found through the exact field's fuzzy clause only, marked all the same
        assert result.hits and all("<mark>" in h.highlight for h in result.hits)
    grouped = search(opensearch_client, prefix, request.model_copy(update={"group": True}))
    for group in grouped.meetings:
        only = request.model_copy(update={"meeting_id": group.meeting_id, "size": 3})
        assert [p.highlight for p in group.passages] == _both_fields(opensearch_client, prefix, only)


@pytest.mark.parametrize("q", ["budget", "bugdet", '"le budget"', "budget OR merci", "merci -budget", "-budget", ""])
@pytest.mark.parametrize("group", [False, True])
def test_one_request_gives_what_two_give(opensearch_client: Any, prefix: str, q: str, group: bool) -> None:
    """Under concurrent searches page and summary go as one request: the same hits (scores, order,
    highlights), totals, facets and meeting counts as the two requests a lone search sends."""
    for extra in ({}, {"sort": "date"}, {"participant": "Alice Martin"}, {"page": 2, "size": 1}):
        request = SearchRequest(q=q, group=group, size=extra.get("size", 10), page=extra.get("page", 1),
                                sort=extra.get("sort", "relevance"), participant=extra.get("participant"))
        two = search(opensearch_client, prefix, request, request_cache=False, one_request=False)
        one = search(opensearch_client, prefix, request, request_cache=False, one_request=True)
        assert one.model_dump(exclude={"took_ms"}) == two.model_dump(exclude={"took_ms"})
        assert two.total > 0 or q == "-budget"


def test_concurrent_searches_send_one_request() -> None:
    """A lone search sends page and summary side by side (lowest latency on idle cores); a search that
    starts while others run sends one (the query evaluated once)."""
    from visio_archive import search as search_mod

    class Client:
        def __init__(self) -> None:
            self.items: list[int] = []

        def msearch(self, body: list[dict[str, Any]]) -> dict[str, Any]:
            self.items.append(len(body) // 2)
            answer = {"took": 1, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}
            return {"responses": [answer] * (len(body) // 2)}

    client = Client()
    request = SearchRequest(q="budget")
    search_mod.search(client, "p", request)
    with search_mod._IN_FLIGHT.entered():  # another search is running
        search_mod.search(client, "p", request)
    search_mod.search(client, "p", request)
    assert client.items == [2, 1, 2]
    assert search_mod._IN_FLIGHT.count == 0


@pytest.mark.parametrize("q", ["budget", "bugdet", "vote", '"le budget"', "budget OR merci", "merci -budget"])
def test_meeting_marks_are_the_search_pages(opensearch_client: Any, prefix: str, q: str) -> None:
    """The meeting page's marks (matching_segments: the analysed field's highlights, the exact field's
    only for passages they leave unmarked) are the words the search page marks in the same passages,
    and the same passages match as when both fields are highlighted at once."""
    import html
    import re

    from visio_archive.search import _HIGHLIGHT, build_body, matching_segments

    first = search(opensearch_client, prefix, SearchRequest(q=q, size=1))
    assert first.hits
    meeting_id = first.hits[0].meeting_id
    marks = matching_segments(opensearch_client, prefix, SearchRequest(q=q, meeting_id=meeting_id, facets=False))
    page = search(opensearch_client, prefix, SearchRequest(q=q, meeting_id=meeting_id, size=100))
    shown = {h.segment_index: [html.unescape(m) for m in re.findall("<mark>(.*?)</mark>", h.highlight)]
             for h in page.hits}
    assert marks == shown and all(marks.values())
    both = build_body(SearchRequest(q=q, meeting_id=meeting_id, facets=False, size=100))
    both["highlight"] = _HIGHLIGHT
    answer = opensearch_client.search(index=f"{prefix}-segments", body=both, request_cache=False)
    assert set(marks) == {int(h["_source"]["segment_index"]) for h in answer["hits"]["hits"]}


def _speakers_archive(client: Any, prefix: str, *, segment_shards: int = 1) -> str:
    """Three meetings, 30 speakers with unequal and tied passage counts: more than the 20 the participants
    facet shows, so which 20 and their counts depend on how the facet is computed."""
    from visio_archive.index import index_template, template_name

    index.delete_prefix(client, prefix)
    if segment_shards != 1:  # the segment index created from a template with that many shards
        client.indices.put_index_template(name=template_name(prefix, "segments"),
                                          body=index_template(prefix, "segments", shards=segment_shards))
        client.indices.create(index=f"{prefix}-segments-v1", body={"aliases": {f"{prefix}-segments": {}}})
    index.ensure_indices(client, prefix)
    texts = ["Le budget de la ville.", "Merci à tous.", "Le budget annexe est voté.", "Le plan de formation."]
    for m in range(3):
        started = datetime(2026, 1 + m, 5, 9, 0, tzinfo=UTC)
        speakers = [f"Orateur {n:02d}" for n in range(30)]
        segments = []
        for i in range(90):
            speaker = speakers[(i * (m + 1) + i // 7) % (10 + 7 * m)]
            segments.append(SegmentDocument(meeting_id=f"shards-{m}", segment_index=i, start=30.0 * i,
                                            end=30.0 * i + 20, speaker=speaker, text=texts[(i + m) % len(texts)],
                                            language="fr", meeting_title=f"Séance {m}", started_at=started))
        meeting = MeetingDocument(meeting_id=f"shards-{m}", title=f"Séance {m}", language="fr", started_at=started,
                                  duration=2700.0, participants=sorted({s.speaker or "" for s in segments}),
                                  segment_count=len(segments))
        index.index_meeting(client, prefix, meeting, segments, refresh=True)
    return prefix


_SHARD_QUERIES = ["budget", "", "merci -budget", '"le budget"', "bugdet", "budget OR formation"]


def test_one_shard_facets_are_the_exact_forms(opensearch_client: Any, prefix: str) -> None:
    """On one shard the participants facet is built without shard_size (cheaper): the same hits, scores,
    order, highlights, totals and facets (participants included, with more speakers than it shows) as the
    form that is exact on any number of shards."""
    own = _speakers_archive(opensearch_client, f"{prefix}-one")
    try:
        for q in _SHARD_QUERIES:
            for group in (False, True):
                for one_request in (False, True):
                    for extra in ({}, {"sort": "date"}, {"page": 2, "size": 5}):
                        request = SearchRequest(q=q, group=group, size=extra.get("size", 10),
                                                page=extra.get("page", 1), sort=extra.get("sort", "relevance"))
                        exact = search(opensearch_client, own, request, request_cache=False,
                                       one_request=one_request, shards=3)
                        lean = search(opensearch_client, own, request, request_cache=False,
                                      one_request=one_request, shards=1)
                        assert lean.model_dump(exclude={"took_ms"}) == exact.model_dump(exclude={"took_ms"})
                        assert len(exact.facets["participants"]) == 20
    finally:
        index.delete_prefix(opensearch_client, own)


def test_facets_follow_the_shard_count_of_the_answers(opensearch_client: Any, prefix: str) -> None:
    """A search built for one shard and answered by several (the index was re-created with more shards)
    is asked again in the form exact on several shards, and later searches are built for them."""
    from visio_archive import search as search_mod

    own = _speakers_archive(opensearch_client, f"{prefix}-two", segment_shards=2)
    alias = search_mod.segments_alias(own)
    bodies: list[Any] = []

    class Recording:
        def msearch(self, body: list[Any]) -> Any:
            bodies.extend(body[1::2])
            return opensearch_client.msearch(body=body)

        def search(self, **kwargs: Any) -> Any:
            return opensearch_client.search(**kwargs)

    try:
        request = SearchRequest(q="budget", size=10)
        reference = search(opensearch_client, own, request, request_cache=False, shards=2)
        search_mod._SHARDS_SEEN[alias] = 1  # what an earlier one-shard version of the index answered
        result = search(Recording(), own, request, request_cache=False, one_request=True)
        assert result.model_dump(exclude={"took_ms"}) == reference.model_dump(exclude={"took_ms"})
        sizes = [b["aggs"]["participants"]["terms"].get("shard_size") for b in bodies if "aggs" in b]
        assert sizes == [None, search_mod.PARTICIPANT_SHARD_SIZE]  # built for one, asked again for two
        assert search_mod._SHARDS_SEEN[alias] == 2
        bodies.clear()
        search(Recording(), own, request, request_cache=False, one_request=True)
        assert [b["aggs"]["participants"]["terms"].get("shard_size") for b in bodies] == [
            search_mod.PARTICIPANT_SHARD_SIZE]
    finally:
        search_mod._SHARDS_SEEN.pop(alias, None)
        index.delete_prefix(opensearch_client, own)
