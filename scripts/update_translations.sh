#!/bin/sh
# Collect the console's strings into the .ts (keeping existing translations), then
# compile the .qm the console loads. Translate new strings in Qt Linguist between the
# two steps: pyside6-linguist resources/translations/beacon_zh_CN.ts
set -eu
cd "$(dirname "$0")/.."
BIN=${QT_BIN:-$(dirname "$(command -v pyside6-lupdate || echo .venv/bin/x)")}
"$BIN/pyside6-lupdate" console/*.py console/*/*.py \
    -ts resources/translations/beacon_zh_CN.ts
"$BIN/pyside6-lrelease" resources/translations/beacon_zh_CN.ts \
    -qm resources/translations/beacon_zh_CN.qm
