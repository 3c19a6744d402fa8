"""Searching the archive: one validation of the parameters, one audited search, participant suggestions.

:class:`SearchParams` is what the search page, ``GET /api/search`` and ``visio-archive search`` all
accept: raw strings as they come from a URL or a command line, validated once with French messages.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from visio_archive import search as search_mod
from visio_archive.auth import Permission
from visio_archive.cleantext import clean_line
from visio_archive.french import language_label, month_label
from visio_archive.search import QueryError, SearchRequest, SearchResult
from visio_archive.usecases.context import Actor, Archive, Invalid, Unavailable

SORTS = ("relevance", "date", "date_asc")
SORT_LABELS = {"relevance": "pertinence", "date": "plus récentes d'abord", "date_asc": "plus anciennes d'abord"}
PAGE_SIZES = (10, 20, 50, 100)
FILTER_KEYS = ("from", "to", "participant", "title", "series", "language", "meeting")
PARAM_KEYS = ("q", *FILTER_KEYS, "sort", "page", "size", "view")
PARTICIPANTS_TTL = 30.0


class SearchParams(BaseModel):
    """Raw search parameters (URL or command line); :meth:`request` validates them."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    q: str = Field("", description='Words, "phrases", AND/OR/NOT (ET/OU/SAUF), -exclusion, (groups).')
    date_from: str | None = Field(None, alias="from", description="YYYY-MM-DD (inclusive)")
    date_to: str | None = Field(None, alias="to", description="YYYY-MM-DD (inclusive)")
    participant: str | None = Field(None, description="A speaker: any words of the name, accents and case ignored")
    title: str | None = Field(None, description="Words of the meeting title")
    series: str | None = None
    language: str | None = Field(None, description="fr, en, de, nl")
    meeting: str | None = Field(None, description="One meeting id")
    sort: str | None = Field(None, description="relevance (default), date or date_asc")
    page: str | None = None
    size: str | None = Field(None, description="1 to 100")
    view: str | None = Field(None, description="passages (API default) or meetings (grouped by meeting)")

    @classmethod
    def from_mapping(cls, values: Any) -> SearchParams:
        """From a query-string mapping (``from``/``to`` keys); empty values count as absent."""
        return cls.model_validate({k: v for k, v in dict(values).items() if k in PARAM_KEYS and v != ""})

    def as_query(self) -> dict[str, str]:
        """The non-empty parameters under their URL names (for links that keep the search)."""
        pairs = {"q": self.q, "from": self.date_from, "to": self.date_to, "participant": self.participant,
                 "title": self.title, "series": self.series, "language": self.language, "meeting": self.meeting,
                 "sort": self.sort, "page": self.page, "size": self.size, "view": self.view}
        return {k: str(v) for k, v in pairs.items() if v not in (None, "")}

    @property
    def has_filters(self) -> bool:
        return any((self.date_from, self.date_to, self.participant, self.title, self.series, self.language,
                    self.meeting))

    def request(self, *, default_view: Literal["meetings", "passages"] = "passages",
                default_size: int = 20) -> tuple[SearchRequest, Literal["meetings", "passages"]]:
        """A validated SearchRequest and the view; raises :class:`Invalid` with a message to show."""
        if len(self.q) > search_mod.MAX_QUERY_CHARS:
            raise Invalid(f"La requête est trop longue (maximum {search_mod.MAX_QUERY_CHARS} caractères).")
        sort = (self.sort or "relevance").strip()
        if sort not in SORTS:
            raise Invalid("Tri inconnu : relevance, date ou date_asc.")
        view = (self.view or default_view).strip()
        if view not in ("meetings", "passages"):
            raise Invalid("Vue inconnue : meetings (par réunion) ou passages.")
        _filter(self.participant)  # length checked here; run_search resolves the names
        return SearchRequest(
            q=clean_line(self.q),
            date_from=_date(self.date_from, "de début"),
            date_to=_date(self.date_to, "de fin"),
            participant=None,
            title=_filter(self.title),
            series=_filter(self.series),
            language=_filter(self.language, 16),
            meeting_id=_filter(self.meeting),
            sort=sort,
            page=_int(self.page, 1, 1, 10_000, "page"),
            size=_int(self.size, default_size, 1, search_mod.MAX_PAGE_SIZE, "taille de page"),
        ), view  # type: ignore[return-value]


