"""The OpenSearch index layer: templates, versioned indices behind aliases, writes and a minimal search.

Layout, for a prefix ``p`` (``settings.index_prefix``; tests use a unique one per session):

* ``p-segments`` is an alias on exactly one concrete index ``p-segments-vN``; same for ``p-meetings``.
  Readers and writers only ever use the alias, so a schema change is: create ``vN+1`` (mappings come
  from the composable index template that matches ``p-segments-v*``), fill it (``_reindex`` or a rebuild
  from the stored artifacts), then move the alias in one atomic ``_aliases`` call.
* Ids are deterministic (``segment_doc_id`` / ``meeting_id``), so indexing a meeting again overwrites
  instead of duplicating, and stale segments of a shorter transcript are deleted explicitly.

Language: every document carries ``language``. ``text`` is analysed in French (the archive is mostly
French); ``text.en`` holds the English analysis for English meetings and ``text.exact`` an unstemmed
form for phrase and exact matching. A query can target several of them at once.

Search query building for the UI lives elsewhere; ``search_segments`` here is the smallest useful
search (and what the index tests exercise).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import NotFoundError, RequestError

from visio_archive.models import MeetingDocument, SegmentDocument, segment_doc_id
from visio_archive.settings import Settings

Kind = Literal["segments", "meetings"]
KINDS: tuple[Kind, ...] = ("segments", "meetings")

# Bumped when the templates below change; stored in the templates' ``version`` and ``_meta`` so an
# operator can tell which schema an index was created with.
SCHEMA_VERSION = 1

Refresh = bool | Literal["wait_for"]


class IndexLayerError(RuntimeError):
    """The index layout is not what this module expects, or a bulk/reindex operation failed."""


# ---------------------------------------------------------------- client and names


def node_urls(settings: Settings) -> list[str]:
    """Every OpenSearch node the client may talk to.

    ``opensearch_url`` is one URL or several, comma-separated (one per node of a cluster). When it
    names fewer than ``opensearch_nodes``, the others are taken on the next ports of the first URL's
    host (``services up --opensearch-nodes 3`` on 9200 runs nodes on 9200, 9201, 9202).
    """
    urls = [url.strip().rstrip("/") for url in settings.opensearch_url.split(",") if url.strip()]
    if not urls:
        raise ValueError("VISIO_OPENSEARCH_URL is empty")
    if len(urls) < settings.opensearch_nodes:
        first = urlsplit(urls[0] if "://" in urls[0] else f"http://{urls[0]}")
        port = first.port or 9200
        more = range(len(urls), settings.opensearch_nodes)
        urls += [f"{first.scheme}://{first.hostname}:{port + number}" for number in more]
    return urls


def client_from_settings(settings: Settings, *, timeout: float = 30.0, pool_maxsize: int | None = None,
                         serializer: Any = None) -> OpenSearch:
    """A client given every node (:func:`node_urls`): a node that stops answering is marked dead
    and the request goes to another one, so searches and writes fail over within the cluster.

    ``pool_maxsize``: connections kept open per node (urllib3 keeps 1 by default: a client shared by
    many threads, like the web app's, would otherwise open and drop a connection per extra request).
    ``serializer``: how bodies are encoded and JSON answers decoded (default: opensearch-py's, stdlib json)."""
    extra: dict[str, Any] = {"serializer": serializer} if serializer is not None else {}
    http_auth: tuple[str, str] | None = None
    if settings.opensearch_user and settings.opensearch_password is not None:
        http_auth = (settings.opensearch_user, settings.opensearch_password.get_secret_value())
    return OpenSearch(
        hosts=node_urls(settings),
        http_auth=http_auth,
        timeout=timeout,
        # A bulk chunk that times out on a busy 2-core machine is safe to resend: ids are deterministic.
        retry_on_timeout=True,
        # 502-504: a node going away or a shard whose primary is being promoted on another node.
        retry_on_status=(502, 503, 504),
        max_retries=3,
        pool_maxsize=pool_maxsize,
        **extra,
    )


_PREFIX_RE = re.compile(r"[a-z0-9][a-z0-9_.-]*")


def check_prefix(prefix: str) -> str:
    """Index names must be lowercase and free of ``*,/\\|"<>? #:``; fail early with a plain message."""
    if not _PREFIX_RE.fullmatch(prefix) or len(prefix) > 200:
        raise ValueError(f"index prefix {prefix!r} must be lowercase letters, digits, '-', '_' or '.'")
    return prefix


def alias_name(prefix: str, kind: Kind) -> str:
    """The name readers and writers use, e.g. ``visio-segments``."""
    return f"{prefix}-{kind}"


def versioned_index_name(prefix: str, kind: Kind, version: int) -> str:
    """The concrete index behind the alias, e.g. ``visio-segments-v1``."""
    return f"{prefix}-{kind}-v{version}"


def template_name(prefix: str, kind: Kind) -> str:
    return f"{prefix}-{kind}-template"


def _version_of(prefix: str, kind: Kind, index: str) -> int | None:
    match = re.fullmatch(re.escape(f"{prefix}-{kind}-v") + r"(\d+)", index)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- templates

# Articles and pronouns that French elides before a vowel (l'élection, qu'il, jusqu'à...).
# Lucene's elision filter strips them before either apostrophe, ' or ’ (what transcripts contain).
FRENCH_ELISION_ARTICLES = [
    "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu",
]

ANALYSIS: dict[str, Any] = {
    "filter": {
        "french_elision": {
            "type": "elision",
            "articles_case": True,  # "L'élection" at the start of a sentence
            "articles": FRENCH_ELISION_ARTICLES,
        },
        "french_stop": {"type": "stop", "stopwords": "_french_"},
        # light_french: less aggressive than snowball "french"; élections/élection/électeurs stay
        # close to what people type, and it also strips accents, so "electeurs" matches "électeurs".
        "french_stemmer": {"type": "stemmer", "language": "light_french"},
        "english_possessive_stemmer": {"type": "stemmer", "language": "possessive_english"},
        "english_stop": {"type": "stop", "stopwords": "_english_"},
        "english_stemmer": {"type": "stemmer", "language": "english"},
    },
    "analyzer": {
        # Shadows the built-in "french" analyzer inside these indices: same idea, plus ASCII folding
        # so that queries typed without accents (keyboards, URLs) still match.
        "french": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["french_elision", "lowercase", "french_stop", "french_stemmer", "asciifolding"],
        },
        "english": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "english_possessive_stemmer", "lowercase", "english_stop", "english_stemmer", "asciifolding",
            ],
        },
        # For phrase/exact matching: no stemming and no stop words (a quoted phrase keeps its "de la"),
        # but elision is kept, otherwise "l'élection" would be one token and "élection" could not match.
        "exact": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["french_elision", "lowercase", "asciifolding"],
        },
    },
}

