"""Encryption at rest for 公民身份号码 and 手机号码.

AES-256-GCM with a random 96-bit nonce per value; a keyed HMAC-SHA256 (key derived from the same
master key by HKDF) gives a stable digest for uniqueness and exact lookup without storing the
number in clear. The master key comes from DANGJIAN_DATA_KEY (base64 of 32 bytes); without it a
development key is generated once into var/ (git-ignored) so that a fresh clone just works.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_PREFIX = "v1:"


@lru_cache(maxsize=1)
def _master_key() -> bytes:
    raw = os.environ.get("DANGJIAN_DATA_KEY")
    if not raw:
        path = settings.VAR_DIR / "dev-data.key"
        if not path.exists():
            path.write_text(base64.b64encode(os.urandom(32)).decode())
            path.chmod(0o600)
        raw = path.read_text().strip()
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError:
        raise ImproperlyConfigured("DANGJIAN_DATA_KEY 必须是 32 字节密钥的 base64 编码") from None
    if len(key) != 32:
        raise ImproperlyConfigured("DANGJIAN_DATA_KEY 必须是 32 字节密钥的 base64 编码")
    return key


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(_master_key())


@lru_cache(maxsize=1)
def _aead() -> AESGCM:
    return AESGCM(_derive(b"dangjian personal data encryption"))


@lru_cache(maxsize=1)
def _hash_key() -> bytes:
    return _derive(b"dangjian personal data lookup hash")


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    nonce = os.urandom(12)
    sealed = _aead().encrypt(nonce, plaintext.encode(), None)
    return _PREFIX + base64.b64encode(nonce + sealed).decode()


def encrypt_many(plaintexts: list[str]) -> list[str]:
    """``encrypt`` of each value (a bulk import's): the random nonces drawn in one call, the cipher
    object looked up once. Every value still gets its own fresh 96-bit nonce."""
    aead, b64 = _aead().encrypt, base64.b64encode
    nonces = os.urandom(12 * len(plaintexts))
    out = []
    for i, plaintext in enumerate(plaintexts):
        if not plaintext:
            out.append("")
            continue
        nonce = nonces[12 * i:12 * i + 12]
        out.append(_PREFIX + b64(nonce + aead(nonce, plaintext.encode(), None)).decode())
    return out


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("unknown ciphertext version")
    blob = base64.b64decode(token[len(_PREFIX):])
    return _aead().decrypt(blob[:12], blob[12:], None).decode()


def lookup_hash(value: str) -> str:
    """Keyed digest of a normalised value; equal numbers give equal digests, nothing else leaks."""
    if not value:
        return ""
    return hmac.digest(_hash_key(), value.strip().upper().encode(), "sha256").hex()


def lookup_hash_many(values: list[str]) -> list[str]:
    """``lookup_hash`` of each value (a bulk import's): the key looked up once, one C call a value."""
    key, digest = _hash_key(), hmac.digest
    return [digest(key, value.strip().upper().encode(), "sha256").hex() if value else "" for value in values]


def mask_id_number(value: str) -> str:
    """4199**********0019: region prefix and the last four, as the masking rule shows them."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# --- Model properties over the stored columns ---------------------------------------------------
# A model keeps ``<name>_encrypted`` (and, when looked up, ``<name>_hash``); ``<name>`` is a plain
# Python property (so Model(<name>=...) works), the clear value only ever held in memory.

def encrypted_property(name: str, *, hashed: bool = True, empty_if_none: bool = False) -> property:
    """``<name>``: decrypts ``<name>_encrypted``; setting it encrypts the value and, when ``hashed``,
    writes ``<name>_hash`` (lookup_hash). ``empty_if_none``: None (or "") is stored as ""."""
    encrypted_attr, hash_attr = f"{name}_encrypted", f"{name}_hash"

    def get(self) -> str:
        return decrypt(getattr(self, encrypted_attr))

    def set(self, value: str) -> None:
        if empty_if_none:
            value = value or ""
        setattr(self, encrypted_attr, encrypt(value))
        if hashed:
            setattr(self, hash_attr, lookup_hash(value))

    return property(get, set, doc=f"{name} (stored encrypted in {encrypted_attr})")


def masked_property(name: str, mask) -> property:
    """``<name>_masked``: the decrypted ``<name>`` through ``mask`` (mask_id_number, mask_phone)."""
    return property(lambda self: mask(getattr(self, name)), doc=f"{name}, masked")
