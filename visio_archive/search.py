"""Search over redacted segments: one query builder shared by the CLI, the JSON API and the pages.

The user's query string goes through a small parser of our own (never OpenSearch's
``query_string`` syntax), so that no input can produce a parse error on the server:

* ``"mots entre guillemets"``: a phrase (``match_phrase`` on ``text.exact``, then on ``text``);
  an unbalanced quote closes at the end of the input;
* ``AND`` / ``OR`` / ``NOT`` (also ``ET`` / ``OU`` / ``SAUF``), ``-mot`` and ``+mot``, parentheses;
  terms side by side are all required (implicit AND);
* a bare term is a ``match`` with ``fuzziness: AUTO`` (typo tolerance) on the French-analysed ``text``;
* any other punctuation is a separator; input longer than ``MAX_QUERY_CHARS`` or with more than
  ``MAX_TERMS`` terms is refused with :class:`QueryError` (a 4xx for the API).

Highlights come back with private-use sentinels that :func:`render_highlight` turns into
``<mark>…</mark>`` after escaping the text, so a snippet is always safe to put in a page.
"""

from __future__ import annotations

import contextlib
import html
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_DEPTH = 8
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # OpenSearch's default index.max_result_window
PARTICIPANT_SHARD_SIZE = 1_000  # speakers each shard reports for the participants facet

_HL_PRE = "\ue000"
_HL_POST = "\ue001"

Sort = Literal["relevance", "date", "date_asc"]


class QueryError(ValueError):
    """The user's query or filters cannot be searched; the message is safe to show."""


class SearchUnavailable(RuntimeError):
    """The search service did not answer; the message is safe to show."""


# ---------------------------------------------------------------- query parser


@dataclass(frozen=True)
class Term:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Phrase | Not | And | Or

_OPERATORS = {"AND": "AND", "ET": "AND", "OR": "OR", "OU": "OR", "NOT": "NOT", "SAUF": "NOT"}
# A "word": letters, digits, apostrophes and hyphens inside words (aujourd'hui, peut-être, 2026-03).
_WORD = re.compile(r"[\w]+(?:['’\-][\w]+)*", re.UNICODE)


@dataclass
class _Token:
    kind: str  # TERM PHRASE AND OR NOT LPAREN RPAREN
    text: str = ""


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "\"«»“”":
            closing = {"«": "»", "“": "”"}.get(ch)
            j = i + 1
            while j < n and query[j] not in ('"', "»", "”", closing or '"'):
                j += 1
            words = _WORD.findall(query[i + 1 : j])
            if words:
                tokens.append(_Token("PHRASE", " ".join(words)))
            i = j + 1
        elif ch == "(":
            tokens.append(_Token("LPAREN"))
            i += 1
        elif ch == ")":
            tokens.append(_Token("RPAREN"))
            i += 1
        elif ch == "-" and (i + 1 < n and not query[i + 1].isspace()) and (i == 0 or query[i - 1].isspace()
                                                                           or query[i - 1] == "("):
            tokens.append(_Token("NOT"))
            i += 1
        else:
            match = _WORD.match(query, i)
            if match:
                word = match.group(0)
                op = _OPERATORS.get(word) if word.isupper() else None
                tokens.append(_Token(op, word) if op else _Token("TERM", word))
                i = match.end()
            else:  # any other character (+, *, :, \, /, ~, ^, {, ...) separates words
                i += 1
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.parse_or()
        # Stray closing parentheses: skip them and keep going as an implicit AND.
        while self.peek() is not None:
            self.pos += 1
            rest = self.parse_or()
            if rest is not None:
                node = rest if node is None else And((node, rest))
        return node

    def parse_or(self) -> Node | None:
        children: list[Node] = []
        first = self.parse_and()
        if first is not None:
            children.append(first)
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.pos += 1
            nxt = self.parse_and()
            if nxt is not None:
                children.append(nxt)
        if not children:
            return None
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node | None:
        children: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", "RPAREN"):
            if tok.kind == "AND":
                self.pos += 1
                continue
            node = self.parse_unary()
            if node is not None:
                children.append(node)
        if not children:
            return None
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self) -> Node | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "NOT":
            self.pos += 1
            child = self.parse_unary()
            return Not(child) if child is not None else None
        return self.parse_primary()

    def parse_primary(self) -> Node | None:
        tok = self.peek()
        if tok is None:
            return None
        self.pos += 1
        if tok.kind == "TERM":
            return Term(tok.text)
        if tok.kind == "PHRASE":
            return Phrase(tok.text)
        if tok.kind == "LPAREN":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"Trop de parenthèses imbriquées (maximum {MAX_DEPTH}).")
            node = self.parse_or()
            if (closing := self.peek()) is not None and closing.kind == "RPAREN":
                self.pos += 1
            self.depth -= 1
            return node
        return None  # a stray operator where a term was expected


