import assert from "node:assert/strict";
import { prng } from "../../../lib/_testing/synthetic_store.ts";
import { LineCache } from "./_line_cache.ts";

const ENC = new TextEncoder();

/** Reads like `forEachActiveLine`: a header line, then every line with its number. */
function readAll(bytes: Uint8Array, each: (line: string, lineNo: number) => void): void {
  const lines = new TextDecoder("utf-8", { fatal: true }).decode(bytes).split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (lines[0] !== "HEADER") throw new SyntaxError(`bad header: ${lines[0]}`);
  lines.slice(1).forEach((l, i) => each(l, i + 2));
}

function cache(parsed: string[] = []) {
  return new LineCache<string>({
    readAll,
    parse: (line, lineNo) => {
      parsed.push(line);
      if (line.startsWith("BAD")) throw new SyntaxError(`bad line ${lineNo}`);
      return line.trim() === "" ? null : line;
    },
  });
}

function file(lines: string[], newline = true): Uint8Array {
  return ENC.encode(["HEADER", ...lines].join("\n") + (newline ? "\n" : ""));
}

Deno.test("LineCache parses only the lines that changed", () => {
  const parsed: string[] = [];
  const c = cache(parsed);
  assert.deepEqual(c.update(file(["a1", "b2", "c3", "d4"])), ["a1", "b2", "c3", "d4"]);
  assert.deepEqual(parsed, ["a1", "b2", "c3", "d4"]);
  parsed.length = 0;
  assert.deepEqual(c.update(file(["a1", "b2x", "c3", "d4"])), ["a1", "b2x", "c3", "d4"]);
  assert.deepEqual(parsed, ["b2x"]);
  parsed.length = 0;
  assert.deepEqual(c.update(file(["a1", "b2x", "c3", "d4", "e5"])), [
    "a1",
    "b2x",
    "c3",
    "d4",
    "e5",
  ]);
  assert.deepEqual(parsed, ["e5"]);
  parsed.length = 0;
  assert.deepEqual(c.update(file(["a1", "c3", "d4", "e5"])), ["a1", "c3", "d4", "e5"]);
  assert.ok(parsed.length <= 1, "a removed line parses at most its neighbour");
  parsed.length = 0;
  assert.deepEqual(c.update(file(["a1", "c3", "d4", "e5"])), ["a1", "c3", "d4", "e5"]);
  assert.deepEqual(parsed, [], "the same bytes");
  parsed.length = 0;
  assert.deepEqual(c.update(file(["0", "a1", "c3", "d4", "e5"])), ["0", "a1", "c3", "d4", "e5"]);
  assert.deepEqual(parsed, ["0"], "a line inserted before others parses only itself");
  assert.deepEqual(c.update(null), []);
  assert.deepEqual(c.update(file(["z"])), ["z"]);
});

Deno.test("LineCache reads the whole file again when the header changes, and after an error", () => {
  const parsed: string[] = [];
  const c = cache(parsed);
  c.update(file(["a", "b"]));
  assert.throws(() => c.update(ENC.encode("HEADEX\na\nb\n")), /bad header/);
  assert.throws(() => c.update(file(["a", "BAD", "b"])), /bad line 3/);
  parsed.length = 0;
  assert.deepEqual(c.update(file(["a", "b"])), ["a", "b"]);
  assert.deepEqual(parsed, ["a", "b"], "a failed read leaves nothing to reuse");
});

Deno.test("LineCache gives what a full read gives, for random edits", () => {
  const rand = prng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const words = ["a", "b", "ab", "ba", "", " ", "é", "ü€", "x\r", "aa", "bb"];
  for (let round = 0; round < 300; round++) {
    const c = cache();
    let lines = Array.from({ length: Math.floor(rand() * 8) }, () => pick(words));
    let newline = rand() < 0.8;
    c.update(file(lines, newline));
    for (let step = 0; step < 12; step++) {
      const next = [...lines];
      const op = Math.floor(rand() * 5);
      const at = Math.floor(rand() * (next.length + 1));
      if (op === 0) next.splice(at, 0, pick(words));
      else if (op === 1 && next.length > 0) next.splice(Math.min(at, next.length - 1), 1);
      else if (op === 2 && next.length > 0) next[Math.min(at, next.length - 1)] += pick(words);
      else if (op === 3) newline = !newline;
      else if (next.length > 1) next.reverse();
      lines = next;
      const bytes = file(lines, newline);
      const want = cache().update(bytes);
      assert.deepEqual(c.update(bytes), want, JSON.stringify({ round, step, lines, newline }));
    }
  }
});
