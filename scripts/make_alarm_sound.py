"""Write resources/sounds/alarm.wav: the console's alarm, two short alternating tones.

Made here rather than downloaded, so its licence is the project's. Run it again only to
change the sound: `python scripts/make_alarm_sound.py`.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "alarm.wav"


def tone(freq: float, seconds: float, volume: float = 0.6) -> list[int]:
    """A sine tone with 10 ms fades (no clicks)."""
    n = int(RATE * seconds)
    fade = int(RATE * 0.01)
    out = []
    for i in range(n):
        envelope = min(1.0, i / fade, (n - i) / fade)
        out.append(int(32767 * volume * envelope * math.sin(2 * math.pi * freq * i / RATE)))
    return out


def main() -> None:
    samples: list[int] = []
    for _ in range(3):  # hi-lo, three times: 1.2 s in all
        samples += tone(988.0, 0.18) + tone(740.0, 0.18) + [0] * int(RATE * 0.04)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(OUT), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack(f"<{len(samples)}h", *samples))


if __name__ == "__main__":
    main()
