"""Reference codes: what a caller is given to follow their report on the public page.

A code is 50 random bits from `secrets` written as ten Crockford base32 symbols, then a
check symbol, grouped for reading aloud: ``7KQ2-M9XD-4T1``. Crockford's alphabet has no
I, L, O or U, so what a caller hears or types is forgiving: `normalise` reads O as 0,
I and L as 1, ignores case, spaces and hyphens. The check symbol (Luhn mod 32) catches
every single mistyped symbol and every swap of two neighbours but one: Luhn cannot see
0 and Z (values 0 and 31) trade places. `new_code` therefore never issues a code with 0
and Z side by side (about 2 % of draws are drawn again, which costs the code less than
0.03 of its 50 bits), so for every code it issues a typo or a swap is told apart from a
wrong code before any lookup (and is not counted as a guess).

Only `code_hash` of a code is stored (the `reference_code_issued` event and the
`reference_codes` table): a copy of the database does not hand out codes. The hash is a
plain SHA-256; 2**50 codes make a brute-force search of a stolen table cost about a day
of a GPU for one code, and a code reveals only a report's status, never a person.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32: digits and letters without I, L, O, U."""

RANDOM_SYMBOLS = 10
"""Random symbols per code (5 bits each: 50 bits)."""

RANDOM_BITS = RANDOM_SYMBOLS * 5
GROUPS = (4, 4, 3)
"""How a code of 11 symbols (10 random, 1 check) is grouped when written."""

_READS_AS = {"O": "0", "I": "1", "L": "1"}
_VALUE = {symbol: n for n, symbol in enumerate(ALPHABET)}


def _check_symbol(symbols: str) -> str:
    """The Luhn mod 32 check symbol of `symbols` (all in `ALPHABET`)."""
    total, factor = 0, 2
    for symbol in reversed(symbols):
        addend = factor * _VALUE[symbol]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def format_code(symbols: str) -> str:
    """Eleven symbols grouped with hyphens (``7KQ2M9XD4T1`` -> ``7KQ2-M9XD-4T1``)."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(symbols[start:start + size])
        start += size
    return "-".join(parts)


# The one swap of neighbours Luhn mod 32 cannot see: the symbols worth 0 and 31.
_BLIND_PAIRS = (ALPHABET[0] + ALPHABET[31], ALPHABET[31] + ALPHABET[0])


def new_code() -> str:
    """A fresh code, grouped for reading aloud (e.g. ``7KQ2-M9XD-4T1``); never one with
    0 and Z side by side, whose swap the check symbol could not catch."""
    while True:
        value = secrets.randbits(RANDOM_BITS)
        symbols = "".join(ALPHABET[(value >> (5 * n)) & 31] for n in range(RANDOM_SYMBOLS))
        code = symbols + _check_symbol(symbols)
        if not any(pair in code for pair in _BLIND_PAIRS):
            return format_code(code)


class CodeProblem(ValueError):
    """What is wrong with a typed code, in words a resident understands.

    `key` names the problem and `params` its values, for pages that say it in another
    language (`core.public.pages`); the message is English.
    """

    def __init__(self, message: str, key: str, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


def normalise(text: str) -> str:
    """The canonical, grouped form of a typed code; `CodeProblem` saying what is wrong.

    Case, spaces and hyphens do not matter; O reads as 0, I and L as 1. A code of the
    wrong length, with a symbol that is not in the alphabet, or whose check symbol does
    not match (a typo) is refused before anything is looked up.
    """
    if not isinstance(text, str):
        raise CodeProblem("a reference code is text", "empty")
    if len(text) > 64:
        raise CodeProblem("that is too long for a reference code", "too_long")
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t")
    cleaned = "".join(_READS_AS.get(ch, ch) for ch in cleaned)
    if not cleaned:
        raise CodeProblem("type the reference code you were given", "empty")
    bad = "".join(sorted({ch for ch in cleaned if ch not in _VALUE}))[:5]
    if bad:
        raise CodeProblem(f"a reference code has no {bad!r}", "symbols", symbols=bad)
    want = RANDOM_SYMBOLS + 1
    if len(cleaned) != want:
        raise CodeProblem(f"a reference code has {want} letters and digits, this has "
                          f"{len(cleaned)}", "length", want=want, got=len(cleaned))
    if _check_symbol(cleaned[:-1]) != cleaned[-1]:
        raise CodeProblem("that code has a typing mistake: check it and try again", "typo")
    return format_code(cleaned)


def is_valid(text: str) -> bool:
    """True when `text` reads as a well-formed code (not whether it was ever issued)."""
    try:
        normalise(text)
    except CodeProblem:
        return False
    return True


def code_hash(code: str) -> str:
    """The stored form of a code (SHA-256 hex of its canonical form).

    `CodeProblem` when `code` is not a well-formed code.
    """
    return hashlib.sha256(normalise(code).encode()).hexdigest()
