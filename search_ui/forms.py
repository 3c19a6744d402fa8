"""Reading a small url-encoded form body with limits (no multipart, no surprises)."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request

from search_ui.errors import HttpProblem

MAX_FORM_BYTES = 16 * 1024


async def read_form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HttpProblem(413, "Formulaire trop volumineux.")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError) as exc:
        raise HttpProblem(400, "Formulaire illisible.") from exc
    return {k: v[0] for k, v in parsed.items()}
