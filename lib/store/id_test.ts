import assert from "node:assert/strict";
import { TaskStoreError } from "./errors.ts";
import {
  debugString,
  DEFAULT_ID_LENGTH,
  DEFAULT_ID_PREFIX,
  generateId,
  ID_ALPHABET,
  ID_ATTEMPTS,
  type RandomBytes,
  resolveId,
} from "./id.ts";

function resolveError(input: string, scope: string[], prefixes?: string[]): TaskStoreError {
  try {
    resolveId(input, scope, prefixes ? { prefixes } : {});
  } catch (e) {
    assert.ok(e instanceof TaskStoreError, `expected TaskStoreError, got ${e}`);
    return e;
  }
  assert.fail(`resolved ${JSON.stringify(input)}`);
}

// --- generation: tg.md §3.1 ------------------------------------------------------------

Deno.test("ID_ALPHABET is lowercase Crockford base32 without i, l, o, u", () => {
  assert.equal(ID_ALPHABET, "0123456789abcdefghjkmnpqrstvwxyz");
  assert.equal(new Set(ID_ALPHABET).size, 32);
  for (const c of "ilou") assert.ok(!ID_ALPHABET.includes(c));
});

Deno.test("generateId() uses the default prefix and length", () => {
  assert.equal(DEFAULT_ID_PREFIX, "tg");
  assert.equal(DEFAULT_ID_LENGTH, 5);
  for (let i = 0; i < 200; i++) assert.match(generateId(new Set()), /^tg-[0-9a-hjkmnp-tv-z]{5}$/);
});

Deno.test("generateId() honours prefix and length", () => {
  assert.match(
    generateId(new Set(), { prefix: "HAMY", length: 8 }),
    /^HAMY-[0-9a-hjkmnp-tv-z]{8}$/,
  );
  assert.match(generateId(new Set(), { prefix: "", length: 3 }), /^-[0-9a-hjkmnp-tv-z]{3}$/);
  assert.match(
    generateId(new Set(), { prefix: "a b", length: 12 }),
    /^a b-[0-9a-hjkmnp-tv-z]{12}$/,
  );
});

Deno.test("generateId() maps each random byte to one alphabet character", () => {
  const bytes = [0, 1, 31, 32, 255];
  const random: RandomBytes = (buf) => {
    buf.set(bytes.slice(0, buf.length));
    return buf;
  };
  assert.equal(generateId(new Set(), { random }), "tg-01z0z");
  // Every byte value lands on the alphabet evenly (256 = 8 × 32).
  const counts = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const id = generateId(new Set(), { random: (buf) => buf.fill(b), length: 1 });
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  assert.equal(counts.size, 32);
  for (const n of counts.values()) assert.equal(n, 8);
});

Deno.test("generateId() retries on a collision", () => {
  let call = 0;
  const random: RandomBytes = (buf) => buf.fill(call++ < 3 ? 0 : 1);
  assert.equal(generateId(new Set(["tg-00000"]), { random }), "tg-11111");
  assert.equal(call, 4);
});

Deno.test("generateId() gives up after 10 collisions with IdCollisionExhausted", () => {
  let calls = 0;
  const random: RandomBytes = (buf) => {
    calls++;
    return buf.fill(7);
  };
  assert.throws(() => generateId(new Set(["tg-77777"]), { random }), (e) => {
    assert.ok(e instanceof TaskStoreError);
    assert.equal(e.code, "IdCollisionExhausted");
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, "ID collision exhausted after 10 attempts");
    return true;
  });
  assert.equal(calls, ID_ATTEMPTS);
  assert.equal(ID_ATTEMPTS, 10);
});

// --- resolution: tg.md §3.2 ---------------------------------------------------------------

Deno.test("resolveId() prefers an exact match", () => {
  assert.equal(resolveId("a1", ["tg-a1", "a1", "a10"]), "a1");
  assert.equal(resolveId("tg-a1", ["tg-a1", "tg-a10"]), "tg-a1");
});

