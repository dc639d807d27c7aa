"""The alarm sound: a short bundled WAV played through libvlc (PySide6-Essentials has no
QtMultimedia), or nothing.

`AlarmSound(mode)`: "auto" plays when the machine has an audio output (an ALSA card,
a PulseAudio or PipeWire socket) and is silent otherwise; "off" never plays. The test
machine has no audio device: there libvlc is never even loaded, so nothing can print a
warning. Every play is counted (`plays`), so a test can check that a flood of alarms
made one sound, not twenty, without hearing it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SOUND_FILE = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "alarm.wav"
MODES = ("auto", "off")
NORMAL_VOLUME = 70
LOUD_VOLUME = 100  # escalated alarms at the senior seats


def audio_device_present() -> bool:
    """Whether this machine has somewhere to send sound (checked once per player)."""
    snd = Path("/dev/snd")
    if snd.is_dir() and any(p.name.startswith("pcm") for p in snd.iterdir()):
        return True
    if os.environ.get("PULSE_SERVER"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return bool(runtime) and any((Path(runtime) / name).exists()
                                 for name in ("pulse/native", "pipewire-0"))


def sound_mode(value: str | None = None) -> str:
    """The sound setting: `value`, else `BEACON_ALARM_SOUND`, else "auto"; an unknown
    value is "auto" (an alarm that might sound beats one that certainly does not)."""
    mode = (value or os.environ.get("BEACON_ALARM_SOUND") or "auto").strip().lower()
    if mode not in MODES:
        log.warning("alarm sound %r is not one of %s: using auto", mode, ", ".join(MODES))
        return "auto"
    return mode


class AlarmSound:
    """Plays the alarm once per call, unless muted, off or without an audio device."""

    def __init__(self, mode: str | None = None, *, aout: str | None = None) -> None:
        self.mode = sound_mode(mode)
        self.muted = False
        self.plays = 0  # sounds asked for and not muted (played, or would be)
        self.last_loud = False
        # `aout` names libvlc's audio output and plays through it whatever the machine
        # has ("dummy" plays the file through libvlc into nothing: tests use it).
        self._aout = aout
        self.device = self.mode == "auto" and (aout is not None or audio_device_present())
        self._instance: Any = None
        self._player: Any = None

    @property
    def audible(self) -> bool:
        """Whether a play would make a sound here."""
        return self.device and not self.muted

    def play(self, loud: bool = False) -> bool:
        """Sound the alarm (loud: at full volume); True when it was asked to sound."""
        if self.muted or self.mode == "off":
            return False
        self.plays += 1
        self.last_loud = loud
        if not self.device:
            return True  # silent machine: counted, nothing loaded
        try:
            player = self._ensure_player()
            player.stop()
            player.audio_set_volume(LOUD_VOLUME if loud else NORMAL_VOLUME)
            player.play()  # returns at once; libvlc plays on its own thread
        except Exception:  # noqa: BLE001 - a broken sound must never stop the console
            log.exception("the alarm sound could not be played")
        return True

    def _ensure_player(self) -> Any:
        if self._player is None:
            import vlc  # only on machines with sound

            args = ["--quiet", "--no-video", "--intf=dummy"]
            if self._aout:
                args.append(f"--aout={self._aout}")
            self._instance = vlc.Instance(args)
            self._player = self._instance.media_player_new()
            self._player.set_media(self._instance.media_new_path(str(SOUND_FILE)))
        return self._player

    @property
    def playing(self) -> bool:
        """Whether libvlc is playing the sound now."""
        if self._player is None:
            return False
        import vlc

        return bool(self._player.get_state() in (vlc.State.Opening, vlc.State.Playing))

    @property
    def finished(self) -> bool:
        """Whether libvlc played the sound to its end."""
        if self._player is None:
            return False
        import vlc

        return bool(self._player.get_state() == vlc.State.Ended)

    def close(self) -> None:
        """Stop and release libvlc."""
        if self._player is not None:
            self._player.stop()
            self._player.release()
            self._instance.release()
            self._player = self._instance = None
