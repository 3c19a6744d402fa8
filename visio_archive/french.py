"""French conventions for what people read: dates in Europe/Paris time, role and language names.

``2 mars 2026, 10 h 00`` (the Imprimerie nationale's hour style, used by French ministries), months
in lower case, no leading zero on the day, ``1er`` for the first day of a month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]

LANGUAGES = {"fr": "français", "en": "anglais", "de": "allemand", "nl": "néerlandais", "es": "espagnol",
             "it": "italien"}

ROLES = {"viewer": "lecteur", "records_officer": "archiviste", "legal": "service juridique",
         "admin": "administrateur"}

ACTIONS = {
    "search": "recherche", "view": "consultation", "reveal": "levée du caviardage", "export": "export",
    "legal_export": "export juridique", "audio_download": "téléchargement audio", "audio": "écoute",
    "login": "connexion", "login_failed": "échec de connexion", "logout": "déconnexion", "denied": "refus",
    "import": "import", "speaker_correction": "correction des intervenants", "audit_export": "export du journal",
    "erase": "effacement", "retention": "conservation", "legal_hold": "gel juridique",
}


def parse_datetime(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def to_paris(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC (what the archive stores)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(PARIS)


def format_day(value: date | datetime) -> str:
    """``2 mars 2026`` (``1er mars 2026``)."""
    if isinstance(value, datetime):
        value = to_paris(value).date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: datetime | str | None, missing: str = "date inconnue") -> str:
    """``2 mars 2026, 10 h 00`` in Paris time."""
    parsed = parse_datetime(value)
    if parsed is None:
        return missing if value is None or isinstance(value, datetime) else str(value)
    local = to_paris(parsed)
    return f"{format_day(local.date())}, {local.hour} h {local.minute:02d}"


def format_time(value: datetime | str | None) -> str:
    """``10 h 00`` (Paris time), '' when unknown."""
    parsed = parse_datetime(value)
    if parsed is None:
        return ""
    local = to_paris(parsed)
    return f"{local.hour} h {local.minute:02d}"


def month_label(key: str) -> str:
    """``2026-03`` -> ``mars 2026`` (unchanged when not of that form)."""
    try:
        year, month = (int(part) for part in key.split("-")[:2])
        return f"{MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return key


def language_label(code: str | None) -> str:
    if not code:
        return "langue inconnue"
    return LANGUAGES.get(code.lower()[:2], code)


def role_label(role: str | None) -> str:
    if not role:
        return ""
    return ROLES.get(role, role)


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 passage``, ``3 passages``, ``1 234 passages`` (French thousands separator: narrow no-break space)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{count:,}".replace(",", "\u202f") + " " + word
