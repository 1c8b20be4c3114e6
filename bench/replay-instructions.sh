#!/usr/bin/env bash
# Instructions per paper-search replay at two builds, counted by valgrind (callgrind), which the shared machine's load
# does not move: `Fluxo.Bench.Optimizer replay-loop` (the paper search's replays on a small generated trace) runs once
# with one round of replays and once with three, without tiered compilation (so the code is the same each run), and the
# difference of the two runs' instruction counts over the replays it adds is the instructions of one replay. REV_OLD
# and REV_NEW must hold the replay-loop command (from 9d5f3f8 on). Slow: a few minutes per build.
# Usage: [REV_NEW=rev] bash bench/replay-instructions.sh REV_OLD [REQUESTS=10000] [N=200] [K=2]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
old="$(git rev-parse --short "${1:?REV_OLD}")"
requests="${2:-10000}"
n="${3:-200}"
k="${4:-2}"
work="$(mktemp -d)"
cleanup() { git worktree remove --force "$work/old" 2>/dev/null || true; git worktree remove --force "$work/new" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add -q --detach "$work/old" "$old"
new_root="$root"; new="current"
if [ -n "${REV_NEW:-}" ]; then
  new="$(git rev-parse --short "$REV_NEW")"; new_root="$work/new"
  git worktree add -q --detach "$new_root" "$new"
fi
for d in "$work/old" "$new_root"; do
  dotnet build "$d/bench/Fluxo.Bench.Optimizer" -c Release -v q -nologo -m:1 -p:UseSharedCompilation=false >"$work/build.log" 2>&1 \
    || { echo "replay-instructions: the bench does not build in $d" >&2; cat "$work/build.log" >&2; exit 2; }
done

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
read -r oi or od < <(per_replay "$work/old")
echo "$old: $oi instructions per replay ($or replays, digest $od)"
read -r ni nr nd < <(per_replay "$new_root")
echo "$new: $ni instructions per replay ($nr replays, digest $nd)"
[ "$od" = "$nd" ] || echo "DIGESTS DIFFER: the replays' numbers changed"
echo "ratio $(awk -v a="$ni" -v b="$oi" 'BEGIN { printf "%.2f", a / b }')x; load average $(cut -d' ' -f1-3 /proc/loadavg)"
