"""Keys derived from ``settings.redaction_key`` and the encrypted pseudonym mapping.

* HMAC key: HKDF-SHA256(redaction_key, salt="visio-archive/redaction/hmac", info="pseudonym-hmac-v1").
* Mapping: AES-256-GCM; key = HKDF-SHA256(redaction_key, salt=<16 random bytes per blob>,
  info="visio-archive/redaction/mapping-v1").  Blob = b"VRM1" + salt + nonce(12) + ciphertext;
  the 4-byte header and the salt are authenticated as associated data.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

if TYPE_CHECKING:
    from visio_archive.settings import Settings

__all__ = ["decrypt_mapping", "encrypt_mapping", "hmac_key"]

MAGIC = b"VRM1"


def _secret(settings_or_key: Settings | str | bytes) -> bytes:
    if isinstance(settings_or_key, bytes):
        return settings_or_key
    if isinstance(settings_or_key, str):
        return settings_or_key.encode()
    return settings_or_key.redaction_key.get_secret_value().encode()


def _hkdf(secret: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def hmac_key(settings_or_key: Settings | str | bytes) -> bytes:
    return _hkdf(_secret(settings_or_key), b"visio-archive/redaction/hmac", b"pseudonym-hmac-v1")


def encrypt_mapping(mapping: dict[str, Any], settings_or_key: Settings | str | bytes) -> bytes:
    salt = os.urandom(16)
    nonce = os.urandom(12)
    key = _hkdf(_secret(settings_or_key), salt, b"visio-archive/redaction/mapping-v1")
    plain = json.dumps(mapping, ensure_ascii=False, sort_keys=True).encode()
    return MAGIC + salt + nonce + AESGCM(key).encrypt(nonce, plain, MAGIC + salt)


def decrypt_mapping(blob: bytes, settings_or_key: Settings | str | bytes) -> dict[str, Any]:
    """The pseudonym mapping; raises ``ValueError`` on a wrong key or a tampered blob."""
    from cryptography.exceptions import InvalidTag

    if len(blob) < 4 + 16 + 12 + 16 or blob[:4] != MAGIC:
        raise ValueError("not a visio-archive redaction mapping")
    salt, nonce, ct = blob[4:20], blob[20:32], blob[32:]
    key = _hkdf(_secret(settings_or_key), salt, b"visio-archive/redaction/mapping-v1")
    try:
        plain = AESGCM(key).decrypt(nonce, ct, MAGIC + salt)
    except InvalidTag as exc:
        raise ValueError("mapping cannot be decrypted: wrong redaction key or altered data") from exc
    result: dict[str, Any] = json.loads(plain)
    return result
