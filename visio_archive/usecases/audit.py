"""The audit log for auditors: filtered, paginated, exportable as CSV (admins only)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from pydantic import BaseModel

from visio_archive.audit import AuditEntry, AuditPage, AuditQuery
from visio_archive.auth import Permission
from visio_archive.cleantext import clean_line
from visio_archive.french import action_label, format_datetime, role_label
from visio_archive.usecases.context import Actor, Archive, Invalid

CATEGORIES = {"sensitive": "Actions sensibles", "routine": "Recherches et consultations", "all": "Tout"}
MAX_PAGE = 500
CSV_LIMIT = 100_000


class AuditFilters(BaseModel):
    """Raw filters from a URL (strings), validated by :meth:`query`."""

    actor: str | None = None
    action: str | None = None
    category: str | None = None
    meeting: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    client: str | None = None
    page: str | int | None = None
    size: str | int | None = None

    @classmethod
    def from_mapping(cls, values: Any) -> AuditFilters:
        return cls(actor=values.get("actor") or None, action=values.get("action") or None,
                   category=values.get("category") or None, meeting=values.get("meeting") or None,
                   date_from=values.get("from") or None, date_to=values.get("to") or None,
                   client=values.get("client") or None, page=values.get("page") or None,
                   size=values.get("size") or None)

    def as_query(self) -> dict[str, str]:
        pairs = {"actor": self.actor, "action": self.action, "category": self.category, "meeting": self.meeting,
                 "from": self.date_from, "to": self.date_to, "client": self.client, "page": self.page,
                 "size": self.size}
        return {k: str(v) for k, v in pairs.items() if v not in (None, "")}

    def query(self, default_category: str = "sensitive") -> AuditQuery:
        category = self.category or (default_category if not self.action else "all")
        if category not in CATEGORIES:
            raise Invalid("Catégorie inconnue : sensitive, routine ou all.")
        return AuditQuery(
            actor=_text(self.actor), actions=[a for a in (_text(self.action) or "").split(",") if a] or None,
            category=category, meeting_id=_text(self.meeting), date_from=_day(self.date_from, "de début"),
            date_to=_day(self.date_to, "de fin"), client=_text(self.client),
        )

    def bounds(self, default_size: int = 50) -> tuple[int, int]:
        size = _number(self.size, default_size, 1, MAX_PAGE, "taille de page")
        page = _number(self.page, 1, 1, 100_000, "page")
        return (page - 1) * size, size


def _text(value: str | None) -> str | None:
    return clean_line(value)[:200] or None if value else None


def _day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise Invalid(f"Date {what} invalide : utilisez le format AAAA-MM-JJ.") from exc


def _number(value: str | int | None, default: int, low: int, high: int, what: str) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise Invalid(f"Valeur de {what} invalide.") from exc
    if not low <= number <= high:
        raise Invalid(f"{what.capitalize()} hors limites ({low} à {high}).")
    return number


def read_audit(archive: Archive, actor: Actor, filters: AuditFilters, *, default_category: str = "sensitive",
               default_size: int = 50, offset: int | None = None, limit: int | None = None) -> AuditPage:
    """One page of the audit log, newest first (``offset``/``limit`` override the filters' page/size)."""
    archive.require(actor, Permission.AUDIT_READ)
    page_offset, page_limit = filters.bounds(default_size)
    offset = page_offset if offset is None else offset
    limit = page_limit if limit is None else limit
    query = filters.query(default_category)
    return archive.audit.query(query, offset=offset, limit=limit)


def chain_intact(archive: Archive, actor: Actor) -> bool:
    archive.require(actor, Permission.AUDIT_READ)
    return archive.audit.verify_chain()


def details_text(entry: AuditEntry) -> str:
    """``clé : valeur ; …`` (what the page and the CSV show: no JSON escapes)."""
    parts = []
    for key, value in entry.details.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{key} : {clean_line(str(value))}")
    return " ; ".join(parts)


def audit_csv(archive: Archive, actor: Actor, filters: AuditFilters) -> bytes:
    """Every matching entry (up to 100,000), newest first, as CSV (UTF-8 with BOM, ';' separated, as
    French spreadsheets expect); audited as ``audit_export``."""
    archive.require(actor, Permission.AUDIT_READ)
    query = filters.query(default_category="all")
    page = archive.audit.query(query, limit=CSV_LIMIT)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["horodatage (UTC)", "date (Paris)", "utilisateur", "rôle", "action", "libellé", "réunion",
                     "adresse du client", "détails"])
    for e in page.entries:
        writer.writerow([e.ts.isoformat(), format_datetime(e.ts), _cell(e.actor), e.role or "", e.action,
                         action_label(e.action), e.meeting_id or "", e.client or "", _cell(details_text(e))])
    archive.record(actor, "audit_export", details={"rows": len(page.entries), **filters.as_query()})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: str) -> str:
    # A cell starting with = + - @ would be read as a formula by spreadsheets (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


__all__ = ["CATEGORIES", "AuditFilters", "audit_csv", "chain_intact", "details_text", "read_audit",
           "role_label"]
