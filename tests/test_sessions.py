"""Server-held sessions, the access table, login throttling and bounded hashing (no services)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from visio_archive.auth import AuthSettings, Role, hash_password, hash_token, user_entry_toml
from visio_archive.identity.access import AccessError, AccessRule, AccessTable, Claims, Grant, decide
from visio_archive.identity.service import IdentityService, LoginRefused
from visio_archive.identity.sessions import SessionStore
from visio_archive.identity.throttle import BoundedHasher, HashingBusy, LoginThrottle, ThrottlePolicy
from visio_archive.settings import Settings

# ---------------------------------------------------------------- session store


def test_session_cookie_is_random_and_only_its_hash_is_stored(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    cookie, session = store.create(subject="alice", method="password", role="viewer", address="127.0.0.1")
    assert len(cookie) >= 40 and session.id_hash != cookie
    assert cookie.encode() not in (tmp_path / "s.db").read_bytes()
    got = store.get(cookie)
    assert got is not None and got.subject == "alice" and got.csrf == session.csrf
    assert store.get(cookie + "x") is None and store.get("") is None
    other_cookie, other = store.create(subject="alice", method="password", role="viewer")
    assert other.csrf != session.csrf and other_cookie != cookie


def test_logout_ends_the_session_for_every_process(tmp_path: Path) -> None:
    one, two = SessionStore(tmp_path / "s.db"), SessionStore(tmp_path / "s.db")  # two workers
    cookie, _ = one.create(subject="alice", method="oidc", role="viewer", id_token="idt")
    assert two.get(cookie) is not None
    revoked = one.revoke(cookie)
    assert revoked is not None and revoked.id_token == "idt"
    assert two.get(cookie) is None and one.revoke(cookie) is None


def test_idle_and_absolute_timeouts(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db", idle=60, absolute=300, touch_every=1)
    t0 = 1_000_000.0
    cookie, _ = store.create(subject="a", method="password", role="viewer", now=t0)
    assert store.get(cookie, now=t0 + 59) is not None           # used: idle clock restarts
    assert store.get(cookie, now=t0 + 59 + 59) is not None
    assert store.get(cookie, now=t0 + 59 + 59 + 61) is None     # idle for 61 s: gone
    assert store.get(cookie, now=t0 + 59) is None                # and deleted, not just hidden
    cookie, _ = store.create(subject="a", method="password", role="viewer", now=t0)
    for t in range(50, 300, 50):
        assert store.get(cookie, now=t0 + t) is not None
    assert store.get(cookie, now=t0 + 301) is None               # absolute limit despite activity


def test_revoke_by_subject_and_email(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    a1, _ = store.create(subject="sub-a", method="oidc", role="viewer", email="A@x.gouv.fr")
    a2, _ = store.create(subject="sub-a", method="oidc", role="viewer", email="a@x.gouv.fr")
    b, _ = store.create(subject="sub-b", method="oidc", role="viewer", email="b@x.gouv.fr")
    assert store.revoke_subject("sub-a") == 2
    assert store.get(a1) is None and store.get(a2) is None and store.get(b) is not None
    assert store.revoke_where(email="B@X.GOUV.FR", method="oidc") == 1 and store.get(b) is None


def test_pending_login_is_usable_once_and_expires(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db", pending_ttl=600)
    store.put_pending("state-1", {"nonce": "n"}, now=1000.0)
    assert store.pop_pending("state-1", now=1001.0) == {"nonce": "n"}
    assert store.pop_pending("state-1", now=1001.0) is None
    store.put_pending("state-2", {"nonce": "n"}, now=1000.0)
    assert store.pop_pending("state-2", now=1601.0) is None


# ---------------------------------------------------------------- access table


def _rule(kind: str, value: str, grant: str) -> AccessRule:
    return AccessRule(kind=kind, value=value, grant=Grant(grant))


def test_most_specific_rule_decides() -> None:
    rules = [
        _rule("domain", "culture.gouv.fr", "viewer"),
        _rule("siret", "11004601800013", "legal"),
        _rule("group", "archive-records-officers", "records_officer"),
        _rule("email", "camille.durand@culture.gouv.fr", "admin"),
    ]
    camille = Claims(sub="s1", email="Camille.Durand@culture.gouv.fr", email_verified=True,
                     siret="11004601800013", groups=["archive-records-officers"])
    assert decide(rules, camille).role is Role.ADMIN
    assert decide(rules, camille.model_copy(update={"email": "other@culture.gouv.fr"})).role is Role.RECORDS_OFFICER
    assert decide(rules, Claims(sub="s2", email="x@culture.gouv.fr", siret="11004601800013")).role is Role.LEGAL
    assert decide(rules, Claims(sub="s3", email="y@culture.gouv.fr")).role is Role.VIEWER
    assert decide(rules, Claims(sub="s4", email="y@interieur.gouv.fr")).role is None
    # An address the provider says it did not verify counts for nothing (neither e-mail nor domain).
    assert decide(rules, Claims(sub="s5", email="camille.durand@culture.gouv.fr", email_verified=False)).role is None


def test_none_rule_blocks_and_groups_take_the_strongest_role() -> None:
    rules = [_rule("domain", "culture.gouv.fr", "viewer"), _rule("sub", "blocked", "none"),
             _rule("group", "g-view", "viewer"), _rule("group", "g-admin", "admin")]
    assert decide(rules, Claims(sub="blocked", email="a@culture.gouv.fr")).role is None
    assert decide(rules, Claims(sub="x", groups=["g-view", "g-admin"])).role is Role.ADMIN


def test_access_table_file_is_reread_when_changed(tmp_path: Path) -> None:
    table, other_process = AccessTable(tmp_path / "access.json"), AccessTable(tmp_path / "access.json")
    claims = Claims(sub="s", email="camille.durand@culture.gouv.fr", email_verified=True)
    assert other_process.decide(claims).role is None
    table.set("email", " Camille.Durand@Culture.gouv.fr ", Grant.RECORDS_OFFICER, actor="admin")
    assert other_process.decide(claims).role is Role.RECORDS_OFFICER
    assert table.generation == 1
    removed = table.remove("email", "camille.durand@culture.gouv.fr")
    assert removed is not None and removed.grant is Grant.RECORDS_OFFICER
    assert other_process.decide(claims).role is None
    assert table.remove("email", "camille.durand@culture.gouv.fr") is None
    assert json.loads((tmp_path / "access.json").read_text())["generation"] == 2


def test_access_table_refuses_bad_values_and_a_broken_file(tmp_path: Path) -> None:
    table = AccessTable(tmp_path / "access.json")
    for kind, value in (("email", "not-an-address"), ("domain", "gouv"), ("siret", "123"), ("sub", "  ")):
        with pytest.raises(AccessError):
            table.set(kind, value, Grant.VIEWER, actor="t")  # type: ignore[arg-type]
    (tmp_path / "access.json").write_text("{broken")
    with pytest.raises(AccessError, match="illisible"):
        table.decide(Claims(sub="s"))


# ---------------------------------------------------------------- throttle and hashing


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_throttle_delays_grow_and_never_lock_for_good() -> None:
    clock = _Clock()
    throttle = LoginThrottle(ThrottlePolicy(pair_free=3, pair_max_delay=8), clock=clock)
    for _ in range(3):
        assert throttle.attempt("alice", "10.0.0.1").allowed
    verdict = throttle.attempt("alice", "10.0.0.1")
    assert not verdict.allowed and verdict.key == "pair" and verdict.retry_after == pytest.approx(1.0)
    assert throttle.attempt("alice", "10.0.0.2").allowed  # the colleague at another address is not locked out
    waits = []
    for _ in range(6):
        verdict = throttle.attempt("alice", "10.0.0.1")
        clock.now += verdict.retry_after
        assert throttle.attempt("alice", "10.0.0.1").allowed
        waits.append(verdict.retry_after)
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]  # doubling, capped
    throttle.success("alice", "10.0.0.1")
    assert throttle.attempt("alice", "10.0.0.1").allowed


def test_throttle_counts_concurrent_attempts_before_they_fail() -> None:
    throttle = LoginThrottle(ThrottlePolicy(pair_free=5))
    allowed = sum(throttle.attempt("bob", "1.2.3.4").allowed for _ in range(30))
    assert allowed == 5


def test_throttle_per_account_across_addresses_is_capped() -> None:
    clock = _Clock()
    throttle = LoginThrottle(ThrottlePolicy(pair_free=100, account_free=10, account_max_delay=60), clock=clock)
    for i in range(10):
        assert throttle.attempt("carol", f"10.0.{i}.1").allowed
    verdict = throttle.attempt("carol", "10.9.9.9")
    assert not verdict.allowed and verdict.key == "account"
    for _ in range(20):  # an attacker keeps going: the wait never exceeds the cap
        clock.now += 61
        throttle.attempt("carol", "10.0.0.1")
    verdict = throttle.attempt("carol", "10.9.9.9")
    assert verdict.allowed or verdict.retry_after <= 60


def test_bounded_hasher_refuses_at_once_when_saturated() -> None:
    hasher = BoundedHasher(concurrency=1, max_waiting=1, wait_timeout=5)
    gate, started = threading.Event(), threading.Event()

    def slow() -> int:
        started.set()
        gate.wait(5)
        return 1

    results: list[object] = []
    first = threading.Thread(target=lambda: results.append(hasher.run(slow)))
    first.start()
    started.wait(5)
    second = threading.Thread(target=lambda: results.append(hasher.run(lambda: 2)))
    second.start()
    time.sleep(0.1)  # second now waits for the slot
    t0 = time.monotonic()
    with pytest.raises(HashingBusy):
        hasher.run(lambda: 3)
    assert time.monotonic() - t0 < 0.5
    gate.set()
    first.join(5)
    second.join(5)
    assert sorted(results) == [1, 2]  # type: ignore[type-var]


# ---------------------------------------------------------------- the service, users-file side


def _service(tmp_path: Path, users: str) -> IdentityService:
    (tmp_path / "users.toml").write_text(users)
    auth = AuthSettings(users_file=tmp_path / "users.toml", login_free_attempts=3, token_key="k" * 32)
    return IdentityService.from_settings(Settings(state_dir=tmp_path), auth)


def test_failed_logins_of_every_kind_are_audited_and_throttled(tmp_path: Path) -> None:
    service = _service(tmp_path, user_entry_toml("alice", Role.VIEWER, "right-password-1", None))
    for _ in range(3):
        with pytest.raises(LoginRefused) as info:
            service.password_login("alice", "wrong", "10.0.0.1", kind="basic")
        assert info.value.status == 401
    t0 = time.monotonic()
    with pytest.raises(LoginRefused) as info:
        service.password_login("alice", "right-password-1", "10.0.0.1")
    assert info.value.status == 429 and info.value.retry_after and "Réessayez" in info.value.message
    assert time.monotonic() - t0 < 0.02  # refused without hashing
    with pytest.raises(LoginRefused):
        service.bearer("va_not-a-token", "10.0.0.1")
    with pytest.raises(LoginRefused):
        service.password_login("", "", "10.0.0.1")
    failed = [e for e in service.audit.tail(50) if e.action == "login_failed"]
    kinds = sorted({(e.details["kind"], e.details["reason"].split(" (")[0]) for e in failed})
    assert kinds == [("api_token", "unknown API token"), ("basic", "wrong username or password"),
                     ("form", "empty username or password"), ("form", "throttled")]
    assert len(failed) == 6 and all(e.client == "10.0.0.1" for e in failed)


def test_users_file_edits_end_sessions_at_the_next_request(tmp_path: Path) -> None:
    service = _service(tmp_path, user_entry_toml("alice", Role.RECORDS_OFFICER, "pw-alice-123", None)
                       + user_entry_toml("bob", Role.VIEWER, "pw-bob-1234", None))
    alice = service.password_login("alice", "pw-alice-123", "127.0.0.1")
    bob = service.password_login("bob", "pw-bob-1234", "127.0.0.1")
    cookie_a, _ = service.open_session(alice, "127.0.0.1")
    cookie_b, _ = service.open_session(bob, "127.0.0.1")
    user = service.session_user(cookie_a)
    assert user is not None and user.role is Role.RECORDS_OFFICER and user.csrf
    # alice demoted, bob removed: no restart, both sessions end at their next request
    (tmp_path / "users.toml").write_text(user_entry_toml("alice", Role.VIEWER, "pw-alice-123", None) + "\n")
    assert service.session_user(cookie_a) is None and service.session_user(cookie_b) is None
    assert service.session_user(cookie_a) is None  # and stays ended
    ended = [e for e in service.audit.tail(10) if e.action == "session_ended"]
    assert {e.actor for e in ended} == {"alice", "bob"}
    with pytest.raises(LoginRefused):
        service.password_login("bob", "pw-bob-1234", "127.0.0.1")


def test_api_tokens_use_a_keyed_hash_and_old_entries_still_work(tmp_path: Path) -> None:
    key = b"k" * 32
    keyed = hash_token("va_new", key)
    assert keyed.startswith("hmac-sha256$") and keyed != hash_token("va_new", b"j" * 32)
    users = (f'[users.svc]\nrole = "viewer"\ntokens = ["{keyed}", "{hash_token("va_old")}"]\n'
             f'[users.alice]\nrole = "viewer"\npassword = "{hash_password("x-password-1")}"\n')
    service = _service(tmp_path, users)
    assert service.bearer("va_new", None).username == "svc"
    assert service.bearer("va_old", None).username == "svc"
    with pytest.raises(LoginRefused):
        service.bearer("va_new" + "x", None)


def test_bounded_hasher_rate_limits_hashing_on_average() -> None:
    clock = _Clock()
    hasher = BoundedHasher(concurrency=2, max_waiting=10, rate=2.0, burst=3.0, clock=clock)
    assert [hasher.run(lambda: 1) for _ in range(3)] == [1, 1, 1]  # the burst
    with pytest.raises(HashingBusy):
        hasher.run(lambda: 1)
    clock.now += 0.5  # 2 per second: one more after half a second
    assert hasher.run(lambda: 1) == 1
    with pytest.raises(HashingBusy):
        hasher.run(lambda: 1)
    assert hasher.refused == 2


def test_provider_sessions_follow_the_access_table(tmp_path: Path) -> None:
    from visio_archive.auth import User
    from visio_archive.identity.oidc import Identity

    service = _service(tmp_path, "")
    person = Identity(issuer="https://idp.example", sub="sub-9", email="camille@culture.gouv.fr", email_verified=True,
                      siret="11004601800013")
    service.access.set("domain", "culture.gouv.fr", Grant.VIEWER, actor="t")
    assert service.decide(person).role is Role.VIEWER
    cookie, _ = service.open_session(User("sub-9", Role.VIEWER, "Camille", "oidc", person.email), "10.0.0.1",
                                     identity=person, id_token="idt")
    other, _ = service.open_session(User("sub-9", Role.VIEWER, "Camille", "oidc", person.email), "10.0.0.2",
                                    identity=person, id_token="idt")
    user = service.session_user(cookie)
    assert user is not None and user.role is Role.VIEWER and user.auth_method == "oidc"
    service.access.set("siret", "11004601800013", Grant.LEGAL, actor="t")  # a more specific rule: role changes
    assert service.session_user(cookie) is None
    assert service.revoke_for_rule("siret", "11004601800013") == 0  # not by siret: it ends at the next request
    service.access.set("email", "camille@culture.gouv.fr", Grant.NONE, actor="t")
    assert service.revoke_for_rule("email", "camille@culture.gouv.fr") == 1  # the other session, at once
    assert service.session_user(other) is None
    reasons = [e.details["reason"] for e in service.audit.tail(10) if e.action == "session_ended"]
    assert reasons == ["role changed to legal"]
