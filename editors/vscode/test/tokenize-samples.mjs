// Tokenizes every Flimp sample with the editor grammar (vscode-textmate + vscode-oniguruma, as VS Code does)
// and checks its scopes against a reference lexer that follows grammar/Flimp.g4's lexer rules: comments,
// strings, numbers and keywords must get their scopes, and plain identifiers must not look like keywords.
// Usage: node tokenize-samples.mjs [DIR]  (default: the repository's samples/). Exits 1 on any mismatch.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const require = createRequire(join(root, "tools", "package.json"));
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

// Words the parser treats as keywords wherever they appear, and those that may also name things (Flimp.g4 `ident`).
const HARD = new Set(["service", "record", "extern", "fn", "table", "handler", "let", "if", "then", "else", "return", "map",
  "filter", "fold", "get", "query", "put", "delete", "enqueue", "for", "while", "list", "true", "false", "none"]);
const CONTEXTUAL = new Set(["row", "partition", "latency", "deterministic", "sideeffects", "fresh", "internal", "each", "in", "max"]);

function* lex(text) {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (text.startsWith("//", i)) { const e = text.indexOf("\n", i); const end = e < 0 ? text.length : e; yield { kind: "comment", start: i, end }; i = end; continue; }
    if (text.startsWith("/*", i)) { const e = text.indexOf("*/", i + 2); const end = e < 0 ? text.length : e + 2; yield { kind: "comment", start: i, end }; i = end; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      yield { kind: "string", start: i, end: Math.min(j + 1, text.length) }; i = j + 1; continue;
    }
    let m = /^[0-9]+(\.[0-9]+)?(ms|s)?/.exec(text.slice(i, i + 64));
    if (m) { yield { kind: "number", start: i, end: i + m[0].length }; i += m[0].length; continue; }
    m = /^[A-Za-z_][A-Za-z_0-9]*/.exec(text.slice(i, i + 256));
    if (m) {
      const kind = HARD.has(m[0]) ? "keyword" : CONTEXTUAL.has(m[0]) ? "contextual" : "identifier";
      yield { kind, start: i, end: i + m[0].length, text: m[0] }; i += m[0].length; continue;
    }
    i++;
  }
}

const expected = {
  comment: (s) => s.some((x) => x.startsWith("comment.")),
  string: (s) => s.some((x) => x.startsWith("string.quoted.double")),
  number: (s) => s.some((x) => x.startsWith("constant.numeric")),
  keyword: (s) => s.some((x) => x.startsWith("keyword.") || x.startsWith("constant.language") || x.startsWith("storage.modifier")),
  identifier: (s) => !s.some((x) => x.startsWith("keyword.") || x.startsWith("constant.") || x.startsWith("comment.") || x.startsWith("string.")),
};

const files = (dir) => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? files(p) : n.endsWith(".flimp") ? [p] : [];
});

const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
await oniguruma.loadWASM(wasm);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
  loadGrammar: async (scope) => scope === "source.flimp"
    ? vsctm.parseRawGrammar(readFileSync(join(root, "editors", "vscode", "syntaxes", "flimp.tmLanguage.json"), "utf8"), "flimp.tmLanguage.json")
    : null,
});
const grammar = await registry.loadGrammar("source.flimp");

const dir = process.argv[2] ?? join(root, "samples");
const counts = { comment: 0, string: 0, number: 0, keyword: 0, identifier: 0 };
const failures = [];
const all = files(dir).sort();
for (const file of all) {
  const text = readFileSync(file, "utf8").replaceAll("\r\n", "\n");
  // Scopes of every character, from the grammar, line by line as an editor tokenizes.
  const scopes = new Array(text.length).fill(null);
  let state = vsctm.INITIAL, offset = 0;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) for (let k = t.startIndex; k < Math.min(t.endIndex, line.length); k++) scopes[offset + k] = t.scopes;
    state = r.ruleStack; offset += line.length + 1;
  }
  for (const tok of lex(text)) {
    if (!(tok.kind in expected)) continue;
    counts[tok.kind]++;
    // Comments and strings must be covered end to end; other tokens are judged by their first character.
    const positions = tok.kind === "comment" || tok.kind === "string" ? [...Array(tok.end - tok.start).keys()].map((k) => tok.start + k).filter((p) => text[p] !== "\n") : [tok.start];
    const bad = positions.find((p) => !expected[tok.kind](scopes[p] ?? []));
    if (bad !== undefined) {
      const line = text.slice(0, bad).split("\n").length;
      failures.push(`${relative(root, file)}:${line}: ${tok.kind} '${text.slice(tok.start, Math.min(tok.end, tok.start + 40))}' scoped [${(scopes[bad] ?? []).join(" ")}]`);
    }
  }
}

for (const f of failures.slice(0, 40)) console.error(f);
const total = Object.values(counts).reduce((a, b) => a + b, 0);
console.log(`flimp grammar: ${all.length} files, ${total} tokens checked (${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ")}), ${failures.length} mismatches`);
if (all.length === 0 || failures.length > 0 || Object.values(counts).some((v) => v === 0)) process.exit(1);