# Offsets in the postings let the unified highlighter find snippets without re-analysing the
# text of every hit: highlighted searches stay fast on a large index.
_TEXT_FIELD: dict[str, Any] = {
    "type": "text",
    "analyzer": "french",
    "index_options": "offsets",
    "fields": {
        "exact": {"type": "text", "analyzer": "exact", "index_options": "offsets"},
        "en": {"type": "text", "analyzer": "english", "index_options": "offsets"},
    },
}

_TITLE_FIELD: dict[str, Any] = {
    "type": "text",
    "analyzer": "french",
    "fields": {"raw": {"type": "keyword", "ignore_above": 512}},
}

MAPPINGS: dict[Kind, dict[str, Any]] = {
    "segments": {
        # Not "strict": models.SegmentDocument may grow fields before the template does; unknown
        # fields are kept in _source but not indexed until the template (and a new version) says so.
        "dynamic": False,
        "properties": {
            "meeting_id": {"type": "keyword"},
            "segment_index": {"type": "integer"},
            "start": {"type": "float"},
            "end": {"type": "float"},
            # Faceted on every search: build its ordinals at refresh, not at the first query.
            "speaker": {"type": "keyword", "eager_global_ordinals": True},
            "participant_id": {"type": "keyword"},
            "text": _TEXT_FIELD,
            "language": {"type": "keyword"},
            "meeting_title": _TITLE_FIELD,
            "series": {"type": "keyword"},
            "started_at": {"type": "date"},
        },
    },
    "meetings": {
        "dynamic": False,
        "properties": {
            "meeting_id": {"type": "keyword"},
            "title": _TITLE_FIELD,
            "series": {"type": "keyword"},
            "language": {"type": "keyword"},
            "started_at": {"type": "date"},
            "duration": {"type": "float"},
            "participants": {"type": "keyword"},
            "segment_count": {"type": "integer"},
            "legal_hold": {"type": "boolean"},
            "etag": {"type": "keyword"},
        },
    },
}


