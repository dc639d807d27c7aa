#!/bin/bash
# Runs benchmarks/bench_video.py alternately from a checkout of REVISION and from this
# working tree, REPS times each, so both see the same machine at nearly the same time.
#   bash benchmarks/compare_revisions.sh REVISION [REPS] [bench_video.py options...]
# e.g. bash benchmarks/compare_revisions.sh HEAD~1 3 --tiles 9 --kinds http,rtsp
# Each line of output starts with the revision it was measured on. Needs the project's
# .venv (scripts/bootstrap.sh); the checkout of REVISION is a temporary git worktree.
set -euo pipefail
revision=${1:?usage: compare_revisions.sh REVISION [REPS] [bench_video.py options...]}
reps=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
root=$(cd "$(dirname "$0")/.." && pwd)
python="$root/.venv/bin/python"
other=$(mktemp -d /tmp/beacon-compare-XXXXXX)
trap 'git -C "$root" worktree remove --force "$other" >/dev/null 2>&1 || true' EXIT
git -C "$root" worktree add --detach --force "$other" "$revision" >/dev/null 2>&1
label_other=$(git -C "$root" rev-parse --short "$revision")
for _ in $(seq "$reps"); do
    for tree in "$other" "$root"; do
        label=$([ "$tree" = "$root" ] && echo "working-tree" || echo "$label_other")
        (cd "$tree" && PYTHONPATH=. QT_QPA_PLATFORM=offscreen "$python" \
            benchmarks/bench_video.py --cache "${TMPDIR:-/tmp}/beacon-bench-clips" "$@" \
            2>/dev/null | grep -E '^(http|rtsp)' | sed "s|^|$label |")
    done
done