def _filter(value: str | None, limit: int = 200) -> str | None:
    if value is None:
        return None
    value = clean_line(value)
    if len(value) > limit:
        raise Invalid(f"Un filtre est trop long (maximum {limit} caractères).")
    return value or None


def _date(value: str | None, what: str) -> date | None:
    value = _filter(value, 32)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(f"Date {what} invalide : utilisez le format AAAA-MM-JJ.") from exc


def _int(value: str | None, default: int, low: int, high: int, what: str) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise Invalid(f"Valeur de {what} invalide.") from exc
    if not low <= number <= high:
        raise Invalid(f"{what.capitalize()} hors limites ({low} à {high}).")
    return number


# ---------------------------------------------------------------- participants


def participant_names(archive: Archive) -> list[tuple[str, list[str]]]:
    """The archive's participant names with their folded words (kept ``PARTICIPANTS_TTL`` seconds)."""
    return archive.cached("participants", PARTICIPANTS_TTL, lambda: search_mod.name_index(
        search_mod.participant_names(archive.search_client, archive.prefix)))


def resolve_participant(archive: Archive, value: str) -> list[str]:
    """The archive's names a participant filter means: every word matched, accents and case ignored
    (``martin`` -> ``Alice Martin``); a name typed in full is always among them."""
    names = participant_names(archive)
    found = search_mod.match_participants(value, names)
    if not found:
        found = search_mod.match_participants(value, names, prefix=True)
    return found or [value]


def suggest_participants(archive: Archive, actor: Actor, prefix: str, limit: int = 10) -> list[str]:
    """Names for the participant box as one types (words' starts, accents and case ignored)."""
    archive.require(actor, Permission.SEARCH)
    prefix = clean_line(prefix)[:200]
    if not prefix:
        return []
    found = search_mod.match_participants(prefix, participant_names(archive), prefix=True)
    folded = search_mod.fold(prefix)
    found.sort(key=lambda n: (not search_mod.fold(n).startswith(folded), search_mod.fold(n)))
    return found[:limit]


# ---------------------------------------------------------------- search


def _label_facets(result: SearchResult) -> None:
    for name, values in result.facets.items():
        for value in values:
            if name == "month":
                value.label = month_label(value.value)
            elif name == "language":
                value.label = language_label(value.value)
            else:
                value.label = value.value


def run_search(archive: Archive, actor: Actor, params: SearchParams, *,
               default_view: Literal["meetings", "passages"] = "passages", default_size: int = 20,
               facets: bool = True) -> SearchResult:
    """Search (or, in the meetings view without a query, browse) the redacted archive; audited as ``search``.

    The meetings view groups passages by meeting (each with its best passages and its count); without
    a query it lists meetings, newest first. The passages view lists passages one by one.
    """
    archive.require(actor, Permission.SEARCH)
    try:
        request, view = params.request(default_view=default_view, default_size=default_size)
        request.facets = facets
        if params.participant:
            participant = _filter(params.participant)
            if participant:
                request.participants = resolve_participant(archive, participant)
        request.group = view == "meetings"
        if request.group and not search_mod.parse_query(request.q):
            result = search_mod.browse(archive.search_client, archive.prefix, request)
        else:
            result = search_mod.search(archive.search_client, archive.prefix, request,
                                       request_cache=archive.settings.search_request_cache)
    except QueryError as exc:
        raise Invalid(str(exc)) from exc
    except search_mod.SearchUnavailable as exc:
        raise Unavailable(str(exc)) from exc
    _label_facets(result)
    details: dict[str, Any] = dict(params.as_query())
    details["total"] = result.total
    if result.total_meetings is not None:
        details["meetings"] = result.total_meetings
    archive.record(actor, "search", details=details)
    return result