def index_template(prefix: str, kind: Kind, shards: int | None = None) -> dict[str, Any]:
    """The composable template for ``{prefix}-{kind}-v*``: every new version gets these settings.

    ``shards`` defaults to ``VISIO_INDEX_SHARDS`` (1); it applies to index versions created afterwards
    (a reindex moves existing data into a version with the new count)."""
    if shards is None:
        from visio_archive.settings import get_settings

        shards = get_settings().index_shards if kind == "segments" else 1
    return {
        "index_patterns": [f"{prefix}-{kind}-v*"],
        # Above the default 0 so that a broad template (say "*") elsewhere never wins.
        "priority": 200,
        "version": SCHEMA_VERSION,
        "_meta": {"managed_by": "visio_archive.index", "schema_version": SCHEMA_VERSION},
        "template": {
            "settings": {
                "index": {
                    # One shard is plenty up to about ten million segments (docs/scale.md for more).
                    "number_of_shards": shards,
                    # No replica on a single node (it could never be allocated: the index would
                    # stay yellow), one as soon as the cluster has two nodes or more, so that
                    # losing any one node loses no shard. OpenSearch adjusts it as nodes come and go.
                    "auto_expand_replicas": "0-1",
                },
                "analysis": ANALYSIS,
            },
            "mappings": MAPPINGS[kind],
        },
    }


def put_templates(client: OpenSearch, prefix: str) -> None:
    """Create or update both templates (idempotent; existing indices are not affected)."""
    for kind in KINDS:
        client.indices.put_index_template(name=template_name(prefix, kind), body=index_template(prefix, kind))


# ---------------------------------------------------------------- indices and aliases


def indices_behind_alias(client: OpenSearch, alias: str) -> list[str]:
    """The concrete indices an alias points to (empty when the alias does not exist)."""
    try:
        answer = client.indices.get_alias(name=alias)
    except NotFoundError:
        return []
    return sorted(answer)


def current_index(client: OpenSearch, prefix: str, kind: Kind) -> str:
    """The one concrete index behind ``{prefix}-{kind}``; raises if there is none or several."""
    alias = alias_name(prefix, kind)
    names = indices_behind_alias(client, alias)
    if len(names) != 1:
        raise IndexLayerError(
            f"alias {alias} points to {names or 'nothing'}; expected exactly one index "
            "(run ensure_indices, or swap_alias to repair)"
        )
    return names[0]


def existing_versions(client: OpenSearch, prefix: str, kind: Kind) -> list[int]:
    """Versions N for which ``{prefix}-{kind}-vN`` exists, ascending."""
    answer = client.indices.get(index=f"{prefix}-{kind}-v*", params={"expand_wildcards": "open,closed"})
    versions = (_version_of(prefix, kind, name) for name in answer)
    return sorted(v for v in versions if v is not None)


