"""Splitting a text message into the parts a phone network carries.

A single SMS holds 140 bytes. Text that fits the GSM 03.38 alphabet is packed in 7-bit
units: 160 of them in one message; a long text goes out as a concatenated message whose
parts each lose 7 units to the header that tells the phone how to join them, so 153 per
part. Characters of the GSM extension table (``^ { } \\ [ ] ~ | €`` and form feed) are an
escape plus the character: they count 2. Any character outside the alphabet (Chinese,
emoji, most accented letters) makes the whole message UCS-2: 70 UTF-16 code units
alone, 67 per part.

Parts are cut between grapheme clusters (what a reader sees as one character: a flag,
an emoji with a skin tone or a variation selector, a family joined by zero-width
joiners, a letter with combining accents), never inside one, so no part ends in half a
surrogate pair or half an emoji. Grapheme clusters come from the `regex` module's
``\\X`` (Unicode's extended grapheme clusters, UAX #29), kept up to date with Unicode.
Only a single cluster longer than a whole part (a pathological run of combining marks)
is cut inside, between code points, still never inside a surrogate pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# (single message, each part of a concatenated message), in units of the encoding
LIMITS: dict[str, tuple[int, int]] = {GSM7: (160, 153), UCS2: (70, 67)}

# GSM 03.38 basic character set (the escape 0x1B itself is not text).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
# The extension table: sent as escape + character, so 2 units each.
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True, slots=True)
class SmsParts:
    """How a text goes out: its encoding, its parts, and its length in that encoding's
    units (septets for GSM-7, UTF-16 code units for UCS-2)."""

    encoding: str
    parts: tuple[str, ...]
    units: int

    @property
    def count(self) -> int:
        """How many messages the network carries (and a gateway usually bills)."""
        return len(self.parts)


def is_gsm7(text: str) -> bool:
    """True when every character of `text` is in the GSM 03.38 alphabet or its
    extension table."""
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def units(text: str, encoding: str) -> int:
    """The length of `text` in `encoding`'s units: septets (extension characters 2) or
    UTF-16 code units (a character beyond the Basic Multilingual Plane 2)."""
    if encoding == GSM7:
        return sum(2 if c in GSM_EXTENSION else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def graphemes(text: str) -> list[str]:
    """`text` as extended grapheme clusters (UAX #29)."""
    return _GRAPHEME.findall(text)


def split_sms(text: str) -> SmsParts:
    """Split `text` into SMS parts (see the module docstring). An empty text is one
    empty part."""
    encoding = GSM7 if is_gsm7(text) else UCS2
    single, per_part = LIMITS[encoding]
    total = units(text, encoding)
    if total <= single:
        return SmsParts(encoding, (text,), total)
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for cluster in graphemes(text):
        size = units(cluster, encoding)
        pieces = [cluster] if size <= per_part else list(cluster)  # code points: rare
        for piece in pieces:
            size = units(piece, encoding)
            if used + size > per_part and current:
                parts.append("".join(current))
                current, used = [], 0
            current.append(piece)
            used += size
    if current:
        parts.append("".join(current))
    return SmsParts(encoding, tuple(parts), total)
