"""Colour arithmetic for checking the palette: CIEDE2000 and colour-vision-deficiency
simulation. Pure Python, no Qt, so the palette's test and its tuning script need no GUI.

- `delta_e_2000(lab1, lab2)`: the CIEDE2000 colour difference, as given by Sharma, Wu
  and Dalal, "The CIEDE2000 color-difference formula: implementation notes,
  supplementary test data, and mathematical observations" (2005).
- `simulate(hex, kind)`: how a colour looks to a person with protanopia or
  deuteranopia, by the matrices of Machado, Oliveira and Fernandes, "A physiologically-
  based model for simulation of color vision deficiency" (2009), severity 1.0, applied
  to linear RGB (not to gamma-encoded sRGB values, which would exaggerate the shift).
"""

from __future__ import annotations

import math

Lab = tuple[float, float, float]
RGB = tuple[float, float, float]

# Machado et al. 2009, severity 1.0: rows map linear (R, G, B) to the simulated linear RGB.
MACHADO: dict[str, tuple[RGB, RGB, RGB]] = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
}

# sRGB (D65) to CIE XYZ, and the D65 white point, for Lab.
_RGB_TO_XYZ = ((0.4124564, 0.3575761, 0.1804375),
               (0.2126729, 0.7151522, 0.0721750),
               (0.0193339, 0.1191920, 0.9503041))
_WHITE = (0.95047, 1.0, 1.08883)


def hex_to_rgb(colour: str) -> RGB:
    """"#rrggbb" (or "#rrggbbaa", alpha ignored) as sRGB values from 0 to 1."""
    text = colour.lstrip("#")
    if len(text) not in (6, 8):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return tuple(int(text[k:k + 2], 16) / 255.0 for k in (0, 2, 4))  # type: ignore[return-value]


def to_linear(c: float) -> float:
    """One sRGB channel (0..1) to linear light."""
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _apply(matrix: tuple[RGB, RGB, RGB], v: RGB) -> RGB:
    return tuple(sum(m * x for m, x in zip(row, v, strict=True))  # type: ignore[return-value]
                 for row in matrix)


def linear_to_lab(rgb: RGB) -> Lab:
    """Linear sRGB (clipped to 0..1) to CIE L*a*b* (D65)."""
    clipped = tuple(min(1.0, max(0.0, c)) for c in rgb)
    xyz = _apply(_RGB_TO_XYZ, clipped)  # type: ignore[arg-type]

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, _WHITE, strict=True))
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def lab(colour: str, vision: str = "normal") -> Lab:
    """The L*a*b* of `colour` as seen with `vision` ("normal" or a key of `MACHADO`)."""
    linear: RGB = tuple(to_linear(c) for c in hex_to_rgb(colour))  # type: ignore[assignment]
    if vision != "normal":
        linear = _apply(MACHADO[vision], linear)
    return linear_to_lab(linear)


def delta_e_2000(lab1: Lab, lab2: Lab) -> float:
    """CIEDE2000 difference of two L*a*b* colours (kL = kC = kH = 1)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    elif h2p - h1p > 180:
        dh = h2p - h1p - 360
    else:
        dh = h2p - h1p + 360
    dH = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_bar = (h1p + h2p + 360) / 2
    else:
        hp_bar = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hp_bar - 30))
         + 0.24 * math.cos(math.radians(2 * hp_bar))
         + 0.32 * math.cos(math.radians(3 * hp_bar + 6))
         - 0.20 * math.cos(math.radians(4 * hp_bar - 63)))
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dH / s_h) ** 2
                     + r_t * (dc / s_c) * (dH / s_h))


def difference(colour1: str, colour2: str, vision: str = "normal") -> float:
    """CIEDE2000 between two "#rrggbb" colours as a person with `vision` sees them."""
    return delta_e_2000(lab(colour1, vision), lab(colour2, vision))