Deno.test("resolveId() then tries the literal tg- prefix", () => {
  assert.equal(resolveId("a1", ["tg-a1", "tg-a10"]), "tg-a1");
  assert.equal(resolveId("3k9xq", ["HAMY-3k9xq", "tg-3k9xq"], { prefixes: ["HAMY"] }), "tg-3k9xq");
});

Deno.test("resolveId() also tries the configured prefix", () => {
  const scope = ["HAMY-5c0f8", "tg-5c111", "HAMY-5c0f9"];
  assert.equal(resolveId("5c0f8", scope, { prefixes: ["HAMY"] }), "HAMY-5c0f8");
  assert.equal(resolveError("5c0f8", scope).message, "Item not found: 5c0f8");
  assert.equal(resolveId("5c1", scope, { prefixes: ["HAMY"] }), "tg-5c111");
});

Deno.test("resolveId() accepts a unique prefix of an ID or of tg- + input", () => {
  const scope = ["tg-3k9xq", "tg-7m2pa", "WRK-a1b2c"];
  assert.equal(resolveId("3k", scope), "tg-3k9xq");
  assert.equal(resolveId("tg-7", scope), "tg-7m2pa");
  assert.equal(resolveId("WRK", scope), "WRK-a1b2c");
});

Deno.test("resolveId() reports an unknown input as ItemNotFound", () => {
  const e = resolveError("zz", ["tg-a1"]);
  assert.equal(e.code, "ItemNotFound");
  assert.equal(e.exitCode, 1);
  assert.equal(e.message, "Item not found: zz");
  assert.equal(resolveError("x", []).message, "Item not found: x");
});

Deno.test("resolveId() lists ambiguous matches in scope order, Rust-debug quoted", () => {
  const e = resolveError("a", ["tg-b1", "tg-a2", "a-x", "tg-a1"]);
  assert.equal(e.code, "AmbiguousId");
  assert.equal(e.exitCode, 1);
  assert.equal(e.message, `Ambiguous ID prefix 'a': matches ["tg-a2", "a-x", "tg-a1"]`);
  const q = resolveError('a"', ['a"1', 'a"2\\\n']);
  assert.equal(q.message, `Ambiguous ID prefix 'a"': matches ["a\\"1", "a\\"2\\\\\\n"]`);
});

Deno.test("resolveId() lists duplicate IDs once per occurrence and picks the first exact one", () => {
  const scope = ["tg-a1", "tg-a1", "tg-b"];
  assert.equal(
    resolveError("tg-a", scope).message,
    `Ambiguous ID prefix 'tg-a': matches ["tg-a1", "tg-a1"]`,
  );
  assert.equal(resolveId("a1", scope), "tg-a1");
  assert.equal(resolveId("tg-a1", scope), "tg-a1");
});

Deno.test("resolveId() is case-sensitive and does no Crockford normalization", () => {
  assert.equal(resolveError("TG-A", ["tg-a1"]).code, "ItemNotFound");
  assert.equal(resolveError("I", ["tg-11111"]).code, "ItemNotFound");
  assert.equal(resolveError("o", ["tg-00000"]).code, "ItemNotFound");
});

Deno.test("resolveId() rejects an empty input", () => {
  const e = resolveError("", ["tg-only"]);
  assert.equal(e.code, "InvalidInput");
  assert.equal(e.exitCode, 1);
  assert.match(e.message, /empty/);
});

Deno.test("debugString() quotes like Rust's {:?}", () => {
  assert.equal(debugString("tg-a1"), '"tg-a1"');
  assert.equal(debugString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(debugString("\n\r\t\0"), '"\\n\\r\\t\\0"');
  assert.equal(debugString("\u0001\u007f\u009f"), '"\\u{1}\\u{7f}\\u{9f}"');
  assert.equal(debugString("é😀'"), `"é😀'"`);
});
