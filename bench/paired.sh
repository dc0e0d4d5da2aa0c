#!/bin/bash
# Benchmark (not a test): the throughput benchmark on this checkout and on an earlier commit, in
# alternating runs, so both see the same drift of a shared machine. Prints one line per run.
#
#   bash bench/paired.sh <commit> [pairs]            (default 3 pairs)
#
# The earlier commit is checked out in a worktree under /tmp and built there (node_modules shared
# with this checkout). Each checkout runs its own bench/throughput.ts with the same settings:
# READS=2000 REPORTS=2000 FLOOR=2000 PHASE_S=0 FANOUT=0 SPLIT=0 BACKLOG_LIMIT=10000, and WARMUP=0
# (commits before the warm-up have none, so both sides are measured from a cold start). Results files
# named tmp-* are not kept (.gitignore).
set -euo pipefail
BASE=${1:?usage: bash bench/paired.sh <commit> [pairs]}
PAIRS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OTHER=/tmp/gridbot-paired-$(git -C "$ROOT" rev-parse --short "$BASE")
if [ ! -d "$OTHER" ]; then
  git -C "$ROOT" worktree add -f "$OTHER" "$BASE" -q
  ln -s "$ROOT/node_modules" "$OTHER/node_modules"
fi
(cd "$OTHER" && npm run build >/dev/null)
(cd "$ROOT" && npm run build >/dev/null)
run() {
  local label=$1 dir=$2 file
  file=$dir/bench/results/tmp-paired.md
  (cd "$dir" && WARMUP=0 READS=2000 REPORTS=2000 FLOOR=2000 PHASE_S=0 FANOUT=0 SPLIT=0 BACKLOG_LIMIT=10000 RESULT_FILE=bench/results/tmp-paired.md npx tsx bench/throughput.ts >"$dir/bench/results/tmp-paired.log" 2>&1)
  echo "$label: $(grep -E '^\| (floor|`我是谁`|`上报`)' "$file" | awk -F'|' '{printf "%s %s/s %s ms %s | ", substr($2, 1, 10), $4, $5, $7}')"
}
for i in $(seq 1 "$PAIRS"); do
  run "this checkout, run $i" "$ROOT"
  run "$BASE, run $i" "$OTHER"
done
echo "(the worktree stays at $OTHER; remove it with: git worktree remove --force $OTHER)"
