#!/usr/bin/env bash
# Instructions per paper-search replay at two builds, counted by valgrind (callgrind), which the shared machine's load
# does not move: `Fluxo.Bench.Optimizer replay-loop` (the paper search's replays on a small generated trace) runs once
# with one round of replays and once with three, without tiered compilation (so the code is the same each run), and the
# difference of the two runs' instruction counts over the replays it adds is the instructions of one replay. REV_OLD
# and REV_NEW must hold the replay-loop command (from 9d5f3f8 on). Slow: a few minutes per build.
# Usage: [REV_NEW=rev] bash bench/replay-instructions.sh REV_OLD [REQUESTS=10000] [N=200] [K=2]
set -euo pipefail
requests="${2:-10000}"
n="${3:-200}"
k="${4:-2}"
source "$(dirname "$0")/two-builds.sh"
two_builds replay-instructions "${1:-}" bench/Fluxo.Bench.Optimizer

# prints "INSTRUCTIONS REPLAYS_PER_ROUND DIGEST"
count() {
  local out
  out="$(DOTNET_TieredCompilation=0 DOTNET_EnableWriteXorExecute=0 DOTNET_PROCESSOR_COUNT=1 valgrind --tool=callgrind --smc-check=all-non-file \
    --callgrind-out-file="$work/cg.out" dotnet "$1/bench/Fluxo.Bench.Optimizer/bin/Release/net10.0/Fluxo.Bench.Optimizer.dll" replay-loop \
    --requests "$requests" --paper-n "$n" --paper-k "$k" --rounds "$2" 2>&1)"
  echo "$(grep -oE 'Collected : [0-9]+' <<<"$out" | grep -oE '[0-9]+') $(grep -oE '[0-9]+ replays' <<<"$out" | head -1 | grep -oE '[0-9]+') $(grep -oE 'results digest [0-9a-f]+' <<<"$out" | cut -d' ' -f3)"
}
per_replay() {
  read -r i1 replays digest < <(count "$1" 1)
  read -r i3 _ _ < <(count "$1" 3)
  echo "$(( (i3 - i1) / (2 * replays) )) $replays $digest"
}
echo "instructions per replay, $requests requests, paper N=$n K=$k; load average $(cut -d' ' -f1-3 /proc/loadavg)"
read -r oi or od < <(per_replay "$old_root")
echo "$old: $oi instructions per replay ($or replays, digest $od)"
read -r ni nr nd < <(per_replay "$new_root")
echo "$new: $ni instructions per replay ($nr replays, digest $nd)"
[ "$od" = "$nd" ] || echo "DIGESTS DIFFER: the replays' numbers changed"
echo "ratio $(awk -v a="$ni" -v b="$oi" 'BEGIN { printf "%.2f", a / b }')x; load average $(cut -d' ' -f1-3 /proc/loadavg)"
