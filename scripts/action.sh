#!/usr/bin/env bash
# The body of the composite GitHub Action (action.yml): check a service, optionally record a trace from a
# workload, optimize its caches (optionally gated by a baseline policy) and write a Markdown job summary.
# Inputs come as FLUXO_* environment variables; runnable outside GitHub too (the summary then goes to
# $GITHUB_STEP_SUMMARY if set, else to stdout). Exit code: the worst of check and optimize (0, 1, 2 or 3).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
service="${FLUXO_SERVICE:?FLUXO_SERVICE (the .flimp or .ir.json file) is required}"
trace="${FLUXO_TRACE:-}"
workload="${FLUXO_WORKLOAD:-}"
requests="${FLUXO_REQUESTS:-2000}"
budget="${FLUXO_BUDGET:-64KB}"
policy="${FLUXO_POLICY:-fluxo-policy.json}"
baseline="${FLUXO_BASELINE:-}"
max_regression="${FLUXO_MAX_REGRESSION:-5%}"
warnaserror="${FLUXO_WARNASERROR:-true}"
work="${RUNNER_TEMP:-$(mktemp -d)}/fluxo-action"
mkdir -p "$work"
summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"

check_args=(check "$service" --format json)
if [ "$warnaserror" = "true" ]; then check_args+=(--warnaserror); fi
fluxo "${check_args[@]}" >"$work/check.json"
check_rc=$?
fluxo check "$service" --format sarif >"$work/check.sarif" 2>/dev/null || true

optimize_rc=0
if [ "$check_rc" -eq 0 ] && [ -z "$trace" ] && [ -n "$workload" ]; then
  trace="$work/trace.log"
  echo "recording $requests requests of $workload into $trace" >&2
  fluxo run "$service" --workload "$workload" --requests "$requests" --trace "$trace" --format json >"$work/run.json"
  optimize_rc=$?
fi
if [ "$check_rc" -eq 0 ] && [ "$optimize_rc" -eq 0 ] && [ -n "$trace" ]; then
  optimize_args=(optimize "$service" --trace "$trace" --budget "$budget" -o "$policy" --format json)
  if [ -n "$baseline" ]; then optimize_args+=(--baseline "$baseline" --max-regression "$max_regression"); fi
  fluxo "${optimize_args[@]}" >"$work/optimize.json"
  optimize_rc=$?
fi

node "$here/action-summary.mjs" "$work" "$service" >>"$summary"
echo "sarif=$work/check.sarif" >>"${GITHUB_OUTPUT:-/dev/null}"
echo "policy=$policy" >>"${GITHUB_OUTPUT:-/dev/null}"
rc=$check_rc
if [ "$optimize_rc" -gt "$rc" ]; then rc=$optimize_rc; fi
exit "$rc"
