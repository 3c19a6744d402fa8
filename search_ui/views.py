"""Presentation helpers for the templates: links that keep the search, filter chips, page numbers,
French formatting filters. No business logic: values come from the use cases."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from visio_archive import french
from visio_archive.search import SearchResult
from visio_archive.usecases.search import PAGE_SIZES, SORT_LABELS, SearchParams


def _month_end(month: str) -> str:
    year, mon = (int(x) for x in month.split("-")[:2])
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1).isoformat()


def _day(value: str | None) -> str:
    try:
        return french.format_day(date.fromisoformat(value or ""))
    except ValueError:
        return value or ""


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20 (None stands for the ellipsis)."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    out: list[int | None] = []
    for number in shown:
        if out and isinstance(out[-1], int) and number - out[-1] > 1:
            out.append(None)
        out.append(number)
    return out


def search_links(params: SearchParams, result: SearchResult | None) -> dict[str, Any]:
    query = params.as_query()

    def url(**changes: Any) -> str:
        values = dict(query)
        if "page" not in changes:
            values.pop("page", None)
        for key, value in changes.items():
            key = {"date_from": "from", "date_to": "to"}.get(key, key)
            if value in (None, ""):
                values.pop(key, None)
            else:
                values[key] = str(value)
        return "/?" + urlencode(values) if values else "/"

    chips: list[dict[str, str]] = []
    if params.date_from:
        chips.append({"label": f"Du {_day(params.date_from)}", "url": url(date_from=None)})
    if params.date_to:
        chips.append({"label": f"Au {_day(params.date_to)}", "url": url(date_to=None)})
    if params.participant:
        chips.append({"label": f"Participant : {params.participant}", "url": url(participant=None)})
    if params.title:
        chips.append({"label": f"Titre : {params.title}", "url": url(title=None)})
    if params.series:
        chips.append({"label": f"Série : {params.series}", "url": url(series=None)})
    if params.language:
        chips.append({"label": f"Langue : {french.language_label(params.language)}", "url": url(language=None)})
    if params.meeting:
        chips.append({"label": f"Réunion : {params.meeting}", "url": url(meeting=None)})
    if params.sort and params.sort != "relevance":
        chips.append({"label": f"Tri : {SORT_LABELS.get(params.sort, params.sort)}", "url": url(sort=None)})
    clear: dict[str, str] = {k: v for k, v in query.items() if k in ("q", "view", "size")}
    return {
        "url": url,
        "chips": chips,
        "clear_url": "/?" + urlencode(clear) if clear else "/",
        "page_numbers": page_numbers(result.page, result.pages) if result else [],
        "page_sizes": PAGE_SIZES,
        "sort_labels": SORT_LABELS,
        "month_url": lambda month: url(date_from=f"{month}-01", date_to=_month_end(month)),
        "view": (params.view or "meetings"),
    }


def install_filters(env: Any) -> None:
    env.filters["fr_datetime"] = french.format_datetime
    env.filters["fr_day"] = lambda v: french.format_day(v) if v else ""
    env.filters["fr_time"] = french.format_time
    env.filters["month_label"] = french.month_label
    env.filters["language_label"] = french.language_label
    env.filters["role_label"] = french.role_label
    env.filters["action_label"] = french.action_label
    env.globals["plural"] = french.plural
