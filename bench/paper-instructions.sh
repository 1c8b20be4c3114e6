#!/usr/bin/env bash
# Instructions per replay of the paper's search at two revisions, counted by valgrind (callgrind), which the shared
# machine's load does not move; for revisions without the bench's replay-loop command (011eca0, the revision of issue 14's
# target), so it counts `fluxo optimize --search paper` as bench/paper-replays.sh times it: on the same generated text
# trace, once with N=BIG_N, K=BIG_K and once with N=200, K=2, without tiered compilation (the same code each run), and
# takes the difference of the two runs' instructions over the difference of their replays, so reading, start-up and
# the rest of the process cancel out. Slow: a few minutes per build.
# Usage: [REV_NEW=rev] bash bench/paper-instructions.sh REV_OLD [REQUESTS=10000] [BIG_N=2000] [BIG_K=20]
set -euo pipefail
requests="${2:-10000}"
big_n="${3:-2000}"
big_k="${4:-20}"
source "$(dirname "$0")/two-builds.sh"
two_builds paper-instructions "${1:-}" src/Fluxo.Cli
paper_trace "$requests"

# prints "INSTRUCTIONS REPLAYS POLICY_DIGEST"
count() {
  local cli="$1" n="$2" k="$3"; shift 3
  local out
  out="$(DOTNET_TieredCompilation=0 DOTNET_EnableWriteXorExecute=0 DOTNET_PROCESSOR_COUNT=1 valgrind --tool=callgrind --smc-check=all-non-file \
    --callgrind-out-file="$work/cg.$n.out" dotnet "$cli" optimize "$service" --trace "$work/t.txt" --budget 8KB \
    --search paper --paper-n "$n" --paper-k "$k" --objective mean -o "$work/p.$n.json" "$@" 2>&1)"
  echo "$(grep -oE 'Collected : [0-9]+' <<<"$out" | grep -oE '[0-9]+') $(grep -oE 'search paper: [0-9]+ exact replays' <<<"$out" | grep -oE '[0-9]+') $(sha256sum "$work/p.$n.json" | cut -c1-16)"
}
per_replay() {
  local cli="$1"; shift
  read -r i1 r1 p1 < <(count "$cli" "$big_n" "$big_k" "$@")
  read -r i0 r0 _ < <(count "$cli" 200 2 "$@")
  echo "$(( (i1 - i0) / (r1 - r0) )) $r1 $r0 $p1"
}
echo "instructions per paper-search replay, $requests requests, N=$big_n K=$big_k against N=200 K=2; load average $(cut -d' ' -f1-3 /proc/loadavg)"
read -r oi or1 or0 op < <(per_replay "$old_cli")
echo "$old: $oi instructions per replay ($or1 and $or0 replays, policy $op)"
# The current CLI searches the whole trace (no hold-out) with plain LRUs, as the old one did.
read -r ni nr1 nr0 np < <(per_replay "$new_cli" --hold-out 0 --hot-keys false)
echo "$new: $ni instructions per replay ($nr1 and $nr0 replays, policy $np)"
echo "ratio $(awk -v a="$ni" -v b="$oi" 'BEGIN { printf "%.2f", a / b }')x (target <= 0.5x); load average $(cut -d' ' -f1-3 /proc/loadavg)"
