"""One FastAPI router per area: auth (login/logout), search, meetings, audit, api (session, schema)."""
