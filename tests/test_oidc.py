"""The relying party's checks as pure logic: a provider made of a few JSON documents served by an
in-process transport (httpx.MockTransport) and keys generated here. The real provider is exercised by
tests/test_keycloak.py; this module covers the cases a real Keycloak will not produce on demand
(an impostor discovery document, foreign endpoints, key rotation, HMAC and `none` tokens...)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey
from pydantic import SecretStr

from visio_archive.identity.oidc import OIDCClient, OIDCConfig, OIDCError, check_issuer_url

ISSUER = "https://auth.example.gouv.fr/api/v2"


class Provider:
    def __init__(self, issuer: str = ISSUER, **overrides: Any) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.issuer = issuer
        self.discovery: dict[str, Any] = {
            "issuer": issuer, "authorization_endpoint": f"{issuer}/authorize", "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks", "userinfo_endpoint": f"{issuer}/userinfo",
            "end_session_endpoint": f"{issuer}/session/end", **overrides,
        }
        self.jwks_calls = 0
        self.userinfo_sub = "sub-1"

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(200, json=self.discovery)
        if request.url.path.endswith("/jwks"):
            self.jwks_calls += 1
            return httpx.Response(200, json=KeySet([self.key]).as_dict(private=False))
        if request.url.path.endswith("/userinfo") and request.headers.get("authorization") == "Bearer at-1":
            # ProConnect answers userinfo with a JWT signed by the provider
            body = self.token(sub=self.userinfo_sub, email="anne.bernard@interieur.gouv.fr", given_name="Anne",
                              usual_name="Bernard", siret="11000201100044", idp_id="fia1v2", typ=None)
            return httpx.Response(200, content=body, headers={"content-type": "application/jwt; charset=utf-8"})
        return httpx.Response(404)

    def client(self, **config: Any) -> OIDCClient:
        cfg = OIDCConfig(issuer=self.issuer, client_id="visio-archive", client_secret=SecretStr("s"),
                         redirect_url="https://archive.example.gouv.fr/oidc/callback", **config)
        return OIDCClient(cfg, http=httpx.Client(transport=httpx.MockTransport(self.handler)))

    def token(self, key: Any = None, alg: str = "RS256", kid: str | None = "k1", **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": "visio-archive", "sub": "sub-1", "iat": now, "exp": now + 60,
                "typ": "Bearer", **claims}
        header = {"alg": alg, **({"kid": kid} if kid else {})}
        return jwt.encode(header, {k: v for k, v in body.items() if v is not None}, key or self.key, algorithms=[alg])


def test_a_good_token_gives_the_proconnect_claims() -> None:
    provider = Provider()
    identity = provider.client().verify_access_token(provider.token(
        email="a.b@interieur.gouv.fr", given_name="Anne", usual_name="Bernard", siret="11000201100044",
        idp_id="fia1v2", uid="ab123", groups=["/archive-viewers"], email_verified=True))
    assert (identity.sub, identity.email, identity.siret, identity.idp_id, identity.uid) == (
        "sub-1", "a.b@interieur.gouv.fr", "11000201100044", "fia1v2", "ab123")
    assert identity.display_name == "Anne Bernard" and identity.groups == ["archive-viewers"]


# Times are computed when the test runs, not when pytest collects it: a long suite used to reach the
# "not yet valid" case after its nbf had passed.
@pytest.mark.parametrize("claims, fragment", [
    (lambda: {"exp": int(time.time()) - 60}, "ExpiredTokenError"),
    (lambda: {"nbf": int(time.time()) + 600}, "not yet valid"),
    (lambda: {"aud": "another-app"}, "'aud'"),
    (lambda: {"iss": "https://evil.example/api/v2"}, "'iss'"),
    (lambda: {"sub": None}, "sub"),
    (lambda: {"typ": "ID"}, "not an access token"),
], ids=["expired", "not-yet-valid", "audience", "issuer", "subject", "type"])
def test_claims_that_must_be_refused(claims: Callable[[], dict[str, Any]], fragment: str) -> None:
    provider = Provider()
    with pytest.raises(OIDCError) as info:
        provider.client().verify_access_token(provider.token(**claims()))
    assert fragment in info.value.reason


def test_signatures_that_must_be_refused() -> None:
    provider = Provider()
    client = provider.client()
    impostor = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(OIDCError, match="BadSignature"):
        client.verify_access_token(provider.token(key=impostor))
    secret = OctKey.import_key(b"x" * 32)  # HMAC with a shared secret: never accepted from a provider
    with pytest.raises(OIDCError, match="not accepted"):
        client.verify_access_token(provider.token(key=secret, alg="HS256"))
    _header, payload, _ = provider.token().split(".")
    with pytest.raises(OIDCError, match="not accepted"):
        client.verify_access_token(f"eyJhbGciOiJub25lIn0.{payload}.")
    with pytest.raises(OIDCError, match="malformed"):
        client.verify_access_token("not-a-jwt")


def test_rotated_keys_are_fetched_again_but_not_on_every_unknown_kid() -> None:
    provider = Provider()
    client = provider.client(jwks_min_refresh=3600)
    client.verify_access_token(provider.token())
    provider.key = RSAKey.generate_key(2048, parameters={"kid": "k2", "use": "sig"})  # the provider rotates
    client._keys_at -= 7200  # the last fetch is old enough
    assert client.verify_access_token(provider.token(kid="k2")).sub == "sub-1"
    calls = provider.jwks_calls
    for _ in range(5):  # a flood of tokens with made-up kids does not hammer the provider
        with pytest.raises(OIDCError):
            client.verify_access_token(provider.token(kid="made-up"))
    assert provider.jwks_calls == calls


def test_id_token_nonce_and_azp() -> None:
    provider = Provider()
    client = provider.client()
    claims = client.verify_id_token(provider.token(nonce="n-1", typ="ID"), nonce="n-1")
    assert claims["sub"] == "sub-1"
    with pytest.raises(OIDCError, match="nonce"):
        client.verify_id_token(provider.token(nonce="n-2", typ="ID"), nonce="n-1")
    with pytest.raises(OIDCError, match="azp"):
        client.verify_id_token(provider.token(nonce="n-1", aud=["visio-archive", "other"], azp="other"), nonce="n-1")


def test_discovery_is_trusted_for_the_configured_issuer_only() -> None:
    impostor = Provider()
    impostor.discovery["issuer"] = "https://evil.example/api/v2"  # a document that speaks for someone else
    with pytest.raises(OIDCError, match="issuer"):
        impostor.client().metadata()
    foreign = Provider(jwks_uri="https://keys.evil.example/jwks")
    with pytest.raises(OIDCError, match="origin"):
        foreign.client().metadata()
    with pytest.raises(OIDCError):
        check_issuer_url("http://auth.example.gouv.fr/api/v2")  # plain http off loopback
    check_issuer_url("http://127.0.0.1:8180/realms/visio")  # the development Keycloak


def test_authorization_request_has_pkce_state_and_nonce() -> None:
    from urllib.parse import parse_qs, urlsplit

    provider = Provider()
    request = provider.client(acr_values="eidas1").authorization_request()
    query = parse_qs(urlsplit(request.url).query)
    assert request.url.startswith(f"{ISSUER}/authorize?")
    assert query["state"] == [request.state] and query["nonce"] == [request.nonce]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert request.code_verifier not in request.url and query["acr_values"] == ["eidas1"]
    assert query["scope"] == ["openid email given_name usual_name siret idp_id"]
    again = provider.client().authorization_request()
    assert len({request.state, again.state, request.nonce, again.nonce}) == 4


def test_end_session_url() -> None:
    provider = Provider()
    url = provider.client(post_logout_url="https://archive.example.gouv.fr/login?logged_out=1").end_session_url(
        "id.tok.en", state="st")
    assert url is not None and url.startswith(f"{ISSUER}/session/end?")
    assert "id_token_hint=id.tok.en" in url and "state=st" in url and "post_logout_redirect_uri=https%3A" in url


def test_proconnect_style_login_claims_from_a_signed_userinfo_and_the_acr() -> None:
    provider = Provider()
    client = provider.client(acr_values="eidas1")
    id_token = provider.token(nonce="n", typ="ID", acr="eidas1")  # ProConnect's ID token: no e-mail in it
    identity, got_id_token, access = client.identity_from_tokens({"id_token": id_token, "access_token": "at-1"},
                                                                 nonce="n")
    assert got_id_token == id_token and access == "at-1"
    assert (identity.email, identity.siret, identity.idp_id, identity.display_name) == (
        "anne.bernard@interieur.gouv.fr", "11000201100044", "fia1v2", "Anne Bernard")
    with pytest.raises(OIDCError, match="acr"):
        client.identity_from_tokens({"id_token": provider.token(nonce="n", acr="eidas0")}, nonce="n")
    provider.userinfo_sub = "someone-else"  # userinfo about another person: refused
    with pytest.raises(OIDCError, match="userinfo sub"):
        client.identity_from_tokens({"id_token": provider.token(nonce="n", acr="eidas1"), "access_token": "at-1"},
                                    nonce="n")
    with pytest.raises(OIDCError, match="no id_token"):
        client.identity_from_tokens({"access_token": "at-1"}, nonce="n")
