// Turns the JSON documents scripts/action.sh collected (check, run, optimize) into the Markdown job summary.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [work, service] = process.argv.slice(2);
const read = (name) => {
  const path = join(work, name);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, "utf8").trim();
  return text === "" ? null : JSON.parse(text);
};
const ms = (v) => (typeof v === "number" ? v.toFixed(2) : "-");
const pct = (v) => (typeof v === "number" ? `${v >= 0 ? "+" : ""}${v.toFixed(1)}%` : "-");
const out = [];

out.push(`## Fluxo: \`${service}\``, "");
const check = read("check.json");
if (check) {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of check.diagnostics) counts[d.severity] = (counts[d.severity] ?? 0) + 1;
  out.push(`**check**: ${check.ok ? "passed" : "failed"} (exit ${check.exitCode}), ${counts.error} error(s), ${counts.warning} warning(s)`, "");
  if (check.diagnostics.length > 0) {
    out.push("| severity | code | where | message |", "| --- | --- | --- | --- |");
    for (const d of check.diagnostics) out.push(`| ${d.severity} | ${d.code} | ${d.file}(${d.line},${d.column}) | ${d.message.replaceAll("|", "\\|")} |`);
    out.push("");
  }
}

const run = read("run.json");
if (run && run.ok) {
  const all = run.handlers.find((h) => h.handler === "all");
  out.push(`**trace**: ${run.requests} requests recorded, p50 ${ms(all?.p50Ms)} ms, mean ${ms(all?.meanMs)} ms without caches`, "");
}

const opt = read("optimize.json");
if (opt) {
  if (opt.policies) {
    const chosen = opt.policies.find((p) => p.chosen);
    out.push(`**optimize** \`${opt.handler}\`: ${opt.requests} requests, budget ${opt.budgetBytes} B, search ${opt.search}, objective ${opt.objective}`, "");
    out.push("| policy | p50 ms | p95 ms | p99 ms | mean ms | mean gain of the chosen |", "| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const p of opt.policies) {
      const gain = p.chosen || p.meanMs === 0 ? "-" : pct(((p.meanMs - chosen.meanMs) / p.meanMs) * 100);
      out.push(`| ${p.chosen ? `**${p.name}**` : p.name} | ${ms(p.p50Ms)} | ${ms(p.p95Ms)} | ${ms(p.p99Ms)} | ${ms(p.meanMs)} | ${gain} |`);
    }
    out.push("", "| cache | bytes | hit ratio |", "| --- | ---: | ---: |");
    for (const c of opt.caches) out.push(`| ${c.name} | ${c.bytes} | ${(c.hitRatio * 100).toFixed(1)}% |`);
    out.push("");
  }
  if (opt.baseline) {
    const b = opt.baseline;
    out.push(`**baseline** \`${b.file}\`: ${b.objective} ${ms(b.baselineMs)} ms against ${ms(b.chosenMs)} ms for the new choice (${pct(b.regressionPercent)}, ${b.maxRegressionPercent}% allowed): ${b.regressed ? "**regression**" : "ok"}`, "");
  }
  const errors = opt.diagnostics.filter((d) => d.severity === "error");
  for (const d of errors) out.push(`- ${d.code} ${d.file}(${d.line},${d.column}): ${d.message}`);
  out.push(`optimize exit code ${opt.exitCode} (0 ok, 1 errors, 2 usage, 3 regression)`, "");
}

process.stdout.write(out.join("\n") + "\n");