def _create_index(client: OpenSearch, index: str) -> bool:
    """Create ``index`` from its template; False when it already exists (a concurrent caller won)."""
    try:
        client.indices.create(index=index, params={"wait_for_active_shards": "1"})
    except RequestError as exc:
        if exc.error == "resource_already_exists_exception":
            return False
        raise
    return True


def ensure_indices(client: OpenSearch, prefix: str) -> dict[Kind, str]:
    """Make sure templates, ``v1`` indices and aliases exist; returns the index behind each alias.

    Idempotent and cheap: templates are re-put (so a template fix reaches the next version), an
    existing alias is left alone whatever version it points to.
    """
    check_prefix(prefix)
    put_templates(client, prefix)
    result: dict[Kind, str] = {}
    for kind in KINDS:
        alias = alias_name(prefix, kind)
        names = indices_behind_alias(client, alias)
        if len(names) == 1:
            result[kind] = names[0]
            continue
        if names:
            raise IndexLayerError(f"alias {alias} points to several indices {names}; repair with swap_alias")
        if client.indices.exists(index=alias):
            # Someone wrote to the alias name before it existed and OpenSearch auto-created an index.
            raise IndexLayerError(
                f"{alias} is a concrete index, not an alias; delete it (or reindex it into "
                f"{versioned_index_name(prefix, kind, 1)}) and run ensure_indices again"
            )
        # No alias but versions exist (alias removed by hand, or a crash between create and alias):
        # re-attach the newest one rather than starting an empty v1 next to it.
        versions = existing_versions(client, prefix, kind)
        target = versioned_index_name(prefix, kind, versions[-1] if versions else 1)
        if not versions:
            _create_index(client, target)
        try:
            client.indices.update_aliases(body={"actions": [{"add": {"index": target, "alias": alias}}]})
        except RequestError:
            # Concurrent ensure_indices calls add the same alias to the same index, which is not an
            # error; anything else is, unless the alias ended up pointing somewhere anyway.
            if not indices_behind_alias(client, alias):
                raise
        result[kind] = current_index(client, prefix, kind)
    return result


def create_next_version(client: OpenSearch, prefix: str, kind: Kind) -> str:
    """Create ``{prefix}-{kind}-v{N+1}`` from the current template, with no alias; returns its name.

    For rebuilds from the stored artifacts: fill the returned index (``bulk_load``, or ``index_meeting``
    with ``segments_index=``/``meetings_index=``), then
    ``swap_alias(client, alias_name(prefix, kind), new_index)``.
    """
    put_templates(client, prefix)
    versions = existing_versions(client, prefix, kind)
    version = (versions[-1] if versions else 0) + 1
    while True:
        name = versioned_index_name(prefix, kind, version)
        if _create_index(client, name):
            return name
        version += 1  # a concurrent caller took this number


def swap_alias(client: OpenSearch, alias: str, new_index: str, *, delete_old: bool = False) -> str:
    """Point ``alias`` at ``new_index`` only, in one atomic ``_aliases`` call; returns ``new_index``.

    Searches never see a moment with no index or two indices behind the alias. With
    ``delete_old`` the indices the alias pointed to before are deleted after the swap.
    """
    if not client.indices.exists(index=new_index):
        raise IndexLayerError(f"cannot point {alias} at {new_index}: no such index")
    old = [name for name in indices_behind_alias(client, alias) if name != new_index]
    actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": new_index, "alias": alias}})
    client.indices.update_aliases(body={"actions": actions})
    if delete_old:
        for name in old:
            client.indices.delete(index=name, params={"ignore_unavailable": "true"})
    return new_index


