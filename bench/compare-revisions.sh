#!/usr/bin/env bash
# Is a refactoring free of behaviour and speed changes? Builds two revisions side by side in temporary worktrees,
# then, in one run on the same machine:
#   1. `fluxo samples-report` at each revision, compared byte for byte (every sample's policy and savings);
#   2. the optimizer grid (bench/Fluxo.Bench.Optimizer grid) at each revision, compared byte for byte after
#      dropping its timing column;
#   3. bench/Fluxo.Bench's runtime benchmark, A and B alternated ROUNDS times, and the median ratio B/A of each
#      mode's throughput (so load that comes and goes hits both sides alike).
# Usage: bash bench/compare-revisions.sh REV_A REV_B [ROUNDS=3] [REQUESTS=50000]
# Writes everything under out/compare-<A>-<B>/ and prints a summary; exit 1 when the reports differ.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
a="$(git rev-parse --short "${1:?REV_A}")"
b="$(git rev-parse --short "${2:?REV_B}")"
rounds="${3:-3}"
requests="${4:-50000}"
out="$root/out/compare-$a-$b"
rm -rf "$out" && mkdir -p "$out"
work="$(mktemp -d)"
cleanup() { for r in "$a" "$b"; do git worktree remove --force "$work/$r" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

for r in "$a" "$b"; do
  git worktree add -q --detach "$work/$r" "$r"
  echo "== build $r"
  for p in src/Fluxo.Cli bench/Fluxo.Bench bench/Fluxo.Bench.Optimizer; do
    dotnet build "$work/$r/$p" -c Release -v q -nologo -m:1 -p:UseSharedCompilation=false >"$out/build-$r.log" 2>&1 \
      || { echo "compare-revisions: $p does not build at $r (see $out/build-$r.log)" >&2; exit 2; }
  done
done

status=0
for r in "$a" "$b"; do
  echo "== samples-report at $r"
  (cd "$work/$r" && dotnet src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll samples-report samples -o "$out/samples-$r.md" >"$out/samples-$r.log" 2>&1)
done
if diff -u "$out/samples-$a.md" "$out/samples-$b.md" >"$out/samples.diff"; then
  echo "samples report: identical"
else
  echo "samples report: DIFFERS ($(grep -c '^[-+][^-+]' "$out/samples.diff") lines, $out/samples.diff)"; status=1
fi

for r in "$a" "$b"; do
  echo "== optimizer grid at $r"
  (cd "$work/$r" && dotnet bench/Fluxo.Bench.Optimizer/bin/Release/net10.0/Fluxo.Bench.Optimizer.dll grid --requests 2000 >"$out/grid-$r.txt" 2>"$out/grid-$r.log") || true
  # Seconds differ run to run; everything else is a result.
  sed -E 's/[0-9]+(\.[0-9]+)? ?s\b/<time>/g' "$out/grid-$r.txt" >"$out/grid-$r.cmp"
done
if diff -u "$out/grid-$a.cmp" "$out/grid-$b.cmp" >"$out/grid.diff"; then
  echo "optimizer grid: identical"
else
  echo "optimizer grid: DIFFERS ($out/grid.diff)"; status=1
fi

for i in $(seq 1 "$rounds"); do
  for r in "$a" "$b"; do
    echo "== runtime benchmark at $r, round $i"
    (cd "$work/$r" && dotnet bench/Fluxo.Bench/bin/Release/net10.0/Fluxo.Bench.dll runtime "$requests" >"$out/runtime-$r-$i.txt" 2>&1)
  done
done
python3 - "$out" "$a" "$b" "$rounds" <<'EOF' | tee "$out/runtime.txt"
import re, statistics, sys
out, a, b, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def medians(r, i):
    rows = {}
    for line in open(f"{out}/runtime-{r}-{i}.txt"):
        m = re.match(r"median of \d+: (.+?)\s+([\d,]+) req/s", line)
        if m: rows[m.group(1).strip()] = float(m.group(2).replace(",", ""))
    return rows
modes = medians(a, 1).keys()
for mode in modes:
    ratios = [medians(b, i)[mode] / medians(a, i)[mode] for i in range(1, rounds + 1)]
    print(f"runtime {mode:<13} {b}/{a} throughput: median {statistics.median(ratios):.3f} of {rounds} alternated rounds "
          f"({', '.join(f'{x:.3f}' for x in ratios)})")
EOF
exit $status
