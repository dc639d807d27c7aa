"""The centre's checkpoint signing key (Ed25519), kept in a file outside the database.

Where it lives, first match wins: `--key FILE`, the environment variable
`BEACON_CHECKPOINT_KEY`, else `checkpoint.key` beside the settings file (see
`core.settings.settings_path`). The private key is PEM (PKCS #8, unencrypted) with file
mode 0600; its public half is written beside it as `<name>.pub` for copying to the
machines (or the paper) that verify.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from core.audit import KEY_ENV, KEY_FILE_NAME
from core.errors import UserError

__all__ = ["KEY_ENV", "KEY_FILE_NAME", "SigningKey", "create_key", "key_path", "load_key"]


def key_path(cli_value: str | Path | None = None) -> Path:
    """Where the signing key is (it need not exist): `--key`, the environment, default."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env).expanduser()
    from core.settings import settings_path

    return settings_path().parent / KEY_FILE_NAME


def public_key_path(private: Path) -> Path:
    """The public half's file beside the private key: `checkpoint.key` -> `checkpoint.pub`."""
    return private.with_suffix(".pub")


def raw_public(public: Ed25519PublicKey) -> bytes:
    """The 32 bytes of a public key."""
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    """A short fingerprint of a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(raw_public(public)).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> str:
    """A public key as PEM text."""
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_from_b64(text: str) -> Ed25519PublicKey:
    """A public key from its base64 raw form (as a checkpoint file embeds it)."""
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an Ed25519 public key: {exc}") from None


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A loaded private key and where it came from."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def public(self) -> Ed25519PublicKey:
        """Its public half."""
        return self.private.public_key()

    @property
    def id(self) -> str:
        """Its fingerprint (see `key_id`)."""
        return key_id(self.public)

    def sign(self, message: bytes) -> bytes:
        """An Ed25519 signature of `message`."""
        return self.private.sign(message)


def create_key(path: Path) -> SigningKey:
    """Make a new key at `path` (mode 0600) and its public half beside it.

    Refuses to replace an existing key: checkpoints signed with it would no longer
    verify against the configured key.
    """
    if path.exists():
        raise UserError(f"a checkpoint key exists already at {path}: a new one would not "
                        "verify the checkpoints signed with it (move it away first)")
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise UserError(f"cannot create the checkpoint key {path}: "
                        f"{exc.strerror or exc}") from None
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    os.chmod(path, 0o600)  # whatever the umask said
    public_key_path(path).write_text(public_pem(private.public_key()), encoding="ascii")
    return SigningKey(private, path)


def load_key(path: Path) -> SigningKey:
    """The private key at `path`; a missing or unreadable file raises `UserError`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"no checkpoint key at {path}: make one with "
                        "'beacon audit key create'") from None
    except OSError as exc:
        raise UserError(f"cannot read the checkpoint key {path}: "
                        f"{exc.strerror or exc}") from None
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise UserError(f"{path} is not a checkpoint key (PEM Ed25519 private key): "
                        f"{str(exc).splitlines()[0] if str(exc) else 'unreadable'}") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise UserError(f"{path} is not an Ed25519 key")
    return SigningKey(private, path)


def load_or_create_key(path: Path) -> tuple[SigningKey, bool]:
    """The key at `path`, made first when there is none; True when it was just made."""
    if path.exists():
        return load_key(path), False
    return create_key(path), True


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file (a private key file gives its public half)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the public key {path}: {exc.strerror or exc}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        try:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError):
            raise UserError(f"{path} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UserError(f"{path} is not an Ed25519 public key")
    return key


def signature_valid(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """True when `signature` is `public`'s signature of `message`."""
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True
