"""Rules for text that comes from outside (forms, files, field units, plugins).

Two dangers, two rules, one place:

- text no database can store (`storable_text`);
- text that takes over a terminal or misleads a reader: C0 and C1 control characters
  (an escape sequence can move the cursor, recolour or rewrite a line already printed),
  bidirectional overrides (they reorder what is shown, so "abc" can read "cba") and
  zero-width characters (two names that look the same but differ). Names refuse them
  (`check_name`); free text refuses them too except line breaks and tabs
  (`check_free_text`); and whatever Beacon prints to a terminal goes through
  `terminal_safe`, so text stored before these rules cannot forge a line either.
"""

from __future__ import annotations

import re

from core.errors import ValidationError

# C0 controls and DEL, C1 controls, bidirectional embeddings, overrides and isolates,
# zero-width space/joiners, word joiner, and the BOM (zero-width no-break space).
_OTHER = "\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff"
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHER}]")
# Notes may keep their layout: tab, line feed and (from Windows forms) carriage return.
_UNSAFE_IN_NOTES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHER}]")
# A terminal shows a note's tabs and line feeds; a carriage return could overwrite a line.
_UNSAFE_ON_SCREEN = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHER}]")


def storable_text(value: str) -> bool:
    """False for text no database can store: a NUL (PostgreSQL refuses it) or an
    unpaired surrogate (neither database can encode it)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unsafe_character(value: str, *, multiline: bool = False) -> str | None:
    """The first control, bidirectional or zero-width character in `value`, or None.
    With `multiline`, line feeds, carriage returns and tabs are allowed."""
    m = (_UNSAFE_IN_NOTES if multiline else _UNSAFE).search(value)
    return m.group() if m else None


def _refuse(value: str, field: str, multiline: bool) -> None:
    bad = unsafe_character(value, multiline=multiline)
    if bad is not None:
        raise ValidationError(
            f"{field} holds a control, bidirectional or zero-width character "
            f"(U+{ord(bad):04X}); {'only line breaks and tabs are' if multiline else 'none is'}"
            " allowed", field=field)


def check_name(value: str, field: str) -> str:
    """`value` if it is fit for a name (one line, no control, bidirectional or
    zero-width character); otherwise a `ValidationError` naming `field`."""
    _refuse(value, field, multiline=False)
    return value


def check_free_text(value: str, field: str) -> str:
    """`value` if it is fit for a free-text note: line breaks and tabs are allowed,
    other control, bidirectional and zero-width characters are a `ValidationError`."""
    _refuse(value, field, multiline=True)
    return value


def _visible(m: re.Match[str]) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def terminal_safe(text: object, *, multiline: bool = False) -> str:
    """`str(text)` fit to print: every control, bidirectional and zero-width character
    is shown as its escape (ESC as `\\x1b`, U+202E as `\\u202e`), so it can neither
    drive the terminal nor hide. With `multiline`, line feeds and tabs pass."""
    s = str(text)
    pattern = _UNSAFE_ON_SCREEN if multiline else _UNSAFE
    return pattern.sub(_visible, s) if pattern.search(s) else s


def terminal_safe_json(line: str) -> str:
    """A JSON text fit to print: the characters `terminal_safe` escapes are written as
    JSON escapes (`\\u009b`), so the line still decodes to the same value."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)
