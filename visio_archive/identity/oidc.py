"""OpenID Connect relying party (ProConnect, or the development Keycloak).

* Discovery (``/.well-known/openid-configuration``) and keys (``jwks_uri``) come from the configured
  issuer only: the document must name exactly that issuer, and every endpoint it lists must be on
  the issuer's own origin (scheme, host, port), over HTTPS unless the issuer is on loopback. This is
  the sovereignty rule: the only identity traffic goes to the configured provider.
* Login is the authorization code flow with PKCE (S256), ``state`` and ``nonce``
  (:meth:`OIDCClient.authorization_request`, :meth:`OIDCClient.exchange`), built on Authlib's OAuth 2
  client (its requests integration); the ID token is checked with joserfc: signature against the
  provider's JWKS (asymmetric algorithms only), ``iss``, ``aud``, ``azp``, ``exp``, ``nbf``, ``iat``, ``nonce``.
* API bearer tokens from the same provider are JWTs checked the same way, with the configured
  audience (:meth:`OIDCClient.verify_access_token`).
* Claims are read as ProConnect sends them: ``sub``, ``email``, ``given_name``, ``usual_name``,
  ``uid``, ``siret``, ``idp_id`` (from the ID token, completed by the userinfo endpoint, which
  ProConnect answers with a signed JWT and Keycloak with JSON), plus a configurable groups claim.
* RP-initiated logout: :meth:`OIDCClient.end_session_url`.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic import BaseModel, Field, SecretStr

from visio_archive.identity.access import Claims

SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class OIDCConfig(BaseModel):
    """What the relying party needs to know (built from :class:`visio_archive.settings.Settings`)."""

    issuer: str
    client_id: str
    client_secret: SecretStr
    redirect_url: str
    post_logout_url: str | None = None
    scopes: str = "openid email given_name usual_name siret idp_id"
    acr_values: str | None = None
    groups_claim: str | None = "groups"
    audience: str | None = None  # expected "aud" of API bearer tokens; default: the client id
    leeway: int = Field(default=10, ge=0, le=300)  # seconds of clock skew allowed on exp/nbf/iat
    timeout: float = 5.0
    metadata_ttl: float = 3600.0
    jwks_min_refresh: float = 30.0  # an unknown "kid" refetches the keys at most this often

    @property
    def api_audience(self) -> str:
        return self.audience or self.client_id


class OIDCError(Exception):
    """A login or token was refused. ``reason`` is for the audit log; ``message`` is safe to show."""

    def __init__(self, reason: str, message: str = "La connexion a échoué ; recommencez.") -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


class ProviderUnavailable(OIDCError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason, "Le service d'identité ne répond pas ; réessayez dans un instant.")


class ProviderMetadata(BaseModel):
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None
    end_session_endpoint: str | None = None


class Identity(BaseModel):
    """A person as the provider describes them."""

    issuer: str
    sub: str
    email: str | None = None
    email_verified: bool | None = None
    given_name: str | None = None
    usual_name: str | None = None
    uid: str | None = None
    siret: str | None = None
    idp_id: str | None = None
    groups: list[str] = Field(default_factory=list)

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.given_name, self.usual_name) if p)
        return name or self.email or self.sub

    def access_claims(self) -> Claims:
        return Claims(sub=self.sub, email=self.email, email_verified=self.email_verified, siret=self.siret,
                      groups=self.groups)


class AuthorizationRequest(BaseModel):
    url: str
    state: str
    nonce: str
    code_verifier: str


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def check_issuer_url(issuer: str) -> None:
    """HTTPS, or plain HTTP on loopback only (the development Keycloak)."""
    scheme, host, _ = _origin(issuer)
    if scheme == "https" and host:
        return
    if scheme == "http" and host in _LOOPBACK:
        return
    raise OIDCError("issuer not https", f"L'émetteur OIDC {issuer!r} doit être en https (ou sur 127.0.0.1).")


def _segment(part: str) -> dict[str, Any]:
    data = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a JWT *without* checking anything (to route and to log, never to trust)."""
    try:
        header, payload, _ = token.split(".")
        return _segment(header), _segment(payload)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise OIDCError("malformed token", "Jeton illisible.") from exc


def _str(value: Any) -> str | None:
    return value.strip()[:320] if isinstance(value, str) and value.strip() else None


def identity_from_claims(issuer: str, claims: dict[str, Any], groups_claim: str | None) -> Identity:
    sub = _str(claims.get("sub"))
    if sub is None:
        raise OIDCError("no sub claim")
    groups_value = claims.get(groups_claim) if groups_claim else None
    if isinstance(groups_value, str):
        groups = [groups_value]
    elif isinstance(groups_value, list):
        groups = [g for g in groups_value if isinstance(g, str)][:200]
    else:
        groups = []
    verified = claims.get("email_verified")
    return Identity(
        issuer=issuer, sub=sub, email=_str(claims.get("email")),
        email_verified=verified if isinstance(verified, bool) else None,
        given_name=_str(claims.get("given_name")), usual_name=_str(claims.get("usual_name")),
        uid=_str(claims.get("uid")), siret=_str(claims.get("siret")), idp_id=_str(claims.get("idp_id")),
        groups=[g.strip().lstrip("/") for g in groups if g.strip()],
    )