def parse_query(query: str) -> Node | None:
    """Parse a user query; ``None`` means "no text condition" (browse with filters)."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"La requête est trop longue (maximum {MAX_QUERY_CHARS} caractères).")
    tokens = _tokenize(query)
    terms = sum(1 for t in tokens if t.kind == "TERM") + sum(
        len(t.text.split()) for t in tokens if t.kind == "PHRASE"
    )
    if terms > MAX_TERMS:
        raise QueryError(f"La requête contient trop de termes (maximum {MAX_TERMS}).")
    return _Parser(tokens).parse()


def _positive(node: Node) -> bool:
    """Whether a node can match by itself (a lone NOT cannot)."""
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_positive(c) for c in node.children)
    if isinstance(node, Or):
        return all(_positive(c) for c in node.children)
    return True


def to_opensearch(node: Node, *, exclusion: bool = False) -> dict[str, Any]:
    """Turn a parsed query into an OpenSearch query clause.

    Under NOT (``exclusion``) terms are not fuzzy: "-rapport" excludes rapport/rapports, not every
    word one typo away (and exclusions stay cheap).
    """
    if isinstance(node, Term) and exclusion:
        return {"match": {"text": {"query": node.text}}}
    if isinstance(node, Term):
        # Inflections through the stemmed field, exact wording boosted, typos on the unstemmed form
        # (fuzzy on stems misses misspellings that stemming moves away; one fuzzy clause keeps it fast).
        return {
            "bool": {
                "should": [
                    {"match": {"text": {"query": node.text}}},
                    {"match": {"text.exact": {"query": node.text, "boost": 2.0}}},
                    {"match": {"text.exact": {"query": node.text, "fuzziness": "AUTO", "prefix_length": 1,
                                              "max_expansions": 20, "boost": 0.5}}},
                ],
                "minimum_should_match": 1,
            }
        }
    if isinstance(node, Phrase):
        return {
            "bool": {
                "should": [
                    {"match_phrase": {"text.exact": {"query": node.text, "boost": 2.0}}},
                    {"match_phrase": {"text": {"query": node.text}}},
                ],
                "minimum_should_match": 1,
            }
        }
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}],
                         "must_not": [to_opensearch(node.child, exclusion=not exclusion)]}}
    if isinstance(node, And):
        must = [to_opensearch(c, exclusion=exclusion) for c in node.children if not isinstance(c, Not)]
        must_not = [to_opensearch(c.child, exclusion=not exclusion) for c in node.children if isinstance(c, Not)]
        if not must:
            must = [{"match_all": {}}]
        return {"bool": {"must": must, "must_not": must_not}}
    return {"bool": {"should": [to_opensearch(c, exclusion=exclusion) for c in node.children],
                     "minimum_should_match": 1}}


def positive_terms(node: Node | None) -> list[str]:
    """The words a user is looking for (used to describe the query)."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Term | Phrase):
        return [node.text]
    out: list[str] = []
    for child in node.children:
        out.extend(positive_terms(child))
    return out


# ---------------------------------------------------------------- request and response

View = Literal["meetings", "passages"]


class SearchRequest(BaseModel):
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    participant: str | None = None  # one exact speaker name (as indexed)
    participants: list[str] | None = None  # any of these exact names (a resolved, folded filter)
    title: str | None = None
    series: str | None = None
    language: str | None = None
    meeting_id: str | None = None
    sort: Sort = "relevance"
    page: int = Field(default=1, ge=1)
    size: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)
    facets: bool = True
    group: bool = False  # one result per meeting (its best passages), instead of one per passage
    group_passages: int = Field(default=3, ge=1, le=10)


class SearchHit(BaseModel):
    meeting_id: str
    segment_id: str
    segment_index: int = 0
    start: float
    end: float
    speaker: str | None = None
    text: str
    highlight: str  # HTML: escaped text with <mark>…</mark> around the matches
    meeting_title: str | None = None
    started_at: datetime | None = None
    language: str | None = None
    score: float | None = None


class FacetValue(BaseModel):
    value: str
    count: int
    label: str = ""  # what people read ("mars 2026", "français"); the value is what filters use


class MeetingGroup(BaseModel):
    """One meeting in grouped results: its metadata, how many passages matched, the best of them."""

    meeting_id: str
    title: str | None = None
    started_at: datetime | None = None
    language: str | None = None
    series: str | None = None
    participants: list[str] = Field(default_factory=list)
    duration: float | None = None
    count: int = 0  # matching passages (all of the meeting's segments when browsing)
    passages: list[SearchHit] = Field(default_factory=list)