def reindex_to_new_version(
    client: OpenSearch,
    prefix: str,
    kind: Kind,
    *,
    swap: bool = True,
    delete_old: bool = False,
    poll_seconds: float = 1.0,
    timeout_seconds: float = 3600.0,
) -> str:
    """Copy the current index into a new version (created from the current template) with ``_reindex``.

    Use it when only the mappings/analysis changed and ``_source`` holds everything needed; a
    rebuild from artifacts uses ``create_next_version`` instead. Writes that land on the old
    index while the copy runs are not carried over: pause ingestion around it.
    Runs the reindex as a task and polls it, so a long copy is not bound by the HTTP timeout.
    Returns the new index name (already behind the alias when ``swap``).
    """
    ensure_indices(client, prefix)
    source = current_index(client, prefix, kind)
    target = create_next_version(client, prefix, kind)
    started = client.reindex(
        body={"source": {"index": source}, "dest": {"index": target}},
        params={"wait_for_completion": "false", "refresh": "true"},
    )
    task_id = started["task"]
    deadline = time.monotonic() + timeout_seconds
    while True:
        task = client.tasks.get(task_id=task_id)
        if task.get("completed"):
            break
        if time.monotonic() > deadline:
            raise IndexLayerError(f"reindex {source} -> {target} still running after {timeout_seconds}s "
                                  f"(task {task_id}); {target} left in place, alias unchanged")
        time.sleep(poll_seconds)
    if "error" in task:
        raise IndexLayerError(f"reindex {source} -> {target} failed: {task['error']}")
    failures = task.get("response", {}).get("failures") or []
    if failures:
        raise IndexLayerError(f"reindex {source} -> {target}: {len(failures)} failures, first: {failures[0]}")
    if swap:
        swap_alias(client, alias_name(prefix, kind), target, delete_old=delete_old)
    return target


def delete_prefix(client: OpenSearch, prefix: str) -> None:
    """Drop every index, alias and template of ``prefix`` (tests and throw-away environments only)."""
    check_prefix(prefix)
    for kind in KINDS:
        client.indices.delete(
            index=f"{prefix}-{kind}-v*", params={"ignore_unavailable": "true", "expand_wildcards": "all"}
        )
        with contextlib.suppress(NotFoundError):
            client.indices.delete_index_template(name=template_name(prefix, kind))


# ---------------------------------------------------------------- compaction

# Lucene's default ceiling for a merged segment (TieredMergePolicy max_merged_segment): merging past
# it leaves segments the merge policy never touches again, so compaction stops at that size.
_MAX_SEGMENT_BYTES = 5 * 1024**3


@dataclass
class CompactResult:
    """What ``compact`` did to one index: its Lucene segments before and after, its size on disk."""

    index: str
    segments_before: int
    segments_after: int
    size_bytes: int

    def describe(self) -> str:
        return (
            f"{self.index}: {self.segments_before} -> {self.segments_after} Lucene segment(s), "
            f"{self.size_bytes / 1024**2:,.0f} MiB"
        )


def _segments_and_size(client: OpenSearch, index: str) -> tuple[int, int]:
    """(searchable Lucene segments, store size in bytes) over the primaries of ``index``."""
    stats = client.indices.stats(index=index, metric="segments,store")["indices"][index]["primaries"]
    return int(stats["segments"]["count"]), int(stats["store"]["size_in_bytes"])