class OIDCClient:
    """The archive as an OpenID Connect relying party and resource server of one provider."""

    def __init__(self, config: OIDCConfig, http: httpx.Client | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        check_issuer_url(config.issuer)
        self.config = config
        self.issuer = config.issuer.rstrip("/")
        self._http = http or httpx.Client(timeout=config.timeout, follow_redirects=False, trust_env=False)
        self._clock = clock
        self._lock = threading.Lock()
        self._metadata: ProviderMetadata | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._keys_at = 0.0

    # ------------------------------------------------------------ provider documents

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"GET {url}: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise ProviderUnavailable(f"GET {url}: HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise ProviderUnavailable(f"GET {url}: not JSON") from exc
        if not isinstance(data, dict):
            raise ProviderUnavailable(f"GET {url}: not a JSON object")
        return data

    def _check_endpoint(self, name: str, url: str | None) -> None:
        if url is None:
            return
        if _origin(url) != _origin(self.issuer):
            raise OIDCError(f"{name} {url} is not on the issuer's origin",
                            "Le service d'identité annonce une adresse étrangère ; connexion refusée.")

    def metadata(self) -> ProviderMetadata:
        with self._lock:
            if self._metadata is not None and self._clock() - self._metadata_at < self.config.metadata_ttl:
                return self._metadata
        data = self._get_json(self.issuer + "/.well-known/openid-configuration")
        try:
            meta = ProviderMetadata.model_validate(data)
        except ValueError as exc:
            raise ProviderUnavailable(f"discovery document incomplete: {exc}") from exc
        if meta.issuer.rstrip("/") != self.issuer:
            raise OIDCError(f"discovery names issuer {meta.issuer!r}", "Le service d'identité est mal configuré.")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint",
                     "end_session_endpoint"):
            self._check_endpoint(name, getattr(meta, name))
        with self._lock:
            self._metadata, self._metadata_at = meta, self._clock()
        return meta

    def keys(self, refresh: bool = False) -> KeySet:
        with self._lock:
            fresh = self._keys is not None and (
                not refresh or self._clock() - self._keys_at < self.config.jwks_min_refresh)
            if fresh and self._keys is not None:
                return self._keys
        data = self._get_json(self.metadata().jwks_uri)
        signing = {"keys": [k for k in data.get("keys", []) if isinstance(k, dict) and k.get("use", "sig") == "sig"]}
        try:
            keyset = KeySet.import_key_set(signing)  # type: ignore[arg-type]
        except (JoseError, ValueError, KeyError, TypeError) as exc:
            raise ProviderUnavailable(f"unusable JWKS: {exc}") from exc
        with self._lock:
            self._keys, self._keys_at = keyset, self._clock()
        return keyset

    # ------------------------------------------------------------ JWT checks

    def _verify(self, token: str, *, audience: str, nonce: str | None = None, kind: str) -> dict[str, Any]:
        header, _ = unverified_parts(token)
        alg = header.get("alg")
        if alg not in SIGNING_ALGORITHMS:
            raise OIDCError(f"{kind}: algorithm {alg!r} not accepted", "Jeton refusé.")
        kid = header.get("kid")
        keyset = self.keys()
        if kid is not None and not any(k.kid == kid for k in keyset):
            keyset = self.keys(refresh=True)  # the provider may have rotated its keys
        try:
            decoded = jwt.decode(token, keyset, algorithms=[alg])
        except JoseError as exc:
            raise OIDCError(f"{kind}: {type(exc).__name__} ({exc})", "Jeton refusé.") from exc
        except ValueError as exc:  # joserfc: no key for this token
            raise OIDCError(f"{kind}: {exc}", "Jeton refusé.") from exc
        claims = decoded.claims
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": audience},
            "sub": {"essential": True},
        }
        if kind != "userinfo":  # a signed userinfo answer need not expire (OIDC Core 5.3.2); tokens must
            options["exp"] = {"essential": True}
        if kind == "id_token":
            options["iat"] = {"essential": True}
        if nonce is not None:
            options["nonce"] = {"essential": True, "value": nonce}
        registry = jwt.JWTClaimsRegistry(now=lambda: int(self._clock()), leeway=self.config.leeway, **options)
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise OIDCError(f"{kind}: {type(exc).__name__} ({exc})", "Jeton refusé.") from exc
        aud = claims.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and kind == "id_token" and claims.get("azp") != self.config.client_id:
            raise OIDCError("id_token: azp is not our client", "Jeton refusé.")
        return claims

    def verify_id_token(self, token: str, nonce: str) -> dict[str, Any]:
        return self._verify(token, audience=self.config.client_id, nonce=nonce, kind="id_token")

    def verify_access_token(self, token: str) -> Identity:
        """An API bearer token (JWT) from the provider, for this archive; raises OIDCError."""
        claims = self._verify(token, audience=self.config.api_audience, kind="access_token")
        if str(claims.get("typ", "Bearer")).lower() not in ("bearer", "at+jwt"):
            raise OIDCError(f"access_token: typ {claims.get('typ')!r} is not an access token", "Jeton refusé.")
        return identity_from_claims(self.issuer, claims, self.config.groups_claim)

    # ------------------------------------------------------------ login

    def _oauth(self) -> OAuth2Session:
        session = OAuth2Session(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret.get_secret_value(),
            scope=self.config.scopes,
            redirect_uri=self.config.redirect_url,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
        )
        session.trust_env = False  # no proxy from the environment: the provider is reached directly
        return session

    def authorization_request(self) -> AuthorizationRequest:
        meta = self.metadata()
        state, nonce, verifier = generate_token(43), generate_token(43), generate_token(64)
        extra: dict[str, str] = {"nonce": nonce}
        if self.config.acr_values:
            extra["acr_values"] = self.config.acr_values
        with self._oauth() as oauth:
            url, _ = oauth.create_authorization_url(meta.authorization_endpoint, state=state,
                                                    code_verifier=verifier, **extra)
        return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)

    def exchange(self, code: str, *, nonce: str, code_verifier: str) -> tuple[Identity, str, str | None]:
        """Code -> (identity, ID token, access token): the token request, then every check."""
        meta = self.metadata()
        if not code or len(code) > 4096:
            raise OIDCError("no or oversized code")
        try:
            with self._oauth() as oauth:
                token = oauth.fetch_token(meta.token_endpoint, grant_type="authorization_code", code=code,
                                          code_verifier=code_verifier, timeout=self.config.timeout)
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"token endpoint: {type(exc).__name__}") from exc
        except Exception as exc:  # Authlib raises OAuthError subclasses for error answers
            raise OIDCError(f"token endpoint refused the code: {exc}") from exc
        return self.identity_from_tokens(token, nonce=nonce)

    def identity_from_tokens(self, token: dict[str, Any], *, nonce: str) -> tuple[Identity, str, str | None]:
        """The checks after the token request: the ID token (and its ``acr`` when one was asked for),
        then userinfo when the ID token carries no e-mail."""
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise OIDCError("no id_token in the token response")
        claims = self.verify_id_token(id_token, nonce)
        if self.config.acr_values and claims.get("acr") not in self.config.acr_values.split():
            # ProConnect: the level of assurance asked for must be the one obtained.
            raise OIDCError(f"id_token: acr {claims.get('acr')!r} is not one of {self.config.acr_values!r}",
                            "Le niveau d'authentification obtenu n'est pas celui demandé ; recommencez.")
        access_token = token.get("access_token") if isinstance(token.get("access_token"), str) else None
        if access_token and self.metadata().userinfo_endpoint and not claims.get("email"):
            claims = {**self.userinfo(access_token, claims["sub"]), **claims}
        return identity_from_claims(self.issuer, claims, self.config.groups_claim), id_token, access_token

    def userinfo(self, access_token: str, sub: str) -> dict[str, Any]:
        """The userinfo claims (JSON, or a JWT signed by the provider as ProConnect sends them)."""
        meta = self.metadata()
        if meta.userinfo_endpoint is None:
            return {}
        try:
            response = self._http.get(meta.userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"})
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"userinfo: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise OIDCError(f"userinfo: HTTP {response.status_code}")
        if response.headers.get("content-type", "").split(";")[0].strip() == "application/jwt":
            claims = self._verify(response.text.strip(), audience=self.config.client_id, kind="userinfo")
        else:
            claims = response.json()
        if not isinstance(claims, dict) or claims.get("sub") != sub:
            raise OIDCError("userinfo sub differs from the ID token's")
        return claims

    def end_session_url(self, id_token_hint: str | None, state: str | None = None) -> str | None:
        """Where to send the browser to end the provider's session too (None: provider has no such endpoint)."""
        try:
            meta = self.metadata()
        except OIDCError:
            return None
        if meta.end_session_endpoint is None:
            return None
        params = {"client_id": self.config.client_id}
        if id_token_hint:
            params["id_token_hint"] = id_token_hint
        if self.config.post_logout_url:
            params["post_logout_redirect_uri"] = self.config.post_logout_url
        if state:
            params["state"] = state
        sep = "&" if "?" in meta.end_session_endpoint else "?"
        return meta.end_session_endpoint + sep + urlencode(params)
