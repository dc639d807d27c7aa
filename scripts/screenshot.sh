#!/bin/sh
# Screenshots of the console with the demo city, for the README and docs/console.md:
# at 1920x1080 docs/screenshot.png (English) and docs/screenshot_zh.png (Simplified
# Chinese), at 1600x1000 docs/screenshots/console_1600_en.png and _zh.png. Runs under
# Xvfb, so it works on a machine without a display. Usage: scripts/screenshot.sh [DB_URL]
# (a demo database, see 'beacon db set-kind')
set -eu
cd "$(dirname "$0")/.."
if [ -n "${PYTHON:-}" ]; then PY=$PYTHON
elif [ -x .venv/bin/python ]; then PY=.venv/bin/python   # made by scripts/bootstrap.sh
else PY=python3; fi
DB=${1:-sqlite:///$(pwd)/var/screenshot.db}
mkdir -p docs/screenshots var
# The demo runs only on a demo database: label our own one (a DB_URL given must be one).
if [ -z "${1:-}" ]; then
    PYTHONPATH=. "$PY" -m core db set-kind demo --db "$DB" >/dev/null
fi
for size in 1920x1080 1600x1000; do
    for lang in en zh_CN; do
        if [ "$size" = 1920x1080 ]; then
            out=docs/screenshot.png
            [ "$lang" = zh_CN ] && out=docs/screenshot_zh.png
        else
            out=docs/screenshots/console_1600_en.png
            [ "$lang" = zh_CN ] && out=docs/screenshots/console_1600_zh.png
        fi
        # The console's window takes the screen's size (up to 1920x1080).
        PYTHONPATH=. xvfb-run -a -s "-screen 0 ${size}x24" \
            "$PY" -m console --db "$DB" --lang "$lang" --screenshot "$out"
    done
done
