#!/usr/bin/env bash
# Install everything Beacon needs on Debian 12 / Python 3.11: the Debian packages (Qt
# runtime, VLC, Xvfb, FFmpeg) where missing, a virtual environment in .venv, and Beacon
# itself with its test extra. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS=(
  # Qt under offscreen, then under X (xcb: without these, "Could not load the Qt
  # platform plugin xcb even though it was found")
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 xvfb xauth
  # video tiles and the test streams
  libvlc5 vlc-plugin-base vlc-plugin-video-output vlc-bin ffmpeg
  # the local RTSP test server (GStreamer's, driven by the system python3)
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  # screenshots, and fonts that can show Chinese
  x11-apps imagemagick fonts-noto-cjk
  # the public page's browser tests (selenium drives Debian's chromium)
  chromium chromium-driver
)

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $($PY --version)"
  $PY -m venv .venv
fi
stamp=.venv/.beacon-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  echo "bootstrap: installing Beacon and its Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  # Exactly the versions the tests passed with (requirements.lock), then Beacon itself.
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e '.[test]'
  touch "$stamp"
fi
# Beacon's own modules compiled once: with PYTHONDONTWRITEBYTECODE set (as on some
# machines) every `beacon` command would otherwise compile them again as it starts
# (about 0.4 s of each command's 1.3 s). Only files changed since are compiled.
.venv/bin/python -m compileall -q -j 0 core console plugins >/dev/null
echo "bootstrap: ready"
