"""Identity and access: who is asking (OpenID Connect provider or local users file), what role the
archive gives them (access table), how long they stay signed in (server-held sessions), and how
guessing is slowed (throttle, bounded password hashing). See ``docs/identity.md``.

Modules: :mod:`.oidc` (relying party, JWT/JWKS), :mod:`.access` (access table), :mod:`.sessions`
(session store), :mod:`.throttle` (throttle, bounded hashing), :mod:`.service` (what the web layer
calls), :mod:`.keycloak` (the development identity provider, started like OpenSearch).
"""
