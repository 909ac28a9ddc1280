/**
 * Editing extensions from the command line: the `--set KEY=VALUE` grammar,
 * dot paths into nested objects, and the JSON-or-string value rule.
 *
 * @module
 */

import { invalidInput } from "./errors.ts";
import { jsonDepth, type JsonObject, type JsonValue, MAX_JSON_DEPTH, parseJson } from "./json.ts";

/** One parsed `--set`: a path and a value, or `undefined` to delete. */
export interface SetOperation {
  /** Dot-path segments; the first starts with `x-`. */
  path: string[];
  /** The value, or `undefined` to delete the path. */
  value: JsonValue | undefined;
}

/**
 * Splits a dot path and validates it.
 *
 * @param key e.g. `x-meta.owner`.
 * @returns Segments.
 * @throws {TaskStoreError} `InvalidInput` for an empty key, a first segment without `x-`, or an empty segment.
 */
export function parseDotPath(key: string): string[] {
  const segs = key.split(".");
  const first = segs[0]!;
  if (first === "") throw invalidInput("Extension key cannot be empty");
  if (!first.startsWith("x-")) {
    throw invalidInput(`Extension key must start with 'x-', got '${first}'`);
  }
  if (segs.some((s) => s === "")) throw invalidInput(`Extension key has empty segment: '${key}'`);
  return segs;
}

/**
 * Interprets a `--set` value: JSON numbers, booleans, `null`, arrays and
 * objects are used as parsed; a JSON string only when the text starts with
 * `"`; anything else is the literal text. Numbers are converted with
 * upstream's arithmetic, so a value is stored exactly as upstream stores it
 * (even where that is not the nearest double).
 *
 * @param text The value text (non-empty).
 * @returns The value.
 *
 * @example
 * ```ts
 * import { parseSetValue } from "./extensions.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseSetValue(" 42"), 42n);
 * assert.equal(parseSetValue("1e400"), "1e400");
 * assert.equal(parseSetValue('"quoted"'), "quoted");
 * assert.equal(parseSetValue("True"), "True");
 * assert.equal(parseSetValue("9007199254740993.0"), 9007199254740994);
 * ```
 */
export function parseSetValue(text: string): JsonValue {
  let v: JsonValue;
  try {
    v = parseJson(text, { maxDepth: MAX_JSON_DEPTH, numbers: "upstream" });
  } catch {
    return text;
  }
  if (typeof v === "string" && !text.startsWith('"')) return text;
  return v;
}

/**
 * Parses one `--set KEY=VALUE` (empty VALUE deletes).
 *
 * @param input The flag's argument.
 * @returns The operation.
 * @throws {TaskStoreError} `InvalidInput` for a missing `=` or a bad key.
 */
export function parseSetFlag(input: string): SetOperation {
  const eq = input.indexOf("=");
  if (eq < 0) {
    throw invalidInput(
      `Invalid --set format '${input}': expected KEY=VALUE or KEY= (to delete)`,
    );
  }
  const path = parseDotPath(input.slice(0, eq));
  const raw = input.slice(eq + 1);
  return { path, value: raw === "" ? undefined : parseSetValue(raw) };
}

/**
 * Sets a value at a dot path, creating (or replacing non-object) intermediates.
 *
 * @param ext Extensions (mutated).
 * @param path Segments.
 * @param value The value.
 */
export function setNested(ext: JsonObject, path: readonly string[], value: JsonValue): void {
  let cur = ext;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const next = cur[k];
    if (typeof next !== "object" || next === null || Array.isArray(next)) {
      const created: JsonObject = Object.create(null);
      cur[k] = created;
      cur = created;
    } else {
      cur = next;
    }
  }
  cur[path[path.length - 1]!] = value;
}

/**
 * Deletes a dot path, removing parent objects that become empty. Deleting a
 * missing path or through a non-object is a no-op.
 *
 * @param ext Extensions (mutated).
 * @param path Segments.
 */
export function deleteNested(ext: JsonObject, path: readonly string[]): void {
  const chain: JsonObject[] = [ext];
  for (let i = 0; i < path.length - 1; i++) {
    const next = Object.hasOwn(chain[i]!, path[i]!) ? chain[i]![path[i]!] : undefined;
    if (typeof next !== "object" || next === null || Array.isArray(next)) return;
    chain.push(next);
  }
  const last = chain[chain.length - 1]!;
  const key = path[path.length - 1]!;
  if (!Object.hasOwn(last, key)) return;
  delete last[key];
  for (let i = chain.length - 1; i > 0; i--) {
    if (Object.keys(chain[i]!).length > 0) break;
    delete chain[i - 1]![path[i - 1]!];
  }
}

/**
 * Applies `--set` operations left to right, then refuses any extension that
 * would nest deeper than a reader accepts (upstream wrote such lines and
 * could not read them back).
 *
 * @param ext Extensions (mutated).
 * @param ops Operations in order.
 * @throws {TaskStoreError} `InvalidInput` when a value nests too deeply.
 */
export function applySets(ext: JsonObject, ops: readonly SetOperation[]): void {
  for (const op of ops) {
    if (op.value === undefined) deleteNested(ext, op.path);
    else setNested(ext, op.path, op.value);
  }
  for (const op of ops) {
    const top = op.path[0]!;
    const v = ext[top];
    // The item object is one level; its extension values may nest 126 more.
    if (v !== undefined && jsonDepth(v) > MAX_JSON_DEPTH - 1) {
      throw invalidInput(
        `Extension '${top}' would be nested ${jsonDepth(v)} levels deep; at most ${
          MAX_JSON_DEPTH - 1
        } are allowed`,
      );
    }
  }
}