def compact(client: OpenSearch, prefix: str, *, request_timeout: float = 3600.0) -> list[CompactResult]:
    """Merge each index of ``prefix`` down to as few Lucene segments as the size allows.

    A night of indexing leaves a segment index of many small segments (about one per refresh, merged
    only lazily); every search visits each of them, and on a 2-core node 8 segments against 1 cost
    a third more per grouped search (docs/benchmarks.md). The archive is written at night and read
    by day, the case force-merge is meant for: the nightly flow calls this once its recordings are in.
    One segment per 5 GiB of index, so no segment outgrows what the merge policy still merges later;
    deleted documents (re-indexed or erased meetings) are dropped on the way. Searches keep being
    answered during the merge; the call waits for it to end.
    """
    results = []
    for kind in KINDS:
        index = current_index(client, prefix, kind)
        # Documents still in the indexing buffer are in no segment yet: a refresh first puts them in one.
        client.indices.refresh(index=index)
        before, size = _segments_and_size(client, index)
        target = max(1, -(-size // _MAX_SEGMENT_BYTES))
        after = before
        if before > target:
            client.indices.forcemerge(index=index, max_num_segments=target, request_timeout=request_timeout)
            # Merged segments are searchable only after a refresh (the force-merge API leaves that out).
            client.indices.refresh(index=index)
            after, size = _segments_and_size(client, index)
        results.append(CompactResult(index=index, segments_before=before, segments_after=after, size_bytes=size))
    return results


# ---------------------------------------------------------------- writes


@dataclass
class IndexResult:
    """What ``index_meeting`` did."""

    meeting_id: str
    segments_indexed: int
    stale_segments_deleted: int


def _segment_actions(index: str, segments: Iterable[SegmentDocument]) -> Iterator[dict[str, Any]]:
    for segment in segments:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": segment_doc_id(segment.meeting_id, segment.segment_index),
            "_source": segment.model_dump(mode="json"),
        }


def bulk_load(
    client: OpenSearch,
    index: str,
    segments: Iterable[SegmentDocument],
    *,
    chunk_size: int = 500,
    refresh: Refresh = False,
) -> int:
    """Stream segment documents into ``index`` (an alias or a concrete new version); returns the count.

    No stale-segment cleanup: for filling a fresh index or a benchmark load. Retries on 429
    (the node's write queue is small on 2 cores) and raises ``IndexLayerError`` on any failed item.
    """
    count = 0
    errors: list[Any] = []
    for ok, item in helpers.streaming_bulk(
        client,
        _segment_actions(index, segments),
        chunk_size=chunk_size,
        max_retries=5,
        initial_backoff=1,
        raise_on_error=False,
        refresh=_refresh_param(refresh),
    ):
        if ok:
            count += 1
        else:
            errors.append(item)
    if errors:
        raise IndexLayerError(f"{len(errors)} segment(s) failed to index into {index}; first: {errors[0]}")
    return count


def _refresh_param(refresh: Refresh) -> str:
    if refresh == "wait_for":
        return "wait_for"
    return "true" if refresh else "false"


def index_meeting(
    client: OpenSearch,
    prefix: str,
    meeting: MeetingDocument,
    segments: list[SegmentDocument],
    *,
    refresh: Refresh = False,
    segments_index: str | None = None,
    meetings_index: str | None = None,
) -> IndexResult:
    """Index (or re-index) one meeting and its segments; safe to repeat.

    Segments go first and the meeting document last, so ``meeting_exists`` only answers True once
    the segments are in. Afterwards every segment document of this meeting that is not in
    ``segments`` is deleted: a shorter transcript, or segments dropped by the hallucination guard
    (which leaves gaps in ``segment_index``), leave nothing behind.

    ``segments_index``/``meetings_index`` default to the aliases; pass a new version's name to
    fill it before ``swap_alias``. ``refresh=True`` makes the writes visible to search on return.
    """
    for segment in segments:
        if segment.meeting_id != meeting.meeting_id:
            raise ValueError(f"segment {segment.segment_index} belongs to {segment.meeting_id}, "
                             f"not {meeting.meeting_id}")
    seg_index = segments_index or alias_name(prefix, "segments")
    meet_index = meetings_index or alias_name(prefix, "meetings")

    indexed = bulk_load(client, seg_index, segments, refresh=False)

    # delete_by_query only sees refreshed documents: without this refresh, segments written by an
    # earlier, not yet refreshed index_meeting of the same meeting would escape the cleanup.
    client.indices.refresh(index=seg_index)
    keep = [segment_doc_id(s.meeting_id, s.segment_index) for s in segments]
    query: dict[str, Any] = {"bool": {"filter": [{"term": {"meeting_id": meeting.meeting_id}}]}}
    if keep:
        query["bool"]["must_not"] = [{"ids": {"values": keep}}]
    deleted = client.delete_by_query(
        index=seg_index,
        body={"query": query},
        params={"conflicts": "proceed", "refresh": "true" if refresh else "false"},
    )

    client.index(
        index=meet_index,
        id=meeting.meeting_id,
        body=meeting.model_dump(mode="json"),
        params={"refresh": _refresh_param(refresh)},
    )
    if refresh is True:
        client.indices.refresh(index=seg_index)
    return IndexResult(meeting.meeting_id, indexed, int(deleted.get("deleted", 0)))


def delete_meeting(client: OpenSearch, prefix: str, meeting_id: str, *, refresh: bool = True) -> int:
    """Remove a meeting and all its segments; returns how many segment documents were deleted."""
    answer = client.delete_by_query(
        index=alias_name(prefix, "segments"),
        body={"query": {"term": {"meeting_id": meeting_id}}},
        params={"conflicts": "proceed", "refresh": "true" if refresh else "false"},
    )
    with contextlib.suppress(NotFoundError):  # segments without a meeting doc: half-indexed meeting
        client.delete(
            index=alias_name(prefix, "meetings"),
            id=meeting_id,
            params={"refresh": "true" if refresh else "false"},
        )
    return int(answer.get("deleted", 0))


# ---------------------------------------------------------------- reads


def count_segments(client: OpenSearch, prefix: str, meeting_id: str | None = None) -> int:
    """Segment documents, all or for one meeting (as of the last refresh)."""
    body = {"query": {"term": {"meeting_id": meeting_id}}} if meeting_id else None
    return int(client.count(index=alias_name(prefix, "segments"), body=body)["count"])


def count_meetings(client: OpenSearch, prefix: str) -> int:
    return int(client.count(index=alias_name(prefix, "meetings"))["count"])


def meeting_exists(client: OpenSearch, prefix: str, meeting_id: str) -> bool:
    """True once the meeting document is written (real-time: no refresh needed)."""
    return bool(client.exists(index=alias_name(prefix, "meetings"), id=meeting_id))


@dataclass
class SegmentHit:
    id: str
    score: float
    segment: SegmentDocument
    highlights: list[str] = field(default_factory=list)  # text with <mark>…</mark> around matches


def search_segments(client: OpenSearch, prefix: str, query: str, size: int = 10) -> list[SegmentHit]:
    """A minimal full-text search over segments (the UI builds richer queries elsewhere).

    ``simple_query_string`` never fails on user syntax; it searches the French-analysed ``text``
    and the unstemmed ``text.exact`` (boosted, so exact wording ranks first), all terms required.
    """
    body: dict[str, Any] = {
        "size": size,
        "query": {
            "simple_query_string": {
                "query": query,
                "fields": ["text", "text.exact^2"],
                "default_operator": "and",
            }
        },
        "highlight": {
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            # Segments are short: return the whole text with marks rather than fragments.
            "fields": {"text": {"number_of_fragments": 0}, "text.exact": {"number_of_fragments": 0}},
        },
    }
    answer = client.search(index=alias_name(prefix, "segments"), body=body)
    hits: list[SegmentHit] = []
    for hit in answer["hits"]["hits"]:
        highlight = hit.get("highlight", {})
        hits.append(
            SegmentHit(
                id=hit["_id"],
                score=float(hit["_score"] or 0.0),
                segment=SegmentDocument.model_validate(hit["_source"]),
                highlights=highlight.get("text") or highlight.get("text.exact") or [],
            )
        )
    return hits


def set_legal_hold(client: OpenSearch, prefix: str, meeting_id: str, hold: bool) -> None:
    """Flag a meeting document as under legal hold (a partial update; no-op if it is not indexed)."""
    with contextlib.suppress(NotFoundError):
        client.update(
            index=alias_name(prefix, "meetings"),
            id=meeting_id,
            body={"doc": {"legal_hold": hold}},
            params={"refresh": "true"},
        )
