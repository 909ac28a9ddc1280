/**
 * Item IDs: generation (`<prefix>-<random>`, lowercase Crockford base32) and
 * resolution of what a user typed (exact, prefixed, unique prefix).
 *
 * @module
 */

import { invalidInput, itemNotFound, TaskStoreError } from "./errors.ts";
import { compareCodePoints } from "./json.ts";

/** The default ID prefix. */
export const DEFAULT_ID_PREFIX = "tg";
/** The default length of the random part. */
export const DEFAULT_ID_LENGTH = 5;
/** Characters of the random part: digits and lowercase letters without i, l, o, u. */
export const ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
/** Attempts before giving up on a collision-free ID. */
export const ID_ATTEMPTS = 10;

/** Fills a buffer with random bytes (default: `crypto.getRandomValues`). */
export type RandomBytes = (buf: Uint8Array) => Uint8Array;

function cryptoRandom(buf: Uint8Array): Uint8Array {
  return crypto.getRandomValues(buf);
}

/** Options for {@linkcode generateId}. */
export interface GenerateIdOptions {
  /** Prefix before the `-` (default `tg`). */
  prefix?: string;
  /** Length of the random part (default 5). */
  length?: number;
  /** Source of randomness. */
  random?: RandomBytes;
}

/**
 * Generates a new ID that is not in `existing`, trying up to 10 times.
 *
 * @param existing IDs already used (active and archived).
 * @param options Prefix, length and randomness.
 * @returns The ID.
 * @throws {TaskStoreError} `IdCollisionExhausted` after 10 collisions.
 *
 * @example
 * ```ts
 * import { generateId } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const id = generateId(new Set(), { prefix: "WRK", length: 5 });
 * assert.match(id, /^WRK-[0-9a-hjkmnp-tv-z]{5}$/);
 * ```
 */
export function generateId(existing: ReadonlySet<string>, options: GenerateIdOptions = {}): string {
  const prefix = options.prefix ?? DEFAULT_ID_PREFIX;
  const length = options.length ?? DEFAULT_ID_LENGTH;
  const random = options.random ?? cryptoRandom;
  for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
    const bytes = random(new Uint8Array(length));
    let id = prefix + "-";
    for (const b of bytes) id += ID_ALPHABET[b & 31];
    if (!existing.has(id)) return id;
  }
  throw new TaskStoreError(
    "IdCollisionExhausted",
    `ID collision exhausted after ${ID_ATTEMPTS} attempts`,
  );
}

/** Options for {@linkcode resolveId}. */
export interface ResolveIdOptions {
  /**
   * Prefixes tried before a bare input (`<prefix>-<input>`), in order. The
   * default prefix `tg` is always tried first; add the configured one here.
   */
  prefixes?: readonly string[];
  /**
   * Archived IDs, also in scope. They count as a set (an ID archived twice
   * is one match) and follow the active IDs, sorted, in an ambiguity error.
   */
  archive?: Iterable<string>;
}

/**
 * Resolves user input to an ID of `scope` (active IDs in file order, plus
 * `options.archive`): exact match, then `<prefix>-<input>`, then a unique
 * prefix of either.
 *
 * @param input What the user typed.
 * @param scope The active IDs that may match, duplicates included.
 * @param options Extra prefixes and the archived IDs in scope.
 * @returns The matched ID.
 * @throws {TaskStoreError} `ItemNotFound`, `AmbiguousId`, or `InvalidInput` for an empty input.
 *
 * @example
 * ```ts
 * import { resolveId } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(resolveId("3k9", ["tg-3k9xq", "tg-7m2pa"]), "tg-3k9xq");
 * assert.throws(() => resolveId("tg-", ["tg-3k9xq", "tg-7m2pa"]), /Ambiguous ID prefix/);
 * ```
 */
export function resolveId(
  input: string,
  scope: readonly string[],
  options: ResolveIdOptions = {},
): string {
  if (input === "") throw invalidInput("Item ID cannot be empty");
  if (options.archive !== undefined) {
    scope = [...scope, ...[...new Set(options.archive)].sort(compareCodePoints)];
  }
  for (const id of scope) if (id === input) return id;
  const candidates = [DEFAULT_ID_PREFIX, ...(options.prefixes ?? [])]
    .filter((p, i, all) => all.indexOf(p) === i)
    .map((p) => `${p}-${input}`);
  for (const c of candidates) {
    for (const id of scope) if (id === c) return id;
  }
  const starts = [input, ...candidates];
  const matches = scope.filter((id) => starts.some((s) => id.startsWith(s)));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw itemNotFound(input);
  throw new TaskStoreError(
    "AmbiguousId",
    `Ambiguous ID prefix '${input}': matches [${matches.map(debugString).join(", ")}]`,
    { detail: input },
  );
}

/**
 * Quotes a string the way Rust's `{:?}` does (used in upstream messages).
 *
 * @param s The string.
 * @returns The quoted form.
 */
export function debugString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c === 0) out += "\\0";
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}
