"""Camera stream URLs: which are accepted, and how their credentials are taken out.

A camera's URL often carries a secret: `rtsp://admin:pa55@10.0.0.7/stream1`, or a token
in the query (`https://cam.example/live?token=...`). The secret never enters the event
log, the tables, the logs, `camera list` or an error message: `split_credentials` gives
the URL with every secret replaced by `***` (what Beacon records and shows) and whether
there was any (the full URL then goes to the secrets store, `core.cameras.secrets`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from core.errors import ValidationError

MASK = "***"
SCHEMES = ("rtsp", "http", "https", "udp", "file", "demo")
MAX_URL_LEN = 2000
# Query parameters whose value is a credential (compared without case); also any name
# ending in one of SECRET_SUFFIXES (access_token, api_key, x-auth, ...).
SECRET_PARAMS = frozenset({
    "token", "key", "auth", "password", "pass", "passwd", "pwd", "signature", "sig",
    "secret", "credential", "credentials", "apikey", "session", "sessionid", "jwt",
    "authorization", "user", "username", "login"})
SECRET_SUFFIXES = ("token", "key", "secret", "password", "passwd", "signature", "auth")
# userinfo before a host, in text that may not even parse as a URL: up to the LAST '@'
# (a password may hold '@' or even '/'), so no piece of a password survives.
_USERINFO_RE = re.compile(r"(//)\S*@")
_PARAM_RE = re.compile(r"([?&;])([^=&;#\s]+)=([^&;#\s]*)")


@dataclass(frozen=True, slots=True)
class SplitUrl:
    """A checked URL: `masked` (safe to record and show) and whether secrets were cut."""

    masked: str
    has_secret: bool


def is_secret_param(name: str) -> bool:
    """Whether a query parameter's value is a credential, by its name."""
    low = name.strip().lower()
    return low in SECRET_PARAMS or low.endswith(SECRET_SUFFIXES)


def mask_text(text: str) -> str:
    """`text` with anything that looks like a URL credential replaced by `***`.

    Works on any text, even a URL too broken to parse, so an error message can quote
    what was typed without repeating a password."""
    text = _USERINFO_RE.sub(lambda m: m.group(1) + MASK + "@", text)
    return _PARAM_RE.sub(lambda m: (m.group(1) + m.group(2) + "=" + MASK
                                    if is_secret_param(m.group(2)) else m.group(0)), text)


def _problem(url: str, reason: str, field: str) -> ValidationError:
    shown = mask_text(url)
    if len(shown) > 120:
        shown = shown[:117] + "..."
    return ValidationError(f"bad camera URL {shown!r}: {reason}", field=field)


def split_credentials(url: object, field: str = "url") -> SplitUrl:
    """Check a stream URL and take its credentials out.

    Accepted: rtsp, http, https, udp, file and demo (`demo://<camera id>`, the demo's
    local test streams) URLs, with a host (except file:, which needs a path) and a valid
    port. Raises `ValidationError` naming what is wrong; the message never holds a
    secret of the URL.
    """
    if not isinstance(url, str):
        raise ValidationError(f"{field} must be text", field=field)
    url = url.strip()
    if not url:
        raise ValidationError("a camera needs a stream URL", field=field)
    if len(url) > MAX_URL_LEN:
        raise _problem(url, f"longer than {MAX_URL_LEN} characters", field)
    if any(ord(c) < 33 or ord(c) == 127 or 0x80 <= ord(c) < 0xA0 for c in url):
        raise _problem(url, "it holds spaces or control characters (percent-encode them)",
                       field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        # (the parser's own message can quote a piece of the password: not repeated)
        raise _problem(url, "its host or port cannot be read (a port is a number "
                            "from 1 to 65535)", field) from None
    scheme = parts.scheme.lower()
    if not scheme or "://" not in url:
        raise _problem(url, "no scheme: write it in full, e.g. rtsp://host/stream "
                            f"(one of {', '.join(s + '://' for s in SCHEMES)})", field)
    if scheme not in SCHEMES:
        raise _problem(url, f"scheme {scheme!r} is not one Beacon plays (one of "
                            f"{', '.join(SCHEMES)})", field)
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise _problem(url, "a file URL names an absolute path: file:///path/to/clip",
                           field)
    elif not parts.hostname:
        raise _problem(url, "no host", field)
    if "@" in parts.path:
        # A password holding an unencoded '/' would otherwise end up in the path, and
        # in the log: refuse rather than guess.
        raise _problem(url, "an '@' after the host: percent-encode the user name and "
                            "password ('@' as %40, '/' as %2F)", field)
    if port == 0:
        raise _problem(url, "port 0 is not a port", field)
    # Already masked userinfo (`***@`, as recorded) is no secret.
    # An empty one (`udp://@239.0.0.1:1234`, VLC's multicast form) is none either.
    has_secret = (parts.username not in (None, "", MASK)) or bool(parts.password)
    netloc = parts.netloc
    if has_secret:
        netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        masked_pairs = []
        for name, value in pairs:
            if is_secret_param(name) and value and value != MASK:
                has_secret = True
                masked_pairs.append((name, MASK))
            else:
                masked_pairs.append((name, value))
        if any(m != p for m, p in zip(masked_pairs, pairs, strict=True)):
            query = urlencode(masked_pairs, safe="*/:,", quote_via=quote)
    masked = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return SplitUrl(masked=masked, has_secret=has_secret)


def check_masked(url: str, field: str = "url") -> str:
    """A URL as recorded: valid, and with no credential left in it (else
    `ValidationError`). What the commands accept, so nothing can log a secret."""
    split = split_credentials(url, field)
    if split.has_secret:
        raise ValidationError("the camera URL still holds credentials: they go to the "
                              "secrets store, never into the log", field=field)
    return split.masked