class SearchResult(BaseModel):
    total: int  # matching passages
    page: int
    size: int
    took_ms: int = 0
    hits: list[SearchHit] = Field(default_factory=list)
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict)
    view: View = "passages"
    total_meetings: int | None = None  # meetings with at least one matching passage (grouped view)
    meetings: list[MeetingGroup] = Field(default_factory=list)

    @property
    def pages(self) -> int:
        counted = self.total_meetings if self.view == "meetings" and self.total_meetings is not None else self.total
        return max(1, min((counted + self.size - 1) // self.size, MAX_RESULT_WINDOW // self.size))


def segments_alias(prefix: str) -> str:
    return f"{prefix}-segments"


def meetings_alias(prefix: str) -> str:
    return f"{prefix}-meetings"


def _clean_filter_value(value: str | None, limit: int = 200) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > limit:
        raise QueryError(f"Un filtre est trop long (maximum {limit} caractères).")
    return value


_MATCH_NONE: dict[str, Any] = {"bool": {"must_not": [{"match_all": {}}]}}


def _filters(request: SearchRequest, *, speaker_field: str, title_field: str) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if request.date_from or request.date_to:
        if request.date_from and request.date_to and request.date_from > request.date_to:
            raise QueryError("La date de début est postérieure à la date de fin.")
        rng: dict[str, str] = {"format": "yyyy-MM-dd"}
        if request.date_from:
            rng["gte"] = request.date_from.isoformat()
        if request.date_to:
            rng["lte"] = request.date_to.isoformat()
        filters.append({"range": {"started_at": rng}})
    if participant := _clean_filter_value(request.participant):
        filters.append({"term": {speaker_field: participant}})
    if request.participants is not None:
        names = [n for n in request.participants if n]
        filters.append({"terms": {speaker_field: names}} if names else _MATCH_NONE)
    if series := _clean_filter_value(request.series):
        filters.append({"term": {"series": series}})
    if language := _clean_filter_value(request.language, 16):
        filters.append({"term": {"language": language}})
    if meeting_id := _clean_filter_value(request.meeting_id):
        filters.append({"term": {"meeting_id": meeting_id}})
    if title := _clean_filter_value(request.title):
        filters.append({"match_phrase": {title_field: {"query": title}}})
    return filters


_HIGHLIGHT: dict[str, Any] = {
    "pre_tags": [_HL_PRE],
    "post_tags": [_HL_POST],
    "encoder": "default",
    "number_of_fragments": 0,
    "fields": {"text": {}, "text.exact": {}},
}
# What a search shows of a passage: the French-analysed field's highlight, else the exact field's (a typo
# found through the fuzzy clause, which only the exact field has). Highlighting the exact field runs
# that fuzzy clause's automaton on every passage shown (about 0.6 ms each, twice what the rest of a
# page costs), so pages ask for the analysed field only and :func:`_add_exact_highlights` asks for
# the exact field just for the passages left unmarked: the same marks, bought only where they are used.
_HIGHLIGHT_TEXT: dict[str, Any] = {**_HIGHLIGHT, "fields": {"text": {}}}
_HIGHLIGHT_EXACT: dict[str, Any] = {**_HIGHLIGHT, "fields": {"text.exact": {}}}
_SOURCE = ["meeting_id", "segment_index", "start", "end", "speaker", "text", "meeting_title", "started_at",
           "language"]


def build_body(request: SearchRequest, *, shards: int | None = None) -> dict[str, Any]:
    """The OpenSearch request body for one search of segments. Raises QueryError on unusable input.

    ``shards``: how many shards the segment index has, when known. On one shard the participants facet
    is exact without ``shard_size`` (the shard's top 20 are the answer), and building the shard's 1,000
    best buckets and sorting them cost about 0.4 ms of a search's 6-7 ms on the 1 M benchmark index;
    otherwise (unknown, or several shards) each shard reports its 1,000 most frequent speakers."""
    node = parse_query(request.q)
    if request.q.strip() and node is None and not _has_words(request.q):
        node = None  # only punctuation: treat as "everything", like an empty query
    if node is not None and not _positive(node):
        node = And((node,))  # to_opensearch(And) adds match_all when only negations remain
    must: list[dict[str, Any]] = [to_opensearch(node)] if node is not None else [{"match_all": {}}]
    filters = _filters(request, speaker_field="speaker", title_field="meeting_title")

    start = (request.page - 1) * request.size
    if start + request.size > MAX_RESULT_WINDOW:
        raise QueryError("Cette page est au-delà des résultats consultables ; affinez la recherche.")

    if request.sort == "date" or (request.sort == "relevance" and node is None):
        sort: list[Any] = [{"started_at": {"order": "desc", "missing": "_last"}}, {"meeting_id": "asc"},
                           {"start": "asc"}]
    elif request.sort == "date_asc":
        sort = [{"started_at": {"order": "asc", "missing": "_last"}}, {"meeting_id": "asc"}, {"start": "asc"}]
    else:
        sort = ["_score", {"started_at": {"order": "desc", "missing": "_last"}}, {"start": "asc"}]

    body: dict[str, Any] = {
        "query": {"bool": {"must": must, "filter": filters}},
        "from": start,
        "size": request.size,
        "sort": sort,
        "track_total_hits": True,
        "_source": _SOURCE,
    }
    if request.group:
        # One hit per meeting (field collapsing: the meeting's best passage stands for it, so meetings
        # are ranked by their best passage) and the number of meetings. Their best passages and counts
        # come from one more request (group_passages_body) rather than collapse's inner hits, which
        # run one search per meeting of the page.
        body["_source"] = ["meeting_id", "meeting_title", "started_at", "language", "series"]
        body["collapse"] = {"field": "meeting_id"}
        body["aggs"] = {"meetings": {"cardinality": {"field": "meeting_id", "precision_threshold": 10000}}}
    else:
        body["highlight"] = _HIGHLIGHT
    if request.facets:
        body.setdefault("aggs", {}).update({
            # shard_size: with several shards (VISIO_INDEX_SHARDS, a cluster) each shard sends its 1,000
            # most frequent speakers, not the default 40, so the 20 shown and their counts stay exact
            # (one shard: exact anyway). Counting is the same on the shard; only the answer grows.
            "participants": {"terms": {"field": "speaker", "size": 20,
                                       **({} if shards == 1 else {"shard_size": PARTICIPANT_SHARD_SIZE})}},
            "language": {"terms": {"field": "language", "size": 10}},
            "month": {
                "date_histogram": {
                    "field": "started_at",
                    "calendar_interval": "month",
                    "format": "yyyy-MM",
                    "min_doc_count": 1,
                    "order": {"_key": "desc"},
                }
            },
        })
    return body


def group_passages_body(request: SearchRequest, meeting_ids: list[str]) -> dict[str, Any]:
    """The best passages (highlighted) and the number of matching passages of each of ``meeting_ids``,
    in one request: the same query restricted to those meetings, one bucket each. Highlights of the
    analysed field only; :func:`search` completes the passages it left unmarked."""
    body = build_body(request.model_copy(update={"group": False, "facets": False, "page": 1, "size": 1}))
    node = parse_query(request.q)
    inner_sort: list[Any] = ["_score", {"start": "asc"}] if node is not None else [{"start": "asc"}]
    body["query"]["bool"]["filter"].append({"terms": {"meeting_id": meeting_ids}})
    body.pop("highlight", None)
    body.pop("sort", None)
    body.update({"size": 0, "track_total_hits": False, "aggs": {"groups": {
        "terms": {"field": "meeting_id", "size": len(meeting_ids)},
        "aggs": {"best": {"top_hits": {"size": request.group_passages, "sort": inner_sort, "_source": _SOURCE,
                                       "highlight": _HIGHLIGHT_TEXT}}},
    }}})
    return body


def split_bodies(request: SearchRequest, *, shards: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """:func:`build_body` as two requests that OpenSearch runs side by side (one ``msearch``):

    * the page: hits (collapsed by meeting when grouped), sorted, highlighted (the analysed field; see
      :func:`exact_highlights_body`), without aggregations and without counting every match, so Lucene
      may skip passages that cannot reach the page;
    * the summary: ``size: 0``, the exact number of matching passages, the facets and (grouped) the
      number of meetings. A ``size: 0`` request is kept by OpenSearch's shard request cache until the
      index next changes, so turning pages, changing the sort or going back costs the facets nothing.
    """
    full = build_body(request, shards=shards)
    page = {k: v for k, v in full.items() if k != "aggs"}
    page["track_total_hits"] = False
    if "highlight" in page:  # the exact field's highlights only where needed (_add_exact_highlights)
        page["highlight"] = _HIGHLIGHT_TEXT
    summary: dict[str, Any] = {"query": full["query"], "size": 0, "track_total_hits": True}
    if "aggs" in full:
        summary["aggs"] = full["aggs"]
    return page, summary


def exact_highlights_body(request: SearchRequest, doc_ids: list[str]) -> dict[str, Any]:
    """The exact field's highlights of ``doc_ids`` (passages of this search that the analysed field left
    unmarked) under the same query: what a one-request search highlighting both fields would show."""
    body = build_body(request.model_copy(update={"group": False, "facets": False, "page": 1, "size": 1}))
    body["query"]["bool"]["filter"].append({"ids": {"values": doc_ids}})
    body.update({"size": len(doc_ids), "from": 0, "sort": ["_doc"], "_source": False, "track_total_hits": False,
                 "highlight": _HIGHLIGHT_EXACT})
    return body


def _unmarked(raw_hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [h for h in raw_hits if not (h.get("highlight") or {}).get("text") and h.get("_id")]


def _add_exact_highlights(client: Any, alias: str, request: SearchRequest, raw_hits: list[dict[str, Any]], *,
                          request_cache: bool) -> int:
    """Give the hits the analysed field left unmarked their exact field's highlight (one request, only
    when there are such hits and the query has words to mark); the request's ``took`` in ms."""
    missing = _unmarked(raw_hits)
    if not missing or not positive_terms(parse_query(request.q)):
        return 0
    answer = _call(client, "search", index=alias, body=exact_highlights_body(request, [h["_id"] for h in missing]),
                   request_cache=request_cache)
    found = {h["_id"]: h.get("highlight") or {} for h in (answer or {}).get("hits", {}).get("hits", [])}
    for hit in missing:
        if exact := found.get(hit["_id"], {}).get("text.exact"):
            hit.setdefault("highlight", {})["text.exact"] = exact
    return int((answer or {}).get("took", 0))


def _has_words(text: str) -> bool:
    return bool(_WORD.search(text))


_HL_SPLIT = re.compile(f"([{_HL_PRE}{_HL_POST}])")
_HL_TERMS = re.compile(f"{_HL_PRE}([^{_HL_POST}]*){_HL_POST}")


def render_highlight(fragment: str) -> str:
    """Escape a highlighted fragment for HTML and turn the sentinels into <mark> tags.

    The text is split on the sentinels and each piece escaped on its own, so no character of the
    text itself (NUL, SOH, anything) can become a tag.
    """
    out: list[str] = []
    inside = opened = False
    for piece in _HL_SPLIT.split(fragment):
        if piece == _HL_PRE:
            inside = True
        elif piece == _HL_POST:
            if opened:
                out.append("</mark>")
            inside = opened = False
        elif piece:
            if inside and not opened:
                out.append("<mark>")
                opened = True
            out.append(html.escape(piece, quote=True))
    if opened:
        out.append("</mark>")
    return "".join(out)


def highlighted_terms(fragment: str) -> list[str]:
    """The words the engine marked in a highlighted fragment (what a page marks in a transcript)."""
    return _HL_TERMS.findall(fragment)


def _hit(raw: dict[str, Any]) -> SearchHit:
    src = raw.get("_source", {})
    hl = raw.get("highlight", {})
    fragments = hl.get("text") or hl.get("text.exact")
    text = str(src.get("text", ""))
    highlight = render_highlight(fragments[0]) if fragments else html.escape(text)
    meeting_id = str(src.get("meeting_id", ""))
    index = int(src.get("segment_index", 0))
    return SearchHit(
        meeting_id=meeting_id,
        segment_id=str(raw.get("_id") or f"{meeting_id}:{index:06d}"),
        segment_index=index,
        start=float(src.get("start", 0.0)),
        end=float(src.get("end", 0.0)),
        speaker=src.get("speaker"),
        text=text,
        highlight=highlight,
        meeting_title=src.get("meeting_title"),
        started_at=src.get("started_at"),
        language=src.get("language"),
        score=raw.get("_score"),
    )


def _total(block: dict[str, Any]) -> int:
    total = block.get("total", 0)
    return int(total.get("value", 0)) if isinstance(total, dict) else int(total)


def _facets(response: dict[str, Any]) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {}
    for name, agg in (response.get("aggregations") or {}).items():
        if "buckets" not in agg:
            continue
        facets[name] = [
            FacetValue(value=str(b.get("key_as_string", b.get("key"))), count=int(b.get("doc_count", 0)))
            for b in agg.get("buckets", [])
        ]
    return facets


def parse_response(request: SearchRequest, response: dict[str, Any]) -> SearchResult:
    hits_block = response.get("hits", {})
    result = SearchResult(
        total=_total(hits_block),
        page=request.page,
        size=request.size,
        took_ms=int(response.get("took", 0)),
        facets=_facets(response),
        view="meetings" if request.group else "passages",
    )
    if not request.group:
        result.hits = [_hit(h) for h in hits_block.get("hits", [])]
        return result
    result.total_meetings = int(((response.get("aggregations") or {}).get("meetings") or {}).get("value", 0))
    for raw in hits_block.get("hits", []):
        src = raw.get("_source", {})
        result.meetings.append(MeetingGroup(
            meeting_id=str(src.get("meeting_id", "")),
            title=src.get("meeting_title"),
            started_at=src.get("started_at"),
            language=src.get("language"),
            series=src.get("series"),
        ))
    return result


def add_group_passages(result: SearchResult, response: dict[str, Any]) -> None:
    """Fill each group's ``count`` and ``passages`` from a :func:`group_passages_body` answer."""
    buckets = {str(b["key"]): b for b in ((response.get("aggregations") or {}).get("groups") or {}).get("buckets", [])}
    for group in result.meetings:
        bucket = buckets.get(group.meeting_id)
        if bucket is None:
            continue
        group.count = int(bucket.get("doc_count", 0))
        group.passages = [_hit(h) for h in bucket.get("best", {}).get("hits", {}).get("hits", [])]


def _call(client: Any, what: str, **kwargs: Any) -> dict[str, Any] | None:
    """One OpenSearch call; None when the index does not exist yet. Never lets OpenSearch's error text
    through."""
    from opensearchpy import exceptions as os_exc

    try:
        response: dict[str, Any] = getattr(client, what)(**kwargs)
    except os_exc.NotFoundError:
        return None
    except os_exc.RequestError as exc:  # 400 from OpenSearch: our query builder let something through
        raise QueryError("Cette recherche n'a pas pu être interprétée ; simplifiez la requête.") from exc
    except (os_exc.ConnectionError, os_exc.ConnectionTimeout) as exc:
        raise SearchUnavailable("Le service de recherche ne répond pas ; réessayez dans un instant.") from exc
    except os_exc.TransportError as exc:
        raise SearchUnavailable("Le service de recherche a renvoyé une erreur ; réessayez plus tard.") from exc
    return response


def _answers(answer: dict[str, Any] | None, expected: int) -> list[dict[str, Any]] | None:
    """The items of an msearch answer; None when the index does not exist yet. An item's error is
    raised as :class:`QueryError` (400) or :class:`SearchUnavailable` (anything else)."""
    items = list((answer or {}).get("responses") or [])
    if len(items) != expected:
        raise SearchUnavailable("Le service de recherche a renvoyé une erreur ; réessayez plus tard.")
    for item in items:
        error = item.get("error")
        if not error:
            continue
        kind = error.get("type") if isinstance(error, dict) else None
        if kind == "index_not_found_exception":
            return None
        if item.get("status") == 400:
            raise QueryError("Cette recherche n'a pas pu être interprétée ; simplifiez la requête.")
        raise SearchUnavailable("Le service de recherche a renvoyé une erreur ; réessayez plus tard.")
    return items


class _InFlight:
    """How many searches this process is running right now (the web app's worker threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    @contextlib.contextmanager
    def entered(self) -> Iterator[int]:
        """Count this search in for the block; yields how many others were already running."""
        with self._lock:
            others = self.count
            self.count += 1
        try:
            yield others
        finally:
            with self._lock:
                self.count -= 1


_IN_FLIGHT = _InFlight()


def one_body(request: SearchRequest, *, shards: int | None = None) -> dict[str, Any]:
    """Page and summary as one request (:func:`build_body`, the page's highlights: the analysed field):
    the same hits, totals, facets and meeting count as :func:`split_bodies`' two, for one evaluation of
    the query over its matches instead of two."""
    body = build_body(request, shards=shards)
    if "highlight" in body:
        body["highlight"] = _HIGHLIGHT_TEXT
    return body


# How many shards the last answer from each segments alias came from (``_shards.total``), in this process.
# A search builds its facets for that count (:func:`build_body`'s ``shards``); an answer from more shards
# than the search was built for (the index was re-created with more shards since) is asked again, built
# for them, so the facets shown are always those of the exact form.
_SHARDS_SEEN: dict[str, int] = {}


def _shards_of(items: list[dict[str, Any]]) -> int:
    return max((int((item.get("_shards") or {}).get("total") or 0) for item in items), default=0)


def search(client: Any, prefix: str, request: SearchRequest, *, request_cache: bool = True,
           one_request: bool | None = None, shards: int | None = None) -> SearchResult:
    """Run one search against ``{prefix}-segments`` (grouped by meeting when ``request.group``).

    One round trip for the page and its summary, and, grouped, one more for the page's meetings: their
    best passages, counts and participants; one more, small, only when passages shown were found by
    the exact field alone (a typo): their exact field's highlights.

    Page and summary go as two requests that OpenSearch runs side by side (:func:`split_bodies`) when
    this search is the process's only one: on idle cores that is the lowest latency. When other
    searches are running (``one_request=None``, the default: decided per search), the cores are busy
    anyway and running side by side gains nothing; one request (:func:`one_body`) then evaluates the
    query once instead of twice (about a seventh less OpenSearch CPU per search under 20 concurrent
    clients). Both give the same result; ``one_request`` forces either.

    ``request_cache``: OpenSearch's shard request cache for every part, the page included (by default it
    keeps only size-0 answers); it drops a shard's cached answers whenever that shard's content changes
    (refresh), so nothing stale is served. Off: every part computed afresh (benchmarks).

    ``shards``: build the facets for that many shards (:func:`build_body`); by default, for as many as
    the previous answer from this index came from (unknown at first: the form exact on any number)."""
    with _IN_FLIGHT.entered() as others:
        return _search(client, prefix, request, request_cache=request_cache,
                       one_request=others > 0 if one_request is None else one_request, shards=shards)


def _search(client: Any, prefix: str, request: SearchRequest, *, request_cache: bool,
            one_request: bool, shards: int | None = None) -> SearchResult:
    alias = segments_alias(prefix)
    cached = {"index": alias, "request_cache": request_cache}
    if shards is None:
        shards = _SHARDS_SEEN.get(alias)
    if one_request:
        answers = _answers(_call(client, "msearch", body=[cached, one_body(request, shards=shards)]), 1)
        items = None if answers is None else [answers[0], answers[0]]
    else:
        page_body, summary_body = split_bodies(request, shards=shards)
        items = _answers(_call(client, "msearch", body=[cached, page_body, cached, summary_body]), 2)
    if items is not None and (seen := _shards_of(items)):
        _SHARDS_SEEN[alias] = seen
        if shards == 1 and seen > 1 and request.facets:  # built for one shard, answered by several
            return _search(client, prefix, request, request_cache=request_cache, one_request=one_request,
                           shards=seen)
    if items is None:  # no index yet: an empty archive, not an error
        return SearchResult(total=0, page=request.page, size=request.size,
                            view="meetings" if request.group else "passages",
                            total_meetings=0 if request.group else None)
    page, summary = items
    extra_ms = 0
    if not request.group:
        extra_ms = _add_exact_highlights(client, alias, request, page.get("hits", {}).get("hits", []),
                                         request_cache=request_cache)
    # The page's hits with the summary's exact total and aggregations: one response, as build_body's.
    merged = {**page, "aggregations": summary.get("aggregations")}
    merged["hits"] = {**page.get("hits", {}), "total": summary.get("hits", {}).get("total", 0)}
    result = parse_response(request, merged)
    result.took_ms = max(int(page.get("took", 0)), int(summary.get("took", 0))) + extra_ms
    if request.group and result.meetings:
        ids = [g.meeting_id for g in result.meetings]
        # One round trip for the page's passages and the meetings' participants.
        second = _answers(_call(client, "msearch", body=[
            cached, group_passages_body(request, ids),
            {"index": meetings_alias(prefix)}, _meetings_body(ids),
        ]), 2)
        passages, meetings_answer = second or [{}, {}]
        best = [h for b in ((passages.get("aggregations") or {}).get("groups") or {}).get("buckets", [])
                for h in b.get("best", {}).get("hits", {}).get("hits", [])]
        result.took_ms += _add_exact_highlights(client, alias, request, best, request_cache=request_cache)
        add_group_passages(result, passages)
        result.took_ms += int(passages.get("took", 0))
        docs = {str(h["_source"].get("meeting_id")): dict(h["_source"])
                for h in meetings_answer.get("hits", {}).get("hits", [])}
        for group in result.meetings:
            doc = docs.get(group.meeting_id) or {}
            group.participants = list(doc.get("participants") or [])
            group.duration = doc.get("duration")
            group.series = group.series or doc.get("series")
            group.title = group.title or doc.get("title")
    return result


# ---------------------------------------------------------------- meetings index


def browse_body(request: SearchRequest) -> dict[str, Any]:
    """Meetings (no text query), newest first unless ``sort`` says otherwise, with the same filters."""
    filters = _filters(request, speaker_field="participants", title_field="title")
    start = (request.page - 1) * request.size
    if start + request.size > MAX_RESULT_WINDOW:
        raise QueryError("Cette page est au-delà des résultats consultables ; affinez la recherche.")
    order = "asc" if request.sort == "date_asc" else "desc"
    body: dict[str, Any] = {
        "query": {"bool": {"filter": filters}},
        "from": start,
        "size": request.size,
        "sort": [{"started_at": {"order": order, "missing": "_last"}}, {"meeting_id": "asc"}],
        "track_total_hits": True,
    }
    if request.facets:
        body["aggs"] = {
            "participants": {"terms": {"field": "participants", "size": 20}},
            "language": {"terms": {"field": "language", "size": 10}},
            "month": {"date_histogram": {"field": "started_at", "calendar_interval": "month", "format": "yyyy-MM",
                                         "min_doc_count": 1, "order": {"_key": "desc"}}},
        }
    return body


def _group_from_doc(doc: dict[str, Any]) -> MeetingGroup:
    return MeetingGroup(
        meeting_id=str(doc.get("meeting_id", "")), title=doc.get("title"), started_at=doc.get("started_at"),
        language=doc.get("language"), series=doc.get("series"), participants=list(doc.get("participants") or []),
        duration=doc.get("duration"), count=int(doc.get("segment_count") or 0),
    )


def browse(client: Any, prefix: str, request: SearchRequest) -> SearchResult:
    """The archive's meetings without a text query (the landing page's "browse" view)."""
    response = _call(client, "search", index=meetings_alias(prefix), body=browse_body(request))
    if response is None:
        return SearchResult(total=0, page=request.page, size=request.size, view="meetings", total_meetings=0)
    hits = response.get("hits", {})
    meetings = [_group_from_doc(h.get("_source", {})) for h in hits.get("hits", [])]
    total = _total(hits)
    return SearchResult(total=sum(m.count for m in meetings), page=request.page, size=request.size,
                        took_ms=int(response.get("took", 0)), facets=_facets(response), view="meetings",
                        total_meetings=total, meetings=meetings)


def _meetings_body(meeting_ids: list[str]) -> dict[str, Any]:
    return {"query": {"terms": {"meeting_id": meeting_ids}}, "size": len(meeting_ids),
            "_source": ["meeting_id", "title", "participants", "duration", "series", "started_at", "language"]}


def meetings_by_id(client: Any, prefix: str, meeting_ids: list[str]) -> dict[str, dict[str, Any]]:
    if not meeting_ids:
        return {}
    response = _call(client, "search", index=meetings_alias(prefix), body=_meetings_body(meeting_ids))
    if response is None:
        return {}
    return {str(h["_source"].get("meeting_id")): dict(h["_source"]) for h in response.get("hits", {}).get("hits", [])}


def matching_segments(client: Any, prefix: str, request: SearchRequest, limit: int = 500) -> dict[int, list[str]]:
    """Segment index -> the words the engine marked in it, for ``request`` (a meeting's own search:
    what the meeting page marks in its transcript).

    The marks are those the search page shows for the same passage (:func:`_hit`): the analysed
    field's, else (a passage found through a typo) the exact field's, which only the passages left
    unmarked ask for (:func:`_add_exact_highlights`; the exact field's fuzzy clause costs about 0.6 ms
    per passage highlighted)."""
    alias = segments_alias(prefix)
    body = build_body(request.model_copy(update={"group": False, "facets": False, "page": 1, "size": 1}))
    body.update({"size": limit, "from": 0, "sort": [{"start": "asc"}], "_source": ["segment_index"],
                 "track_total_hits": False, "highlight": _HIGHLIGHT_TEXT})
    response = _call(client, "search", index=alias, body=body)
    hits = (response or {}).get("hits", {}).get("hits", [])
    _add_exact_highlights(client, alias, request, hits, request_cache=True)
    out: dict[int, list[str]] = {}
    for hit in hits:
        index = int(hit.get("_source", {}).get("segment_index", -1))
        highlight = hit.get("highlight") or {}
        fragments = highlight.get("text") or highlight.get("text.exact") or []
        out[index] = [term for f in fragments for term in highlighted_terms(f)]
    return out


def participant_names(client: Any, prefix: str, limit: int = 10_000) -> list[str]:
    """Every participant name of the archive (from the meetings index), for folding filters and
    suggestions."""
    response = _call(client, "search", index=meetings_alias(prefix), body={
        "size": 0, "aggs": {"names": {"terms": {"field": "participants", "size": limit}}},
    })
    if response is None:
        return []
    buckets = ((response.get("aggregations") or {}).get("names") or {}).get("buckets", [])
    return [str(b["key"]) for b in buckets]


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Émilie`` and ``emilie`` fold alike."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _name_tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\W_]+", fold(text)) if t]


def name_index(names: list[str]) -> list[tuple[str, list[str]]]:
    """Names with their folded words, computed once (participant filters and suggestions reuse it)."""
    return [(name, _name_tokens(name)) for name in names]


def match_participants(query: str, names: list[str] | list[tuple[str, list[str]]], *,
                       prefix: bool = False) -> list[str]:
    """Names of which every word of ``query`` is a word (``prefix``: the start of a word), folded.

    ``martin`` finds ``Alice Martin`` and ``MARTIN Paul``; ``emilie d`` (prefix) finds ``Émilie Durand``.
    ``names`` may be plain names or a :func:`name_index`.
    """
    wanted = _name_tokens(query)
    if not wanted:
        return []
    out = []
    for entry in names:
        name, tokens = (entry, _name_tokens(entry)) if isinstance(entry, str) else entry
        if all(any(t.startswith(w) if prefix else t == w for t in tokens) for w in wanted):
            out.append(name)
    return out


def get_meeting(client: Any, prefix: str, meeting_id: str) -> dict[str, Any] | None:
    """The meeting document from ``{prefix}-meetings`` (None when absent)."""
    response = _call(client, "search", index=meetings_alias(prefix),
                     body={"query": {"term": {"meeting_id": meeting_id}}, "size": 1})
    if response is None:
        return None
    hits = response.get("hits", {}).get("hits", [])
    return dict(hits[0]["_source"]) if hits else None


# Connections kept open to each node: at least the web app's worker threads (anyio's 40), so that
# concurrent searches reuse connections instead of opening one each.
SEARCH_CONNECTIONS = 64


def _orjson_serializer() -> Any:
    """opensearch-py's JSON serializer with orjson doing the work (several times faster than the
    standard library on search answers; the same documents both ways for what searches send and
    receive: strings, dates, 64-bit integers, floats). Anything orjson cannot encode natively goes
    through opensearch-py's own ``default`` (numpy, pandas, Decimal ...); an answer orjson refuses is
    read by the standard library as before."""
    import orjson
    from opensearchpy.exceptions import SerializationError
    from opensearchpy.serializer import JSONSerializer

    class OrjsonSerializer(JSONSerializer):
        def loads(self, s: str) -> Any:
            try:
                return orjson.loads(s)
            except orjson.JSONDecodeError:
                return super().loads(s)

        def dumps(self, data: Any) -> Any:
            if isinstance(data, str):
                return data
            try:
                return orjson.dumps(data, default=self.default, option=orjson.OPT_NON_STR_KEYS).decode()
            except TypeError as exc:
                raise SerializationError(data, exc) from exc

    return OrjsonSerializer()


def open_client(settings: Any) -> Any:
    """An OpenSearch client for ``settings`` (the index layer's), shared by concurrent searches;
    JSON through orjson (:func:`_orjson_serializer`)."""
    from visio_archive.index import client_from_settings

    return client_from_settings(settings, pool_maxsize=SEARCH_CONNECTIONS, serializer=_orjson_serializer())
