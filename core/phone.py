"""Callback numbers as the centre writes them, by its locale setting (`core.settings`).

A centre in mainland China (locale `zh-CN`) writes numbers as its call-takers say
them: a mobile `+86 138 1234 5678`, a landline `+86 10 6543 2100` (area code, then the
local number). Every other centre, and a zh-CN centre for a number from abroad, writes
E.164, the international form with no spaces (`+358401234567`): unambiguous for
anyone who dials it back and for any system it is passed to.

A number typed in the national form (`138 1234 5678`, `010 6543 2100`, `040 123 4567`)
is read in the country of the centre's locale; `+` or `00` starts an international one.
What cannot be read as a phone number (letters, too few or too many digits) is kept as
given: a call-taker's note of a number is never thrown away.
"""

from __future__ import annotations

import random
import re

DEFAULT_LOCALE = "zh-CN"
# Country calling codes of the regions a locale may name (ITU-T E.164 assignments).
COUNTRY_CODES: dict[str, str] = {
    "CN": "86", "HK": "852", "MO": "853", "TW": "886", "SG": "65", "JP": "81", "KR": "82",
    "FI": "358", "SE": "46", "NO": "47", "DK": "45", "IS": "354", "EE": "372",
    "DE": "49", "AT": "43", "CH": "41", "FR": "33", "BE": "32", "NL": "31", "LU": "352",
    "GB": "44", "IE": "353", "IT": "39", "ES": "34", "PT": "351", "PL": "48",
    "US": "1", "CA": "1", "AU": "61", "NZ": "64", "IN": "91",
}
_LOCALE_RE = re.compile(r"^([a-zA-Z]{2,3})[-_]([a-zA-Z]{2})$")
_SEPARATORS = re.compile(r"[\s\-.()/]")


def parse_locale(text: str) -> str:
    """A locale as `ll-CC` (`zh_cn` -> `zh-CN`); `ValueError` naming what is wrong when
    it has no region or the region's calling code is not known here."""
    m = _LOCALE_RE.match(text.strip())
    if not m:
        raise ValueError(f"locale {text!r} is not language-REGION, e.g. zh-CN or fi-FI")
    locale = f"{m.group(1).lower()}-{m.group(2).upper()}"
    if m.group(2).upper() not in COUNTRY_CODES:
        raise ValueError(f"locale {locale}: no calling code known for region "
                         f"{m.group(2).upper()} (known: {', '.join(sorted(COUNTRY_CODES))})")
    return locale


def to_e164(number: str, locale: str = DEFAULT_LOCALE) -> str | None:
    """The number in E.164 (`+8613812345678`), or None when it is not a phone number."""
    s = _SEPARATORS.sub("", number.strip())
    if s.startswith("+"):
        digits = s[1:]
    elif s.startswith("00"):
        digits = s[2:]
    else:
        cc = COUNTRY_CODES[parse_locale(locale).split("-")[1]]
        trunk = "1" if cc == "1" else "0"  # the national prefix dialled before the area
        digits = cc + (s[1:] if s.startswith(trunk) and len(s) > 1 else s)
    if not digits.isdigit() or not 8 <= len(digits) <= 15 or digits[0] == "0":
        return None
    return "+" + digits


def format_callback(number: str, locale: str = DEFAULT_LOCALE) -> str:
    """The number as this centre writes it (see the module docstring); "" stays ""."""
    if not number.strip():
        return ""
    e164 = to_e164(number, locale)
    if e164 is None:
        return number.strip()
    if parse_locale(locale) == "zh-CN" and e164.startswith("+86"):
        n = e164[3:]
        if len(n) == 11 and n[0] == "1":  # mobile: 1xx xxxx xxxx
            return f"+86 {n[:3]} {n[3:7]} {n[7:]}"
        area = 2 if n.startswith(("10", "2")) else 3  # Beijing, and the 02x cities
        local = n[area:]
        if len(local) >= 7:
            return f"+86 {n[:area]} {local[:-4]} {local[-4:]}"
    return e164


def invented_mobile(rng: random.Random, locale: str = DEFAULT_LOCALE,
                    country: str = "CN") -> str:
    """A made-up mobile number of `country` for demo and drill callers, written as the
    centre writes numbers (draws two numbers from `rng`, whatever the locale)."""
    a, b = rng.randrange(1000, 9999), rng.randrange(1000, 9999)
    national = {"CN": f"138{a}{b}", "FI": f"040{a}{b}"[:10]}.get(country, f"{a}{b}")
    cc = COUNTRY_CODES[country]
    return format_callback(f"+{cc}{national.lstrip('0')}", locale)


def describe_format(locale: str) -> str:
    """How numbers are written at a centre of `locale`, in one line (for an import or a
    set-up to say)."""
    if parse_locale(locale) == "zh-CN":
        return ("as in mainland China (+86 138 1234 5678, landlines +86 10 6543 2100); "
                "numbers from abroad in E.164")
    cc = COUNTRY_CODES[parse_locale(locale).split("-")[1]]
    return f"in E.164 (+{cc}401234567); numbers typed without + are read as +{cc}"
