#!/usr/bin/env bash
# What one replay of the paper's search costs at two revisions, measured in one run (issue 14: "each of its replays
# costs at most half of today's"). Builds REV_OLD in a temporary worktree and this checkout's CLI, generates a
# Weather trace (ip-cold, 100k requests unless told) in the text form both read, then alternates ROUNDS times between the two
# revisions: `fluxo optimize --search paper` once with N=2000, K=20 and once with N=200, K=2, on one core
# (DOTNET_PROCESSOR_COUNT=1), and takes CPU per replay as the difference of the two runs' process CPU over the
# difference of their replay counts, so reading, JIT and the rest of the process cancel out.
# Usage: [REV_NEW=rev] bash bench/paper-replays.sh REV_OLD [ROUNDS=3] [REQUESTS=100000] [N=2000] [K=20]
set -euo pipefail
rounds="${2:-3}"
requests="${3:-100000}"
big_n="${4:-2000}"
big_k="${5:-20}"
source "$(dirname "$0")/two-builds.sh"
two_builds paper-replays "${1:-}" src/Fluxo.Cli
paper_trace "$requests"

# prints "CPU_SECONDS REPLAYS"
run() {
  local cli="$1" n="$2" k="$3"; shift 3
  local out
  out="$(DOTNET_PROCESSOR_COUNT=1 /usr/bin/time -f 'cpu %U %S' dotnet "$cli" optimize "$service" --trace "$work/t.txt" --budget 8KB \
      --search paper --paper-n "$n" --paper-k "$k" --objective mean -o "$work/p.json" "$@" 2>&1)"
  local replays cpu
  replays="$(grep -oE 'search paper: [0-9]+ exact replays' <<<"$out" | grep -oE '[0-9]+')"
  cpu="$(grep -oE '^cpu [0-9.]+ [0-9.]+' <<<"$out" | awk '{print $2 + $3}')"
  echo "$cpu $replays"
}
per_replay() { awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" 'BEGIN { printf "%.2f", (a - c) * 1000 / (b - d) }'; }

echo "paper search replays on $requests requests, one core, load average $(cut -d' ' -f1-3 /proc/loadavg)"
olds=(); news=()
for i in $(seq "$rounds"); do
  read -r oc1 or1 < <(run "$old_cli" "$big_n" "$big_k")
  read -r oc0 or0 < <(run "$old_cli" 200 2)
  # The current CLI searches the whole trace (no hold-out) with plain LRUs, as the old one did.
  read -r nc1 nr1 < <(run "$new_cli" "$big_n" "$big_k" --hold-out 0 --hot-keys false)
  read -r nc0 nr0 < <(run "$new_cli" 200 2 --hold-out 0 --hot-keys false)
  o="$(per_replay "$oc1" "$or1" "$oc0" "$or0")"; n="$(per_replay "$nc1" "$nr1" "$nc0" "$nr0")"
  olds+=("$o"); news+=("$n")
  echo "round $i: $old ${o} ms per replay ($or1 and $or0 replays, ${oc1}/${oc0} s CPU); $new ${n} ms per replay ($nr1 and $nr0 replays, ${nc1}/${nc0} s CPU)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mo="$(median "${olds[@]}")"; mn="$(median "${news[@]}")"
echo "median: $old ${mo} ms, $new ${mn} ms per replay = $(awk -v a="$mn" -v b="$mo" 'BEGIN { printf "%.2f", a / b }')x (target <= 0.5x); load average $(cut -d' ' -f1-3 /proc/loadavg)"
