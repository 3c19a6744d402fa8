"""Roles, password and token hashing, signed sessions, users file, audit log."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from visio_archive.audit import AuditLog
from visio_archive.auth import (
    ConfigAuthenticator,
    Permission,
    Role,
    SessionSigner,
    hash_password,
    hash_token,
    user_entry_toml,
    verify_password,
)


def test_password_hashes_are_salted_and_verify() -> None:
    a, b = hash_password("secret pass"), hash_password("secret pass")
    assert a != b and a.startswith("scrypt$")
    assert verify_password("secret pass", a) and not verify_password("wrong", a)
    assert not verify_password("x", "garbage") and not verify_password("x", "scrypt$1$2$3$!!$!!")


def test_role_permissions() -> None:
    from visio_archive.auth import User

    viewer = User("v", Role.VIEWER)
    assert viewer.can(Permission.SEARCH) and viewer.can(Permission.EXPORT)
    assert not viewer.can(Permission.REVEAL) and not viewer.can(Permission.LEGAL_EXPORT)
    assert User("o", Role.RECORDS_OFFICER).can(Permission.REVEAL)
    assert User("l", Role.LEGAL).can(Permission.LEGAL_EXPORT) and not User("l", Role.LEGAL).can(Permission.REVEAL)
    assert all(User("a", Role.ADMIN).can(p) for p in Permission)


def test_users_file_toml_and_json(tmp_path: Path) -> None:
    toml_path = tmp_path / "users.toml"
    toml_path.write_text(user_entry_toml("alice", Role.RECORDS_OFFICER, "pw-alice-123", "tok-1", "Alice M")
                         + "\n" + user_entry_toml("bob", Role.VIEWER, None, "tok-2"))
    auth = ConfigAuthenticator.from_file(toml_path)
    user = auth.authenticate_password("alice", "pw-alice-123")
    assert user is not None and user.role is Role.RECORDS_OFFICER and user.label == "Alice M"
    assert auth.authenticate_password("alice", "nope") is None
    assert auth.authenticate_password("bob", "") is None  # no password set: token only
    assert auth.authenticate_password("nobody", "x") is None
    token_user = auth.authenticate_token("tok-2")
    assert token_user is not None and token_user.username == "bob"
    assert auth.authenticate_token("tok-3") is None

    json_path = tmp_path / "users.json"
    json_path.write_text(json.dumps({"users": {"carol": {"role": "admin", "tokens": [hash_token("t")]}}}))
    assert ConfigAuthenticator.from_file(json_path).authenticate_token("t") is not None
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"users": {"x": {"role": "superuser"}}}))
    with pytest.raises(ValueError):
        ConfigAuthenticator.from_file(bad)


def test_session_cookie_is_signed_and_expires() -> None:
    signer = SessionSigner(b"k" * 32, max_age=60)
    cookie = signer.dumps("alice")
    assert signer.loads(cookie) == "alice"
    body, sig = cookie.split(".")
    assert signer.loads(body + "." + sig[:-2] + "AA") is None
    assert signer.loads("x" + cookie) is None
    assert signer.loads("garbage") is None
    assert SessionSigner(b"j" * 32, 60).loads(cookie) is None
    expired = SessionSigner(b"k" * 32, max_age=-1).dumps("alice")
    assert signer.loads(expired) is None
    assert signer.csrf_token(cookie) != signer.csrf_token(signer.dumps("alice"))
    time.sleep(0)


def test_audit_log_is_append_only_jsonl_with_a_hash_chain(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.log")
    log.record("alice", "reveal", role="records_officer", meeting_id="m1", details={"reason": "PRADA request"})
    log.record("bob", "export", meeting_id="m1", details={"format": "pdf"})
    lines = (tmp_path / "audit.log").read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["action"] == "reveal"
    assert [e.actor for e in log.tail()] == ["bob", "alice"]
    assert log.tail(action="reveal")[0].details["reason"] == "PRADA request"
    assert log.verify_chain()
    (tmp_path / "audit.log").write_text(lines[1] + "\n")  # someone deleted the first line
    assert not log.verify_chain()


def test_module_level_record_for_flows(tmp_path: Path) -> None:
    from visio_archive import audit
    from visio_archive.settings import Settings

    audit.record(Settings(state_dir=tmp_path), actor="flow", action="erase", meeting_id="m9", detail={"n": 1})
    assert AuditLog.in_state_dir(tmp_path).tail()[0].meeting_id == "m9"
