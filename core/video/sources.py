"""Which decoder plays a camera's URL, and checking the URL before anyone tries.

Two decoders feed Beacon's tiles (both decode into our own buffers, no native window):

- **libvlc** (python-vlc, video callbacks) for http(s)://, udp://, rtp:// and files.
- **PyAV** (FFmpeg's own clients, shipped inside the `av` wheel) for rtsp://, which
  Debian's libvlc cannot open (it is built without live555).

The choice follows measurement (docs/video.md): on HTTP both decode at the same CPU, but
PyAV's Python decoding threads stall the GUI thread several times longer, so libvlc plays
all it can open; on RTSP only PyAV plays here. `choose_decoder` is the
one place that decides; a tile says which one it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

LIBVLC = "libvlc"
PYAV = "pyav"
DECODERS = (LIBVLC, PYAV)

VLC_SCHEMES = {"http", "https", "udp", "rtp", "file", "mms", "mmsh"}
AV_SCHEMES = {"rtsp", "rtsps", "rtmp"}
DEMO_SCHEME = "demo"


class BadStreamUrl(ValueError):
    """A camera URL that no decoder can try; the message says what is wrong with it."""


@dataclass(frozen=True)
class StreamChoice:
    """A playable URL and the decoder that plays it (`transport` for RTSP: tcp or udp)."""

    url: str
    decoder: str
    transport: str = ""


def mask_url(url: str) -> str:
    """`url` with any password or user name replaced by *** (for tiles and messages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unreadable address)"
    if parts.username is None and parts.password is None:
        if "token=" in (parts.query or "").lower():
            return parts._replace(query="***").geturl()
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    masked: SplitResult = parts._replace(netloc=f"***@{host}")
    if "token=" in (parts.query or "").lower():
        masked = masked._replace(query="***")
    return masked.geturl()


def scrub(text: str, url: str) -> str:
    """`text` (an error message) with `url`'s credentials masked wherever they appear."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return text
    text = text.replace(url, mask_url(url))
    userinfo = parts.netloc.rpartition("@")[0]
    if userinfo:
        text = text.replace(userinfo + "@", "***@")
    if parts.password and len(parts.password) >= 3:  # a 1-letter one would mangle words
        text = text.replace(parts.password, "***")
    return text


def check_url(url: str) -> SplitResult:
    """Parse a camera URL, or raise `BadStreamUrl` saying why it cannot be played."""
    text = (url or "").strip()
    if not text:
        raise BadStreamUrl("no stream address")
    if any(ch.isspace() for ch in text):
        raise BadStreamUrl("the address contains a space")
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a port that is not a number or out of range
    except ValueError as exc:
        raise BadStreamUrl(f"malformed address ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme == "" and text.startswith("/"):
        return urlsplit(Path(text).as_uri())
    if scheme == DEMO_SCHEME:
        if not (parts.netloc or parts.path.strip("/")):
            raise BadStreamUrl("a demo address needs a camera id (demo://CAMERA)")
        return parts
    if scheme not in VLC_SCHEMES | AV_SCHEMES:
        raise BadStreamUrl(f"unsupported kind of address {scheme + '://' if scheme else text!r}"
                           " (rtsp, http, https, udp, rtp or a file)")
    if scheme != "file" and not parts.hostname and scheme not in {"udp", "rtp"}:
        raise BadStreamUrl("the address has no host")
    del port
    return parts


def choose_decoder(url: str, rtsp_transport: str = "tcp") -> StreamChoice:
    """The decoder for `url` (raises `BadStreamUrl` when there is none).

    RTSP goes to PyAV over `rtsp_transport` (tcp by default: it passes firewalls and
    NAT; "udp" where a camera only offers that, or a `?transport=udp` on the URL).
    """
    parts = check_url(url)
    scheme = parts.scheme.lower()
    if scheme in AV_SCHEMES:
        # Beacon's own `transport=tcp|udp` is taken off the query: it is not the camera's.
        transport = rtsp_transport
        kept = []
        for pair in parts.query.split("&") if parts.query else []:
            key, _, value = pair.partition("=")
            if key.lower() == "transport" and value.lower() in {"tcp", "udp"}:
                transport = value.lower()
            else:
                kept.append(pair)
        return StreamChoice(parts._replace(query="&".join(kept)).geturl(), PYAV, transport)
    return StreamChoice(parts.geturl(), LIBVLC)
