#!/usr/bin/env bash
# Where a traced `fluxo run`'s extra CPU goes, by sampling: the Weather sample's hot-IP workload runs REQUESTS requests
# untraced and then traced (binary), each under `perf record -g` with the runtime's perf map. Each sample is given to
# the innermost tracing step on its stack (writing the file, the checksum, hashing values, encoding, sorting events,
# the record pool, building the record, recording an edge, the writer's lock and hand-over). It prints each step's
# samples in both runs and the difference in ns a request (a sample is 1/999 s of one thread): the untraced run hashes
# some values too. A step the JIT inlined into the engine counts as the engine's, and tracing's indirect cost (the
# engine's own code slowed beside it) is no step: whole runs (`run-tracing`) measure the total.
# Needs perf with access to user-space samples (perf_event_paranoid <= 2) and python3. About a minute at 1M requests.
# Usage: bash bench/tracing-profile.sh [REQUESTS=1000000]
set -euo pipefail
requests="${1:-1000000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v perf >/dev/null || { echo "tracing-profile: perf is not installed" >&2; exit 2; }
dotnet build "$root/src/Fluxo.Cli" -c Release -v q -nologo -m:1 -p:UseSharedCompilation=false >"$work/build.log" 2>&1 \
  || { echo "tracing-profile: src/Fluxo.Cli does not build" >&2; cat "$work/build.log" >&2; exit 2; }
sample="$root/samples/weather"

# record NAME [trace]: one sampled `fluxo run`; prints the CPU seconds fluxo reports for the workload
record() {
  local out
  out="$(cd "$work" && DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -q -F 999 -g -o "$work/$1.data" \
    dotnet "$root/src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll" run "$sample/weather.flimp" -w "$sample/workload-hot-ips.json" \
    -n "$requests" ${2:+--trace "$work/run.trace"} 2>&1)"
  perf script -i "$work/$1.data" 2>/dev/null >"$work/$1.txt"
  grep -oE '[0-9.]+ s CPU' <<<"$out" | head -1
}

echo "tracing's cost by step, fluxo run (weather, workload-hot-ips), $requests requests; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "untraced: $(record untraced)"
echo "traced:   $(record traced yes)"
python3 - "$work" "$requests" <<'PY'
import sys
work, requests = sys.argv[1], int(sys.argv[2])
# Innermost match wins, so the order only matters for frames that match two patterns.
steps = [
    ("write to the file", ("FileSink::Write", "RandomAccess::", "pwrite")),
    ("checksum (XXH3)", ("ChecksumStream", "XxHash3")),
    ("hash values (XXH64)", ("Value::ComputeHashAndSize", "XxHash64")),
    ("encode", ("BinaryTraceWriter::",)),
    ("sort events", ("EventOrder::",)),
    ("record pool", ("TracePool::", "RequestTrace::Start", "RequestTrace::Release")),
    ("build the record", ("RequestTrace::Build", "AddUnpulledRequestFields")),
    ("record an edge", ("RequestTrace::Edge", "RequestTrace::Grow")),
    ("writer (lock, hand-over)", ("RunTraceWriter::", "RecordedTrace::WriteTo", "TraceWriter::Write")),
]

def samples(name):
    with open(f"{work}/{name}.txt", errors="replace") as f:
        text = f.read()
    for block in text.split("\n\n"):
        lines = block.strip("\n").split("\n")
        if len(lines) > 1:
            yield lines[1:]

def ns(n):
    return n * (1e9 / 999) / requests

total = {"untraced": 0, "traced": 0}
counts = {name: {s: 0 for s, _ in steps} for name in total}
for name in total:
    for frames in samples(name):
        total[name] += 1
        for frame in frames:
            hit = next((s for s, pats in steps if any(p in frame for p in pats)), None)
            if hit:
                counts[name][hit] += 1
                break

# The untraced run hashes some values too (the stand-ins' templates hash their inputs): tracing's share is the difference.
print(f"{'step':<26} {'untraced':>9} {'traced':>7} {'extra':>6} {'ns a request':>13}")
for s, _ in steps:
    u, t = counts["untraced"][s], counts["traced"][s]
    print(f"{s:<26} {u:>9} {t:>7} {t - u:>6} {ns(t - u):>13.0f}")
print(f"{'all steps':<26} {sum(counts['untraced'].values()):>9} {sum(counts['traced'].values()):>7} "
      f"{sum(counts['traced'].values()) - sum(counts['untraced'].values()):>6} "
      f"{ns(sum(counts['traced'].values()) - sum(counts['untraced'].values())):>13.0f}")
print(f"samples in all: untraced {total['untraced']}, traced {total['traced']} (perf's unwinding slows both runs unevenly: "
      "compare whole runs with run-tracing, not with these totals)")
PY
