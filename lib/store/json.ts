/**
 * Exact JSON for the store: a number-preserving parser and the canonical
 * writers (compact and pretty) that reproduce upstream `tg`'s bytes.
 *
 * Integers that fit u64 or i64 are kept as `bigint`; every other number is an
 * IEEE double (`number`) and is written with the float rule of tg.md §2.5
 * (`1.0`, `1e+16`, `-0.0`). Objects are null-prototype records whose keys are
 * written in code-point order.
 *
 * @module
 */

/** A JSON value as the store keeps it: integers are `bigint`, floats `number`. */
export type JsonValue =
  | null
  | boolean
  | string
  | bigint
  | number
  | JsonValue[]
  | JsonObject;

/** A JSON object. Keys are written sorted by code point, whatever their insertion order. */
export interface JsonObject {
  /** A member. */
  [key: string]: JsonValue;
}

/** Deepest container nesting a reader accepts (upstream's recursion limit is 128). */
export const MAX_JSON_DEPTH = 127;

const U64_MAX = 18446744073709551615n;
const I64_MIN = -9223372036854775808n;

/** Input that is not valid JSON for the store's rules; `column` is 1-based. */
export class JsonSyntaxError extends SyntaxError {
  /** 1-based column (in UTF-16 units) where the problem was found. */
  readonly column: number;
  /**
   * Creates a syntax error at a column.
   *
   * @param message What is wrong.
   * @param column Where, 1-based.
   */
  constructor(message: string, column: number) {
    super(`${message} at line 1 column ${column}`);
    this.name = "JsonSyntaxError";
    this.column = column;
  }
}

/** Options for {@linkcode parseJson}. */
export interface ParseJsonOptions {
  /** Deepest accepted container nesting (default {@linkcode MAX_JSON_DEPTH}). */
  maxDepth?: number;
  /**
   * How float tokens become doubles. `exact` (default): a token that is
   * already the canonical text of a double keeps it (so rewriting a line is
   * the identity), any other is rounded with upstream `tg`'s arithmetic.
   * `upstream`: every token is rounded upstream's way, as upstream does for
   * `--set` values (`-1.5e-300` → `-1.4999999999999998e-300`).
   */
  numbers?: "exact" | "upstream";
}

/**
 * Parses one JSON text exactly: integers as `bigint` when they fit u64/i64,
 * floats as `number`, lone surrogates and overflowing numbers rejected.
 *
 * @param text The JSON text.
 * @param options Depth limit.
 * @returns The value.
 *
 * @example Integers stay exact
 * ```ts
 * import { parseJson } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(parseJson("18446744073709551615"), 18446744073709551615n);
 * assert.equal(parseJson("1.0"), 1);
 * ```
 */
export function parseJson(text: string, options: ParseJsonOptions = {}): JsonValue {
  const p = new JsonParser(
    text,
    options.maxDepth ?? MAX_JSON_DEPTH,
    options.numbers === "upstream",
  );
  p.skipWs();
  const v = p.value(0);
  p.skipWs();
  if (p.pos < text.length) p.fail("trailing characters");
  return v;
}

/**
 * Parses a JSON object and returns its top-level members in input order,
 * duplicates included, so callers can apply their own duplicate rules.
 * Nested values follow {@linkcode parseJson}. The object itself counts as one
 * level of depth.
 *
 * @param text The JSON text; must be an object.
 * @param options Depth limit.
 * @returns The members as `[key, value]` pairs.
 */
export function parseJsonMembers(
  text: string,
  options: ParseJsonOptions = {},
): [string, JsonValue][] {
  const p = new JsonParser(
    text,
    options.maxDepth ?? MAX_JSON_DEPTH,
    options.numbers === "upstream",
  );
  p.skipWs();
  if (text.charCodeAt(p.pos) !== 0x7b) {
    if (p.pos >= text.length) p.fail("EOF while parsing a value");
    p.fail("invalid type: expected a JSON object");
  }
  const members = p.members(0);
  p.skipWs();
  if (p.pos < text.length) p.fail("trailing characters");
  return members;
}

class JsonParser {
  pos = 0;
  readonly #s: string;
  readonly #maxDepth: number;
  readonly #upstreamNumbers: boolean;

  constructor(s: string, maxDepth: number, upstreamNumbers: boolean) {
    this.#s = s;
    this.#maxDepth = maxDepth;
    this.#upstreamNumbers = upstreamNumbers;
  }

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos + 1);
  }

  skipWs(): void {
    const s = this.#s;
    let i = this.pos;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.pos = i;
  }

  value(depth: number): JsonValue {
    const s = this.#s;
    const c = s.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: { // {
        const obj: JsonObject = Object.create(null);
        for (const [k, v] of this.members(depth)) obj[k] = v;
        return obj;
      }
      case 0x5b: { // [
        if (depth + 1 > this.#maxDepth) this.fail("recursion limit exceeded");
        this.pos++;
        const arr: JsonValue[] = [];
        this.skipWs();
        if (s.charCodeAt(this.pos) === 0x5d) {
          this.pos++;
          return arr;
        }
        for (;;) {
          this.skipWs();
          arr.push(this.value(depth + 1));
          this.skipWs();
          const d = s.charCodeAt(this.pos);
          if (d === 0x2c) {
            this.pos++;
            continue;
          }
          if (d === 0x5d) {
            this.pos++;
            return arr;
          }
          if (this.pos >= s.length) this.fail("EOF while parsing a list");
          this.fail("expected `,` or `]`");
        }
      }
      case 0x22:
        return this.string();
      case 0x74:
        return this.literal("true", true);
      case 0x66:
        return this.literal("false", false);
      case 0x6e:
        return this.literal("null", null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        if (this.pos >= s.length) this.fail("EOF while parsing a value");
        this.fail("expected value");
    }
  }

  members(depth: number): [string, JsonValue][] {
    if (depth + 1 > this.#maxDepth) this.fail("recursion limit exceeded");
    const s = this.#s;
    this.pos++; // {
    const out: [string, JsonValue][] = [];
    this.skipWs();
    if (s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (s.charCodeAt(this.pos) !== 0x22) {
        if (this.pos >= s.length) this.fail("EOF while parsing an object");
        this.fail("key must be a string");
      }
      const key = this.string();
      this.skipWs();
      if (s.charCodeAt(this.pos) !== 0x3a) {
        if (this.pos >= s.length) this.fail("EOF while parsing an object");
        this.fail("expected `:`");
      }
      this.pos++;
      this.skipWs();
      out.push([key, this.value(depth + 1)]);
      this.skipWs();
      const d = s.charCodeAt(this.pos);
      if (d === 0x2c) {
        this.pos++;
        continue;
      }
      if (d === 0x7d) {
        this.pos++;
        return out;
      }
      if (this.pos >= s.length) this.fail("EOF while parsing an object");
      this.fail("expected `,` or `}`");
    }
  }

  literal<T>(word: string, v: T): T {
    if (this.#s.startsWith(word, this.pos)) {
      this.pos += word.length;
      return v;
    }
    this.pos++;
    this.fail("expected ident");
  }

  number(): bigint | number {
    const s = this.#s;
    const start = this.pos;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) i++;
    const first = s.charCodeAt(i);
    if (first === 0x30) {
      i++;
    } else if (first >= 0x31 && first <= 0x39) {
      while (isDigit(s.charCodeAt(i))) i++;
    } else {
      this.pos = i;
      this.fail("invalid number");
    }
    let isFloat = false;
    if (s.charCodeAt(i) === 0x2e) {
      isFloat = true;
      i++;
      if (!isDigit(s.charCodeAt(i))) {
        this.pos = i;
        this.fail("invalid number");
      }
      while (isDigit(s.charCodeAt(i))) i++;
    }
    const e = s.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      isFloat = true;
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!isDigit(s.charCodeAt(i))) {
        this.pos = i;
        this.fail("invalid number");
      }
      while (isDigit(s.charCodeAt(i))) i++;
    }
    const token = s.slice(start, i);
    this.pos = i;
    const overflow = (): never => {
      this.pos = start;
      this.fail("number out of range");
    };
    return numberFromToken(token, isFloat, overflow, this.#upstreamNumbers);
  }

  string(): string {
    const s = this.#s;
    let i = this.pos + 1;
    let out = "";
    let chunk = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(chunk, i);
        this.pos = i + 1;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(chunk, i);
        i++;
        const e = s.charCodeAt(i);
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += "\\";
            break;
          case 0x2f:
            out += "/";
            break;
          case 0x62:
            out += "\b";
            break;
          case 0x66:
            out += "\f";
            break;
          case 0x6e:
            out += "\n";
            break;
          case 0x72:
            out += "\r";
            break;
          case 0x74:
            out += "\t";
            break;
          case 0x75: {
            const cu = this.#hex4(i + 1);
            i += 4;
            if (cu >= 0xd800 && cu <= 0xdbff) {
              if (s.charCodeAt(i + 1) !== 0x5c || s.charCodeAt(i + 2) !== 0x75) {
                this.pos = i + 1;
                this.fail("unexpected end of hex escape: lone leading surrogate in hex escape");
              }
              const lo = this.#hex4(i + 3);
              if (lo < 0xdc00 || lo > 0xdfff) {
                this.pos = i + 3;
                this.fail("lone leading surrogate in hex escape");
              }
              out += String.fromCharCode(cu, lo);
              i += 6;
            } else if (cu >= 0xdc00 && cu <= 0xdfff) {
              this.pos = i;
              this.fail("lone trailing surrogate in hex escape");
            } else {
              out += String.fromCharCode(cu);
            }
            break;
          }
          default:
            this.pos = i;
            if (i >= s.length) this.fail("EOF while parsing a string");
            this.fail("invalid escape");
        }
        i++;
        chunk = i;
        continue;
      }
      if (c < 0x20) {
        this.pos = i;
        this.fail("control character (\\u0000-\\u001F) found while parsing a string");
      }
      if (c !== c) { // NaN: end of input
        this.pos = i;
        this.fail("EOF while parsing a string");
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        // Raw surrogates come only from decoded UTF-16; a lone one is invalid.
        const next = s.charCodeAt(i + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          i += 2;
          continue;
        }
        this.pos = i;
        this.fail("invalid unicode code point");
      }
      i++;
    }
  }

  #hex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.#s.charCodeAt(at + k);
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else {
        this.pos = at + k;
        this.fail(at + k >= this.#s.length ? "EOF while parsing a string" : "invalid escape");
      }
      v = v * 16 + d;
    }
    return v;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Turns a valid JSON number token into the store's value: `bigint` for
 * integers in u64/i64 range, `number` otherwise (rounded the way upstream
 * rounds, see {@linkcode upstreamFloat}). Calls `overflow` (which must throw)
 * when the value does not fit a double. With `always`, canonical float
 * tokens are rounded that way too, as upstream does for `--set` values.
 */
function numberFromToken(
  token: string,
  isFloat: boolean,
  overflow: () => never,
  always = false,
): bigint | number {
  if (!isFloat) {
    if (token === "-0") return -0;
    // Up to 18 digits always fits both ranges.
    if (token.length <= 18) return BigInt(token);
    const big = BigInt(token);
    if (big >= I64_MIN && big <= U64_MAX) return big;
    if (big < 0n && big >= -U64_MAX) return Number(big);
  } else if (!always) {
    // A token that already is the canonical text of a double (as every line
    // the canonical writer produced) keeps exactly that double, so a rewrite
    // is the identity. Upstream would re-round some of them on every rewrite
    // (`-6.199999999999999e+74` → `-6.199999999999998e+74`).
    const exact = Number(token);
    if (Number.isFinite(exact) && formatFloat(exact) === token) return exact;
  }
  const f = upstreamFloat(token);
  if (f === null) overflow();
  return f;
}

/** 1e0 … 1e308, each the correctly rounded double. */
const POW10: readonly number[] = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`));
const U64_MAX_DIV_10 = 1844674407370955161n;
const I32_MAX = 2147483647;
const I32_MIN = -2147483648;

/**
 * The double upstream's JSON reader (serde_json without `float_roundtrip`)
 * makes of a number token, or `null` when it reports "number out of range".
 *
 * That reader is not correctly rounded: it keeps the first digits that fit a
 * u64 significand (dropping the rest, counted in the exponent for integer
 * digits), converts the significand to a double and then multiplies or
 * divides by one power of ten (`9007199254740993.0` → `9007199254740994.0`,
 * `1.7976931348623158e308` → out of range). Stored bytes depend on it, so
 * it is reproduced step for step here.
 */
function upstreamFloat(token: string): number | null {
  const n = token.length;
  let i = 0;
  const negative = token.charCodeAt(0) === 0x2d;
  if (negative) i = 1;
  // The significand: exact as a double below 2^53, as a bigint above.
  let small = 0;
  let big: bigint | null = null;
  const push = (d: number): boolean => {
    if (big === null) {
      if (small < 900719925474099) {
        small = small * 10 + d;
        return true;
      }
      big = BigInt(small);
    }
    if (big > U64_MAX_DIV_10 || (big === U64_MAX_DIV_10 && d > 5)) return false;
    big = big * 10n + BigInt(d);
    return true;
  };
  let exponent = 0;
  let full = false;
  let c = token.charCodeAt(i);
  while (isDigit(c)) {
    if (full || !push(c - 0x30)) {
      full = true;
      exponent++;
    }
    c = token.charCodeAt(++i);
  }
  if (c === 0x2e) {
    full = false;
    c = token.charCodeAt(++i);
    while (isDigit(c)) {
      if (!full) {
        if (push(c - 0x30)) exponent--;
        else full = true;
      }
      c = token.charCodeAt(++i);
    }
  }
  if (c === 0x65 || c === 0x45) {
    c = token.charCodeAt(++i);
    let positiveExp = true;
    if (c === 0x2b || c === 0x2d) {
      positiveExp = c === 0x2b;
      c = token.charCodeAt(++i);
    }
    let e = 0;
    let first = true;
    while (i < n && isDigit(c)) {
      const d = c - 0x30;
      if (!first && (e > 214748364 || (e === 214748364 && d > 7))) {
        const zero = big === null ? small === 0 : big === 0n;
        if (!zero && positiveExp) return null;
        return negative ? -0 : 0;
      }
      e = e * 10 + d;
      first = false;
      c = token.charCodeAt(++i);
    }
    exponent = positiveExp ? exponent + e : exponent - e;
    if (exponent > I32_MAX) exponent = I32_MAX;
    if (exponent < I32_MIN) exponent = I32_MIN;
  }
  let f = big === null ? small : Number(big);
  for (;;) {
    const a = Math.abs(exponent);
    if (a < POW10.length) {
      if (exponent >= 0) {
        f *= POW10[a]!;
        if (!Number.isFinite(f)) return null;
      } else {
        f /= POW10[a]!;
      }
      break;
    }
    if (f === 0) break;
    if (exponent >= 0) return null;
    f /= 1e308;
    exponent += 308;
  }
  return negative ? -f : f;
}

/**
 * Formats a double by the store's float rule: shortest round-trip digits,
 * fixed notation with a fractional part for decimal exponents −5..15,
 * scientific with an explicit exponent sign otherwise.
 *
 * @param x A finite number.
 * @returns The canonical text.
 *
 * @example
 * ```ts
 * import { formatFloat } from "./json.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatFloat(1), "1.0");
 * assert.equal(formatFloat(1e16), "1e+16");
 * assert.equal(formatFloat(-0), "-0.0");
 * assert.equal(formatFloat(0.000001), "1e-6");
 * ```
 */
export function formatFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`Cannot write non-finite number ${x} as JSON`);
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const exp = x.toExponential(); // e.g. "-1.5e+300"
  const sign = exp.charCodeAt(0) === 0x2d ? "-" : "";
  const body = sign ? exp.slice(1) : exp;
  const ePos = body.indexOf("e");
  const mantissa = body.slice(0, ePos);
  const d = Number(body.slice(ePos + 1));
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  const n = digits.length;
  if (d >= -5 && d <= 15) {
    if (d >= n - 1) return sign + digits + "0".repeat(d - (n - 1)) + ".0";
    if (d >= 0) return sign + digits.slice(0, d + 1) + "." + digits.slice(d + 1);
    return sign + "0." + "0".repeat(-d - 1) + digits;
  }
  return sign + digits[0] + (n > 1 ? "." + digits.slice(1) : "") + "e" + (d >= 0 ? "+" : "-") +
    Math.abs(d);
}

/**
 * Compares two strings by Unicode code point (the order of their UTF-8
 * bytes), unlike `<`, which compares UTF-16 units.
 *
 * @param a First string.
 * @param b Second string.
 * @returns Negative, zero or positive.
 *
 * @example
 * ```ts
 * import { compareCodePoints } from "./json.ts";
 * import assert from "node:assert/strict";
 * assert.ok(compareCodePoints("\uffff", "😀") < 0); // "<" says the opposite
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // Surrogates (astral code points) sort after U+E000..U+FFFF.
        x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
        y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/**
 * Writes a string as a JSON string literal: short escapes for `\b \f \n \r \t`,
 * `\u00xx` for other control characters, everything else raw.
 *
 * @param s A well-formed string (no lone surrogates).
 * @returns The quoted literal.
 */
export function quoteJsonString(s: string): string {
  if (!s.isWellFormed()) {
    throw new TypeError(`Cannot write a string with a lone surrogate: ${JSON.stringify(s)}`);
  }
  return JSON.stringify(s);
}

/** Sorted own keys of an object, by code point. */
export function sortedKeys(obj: JsonObject): string[] {
  const keys = Object.keys(obj);
  for (let i = 1; i < keys.length; i++) {
    if (compareCodePoints(keys[i - 1]!, keys[i]!) > 0) return keys.sort(compareCodePoints);
  }
  return keys;
}

/**
 * Writes a value compactly in canonical form (sorted object keys, store
 * number rules).
 *
 * @param v The value.
 * @returns Compact JSON text.
 *
 * @example
 * ```ts
 * import { stringifyCompact } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(stringifyCompact({ b: 1n, a: [true, 2.5] }), '{"a":[true,2.5],"b":1}');
 * ```
 */
export function stringifyCompact(v: JsonValue): string {
  switch (typeof v) {
    case "string":
      return quoteJsonString(v);
    case "bigint":
      return v.toString();
    case "number":
      return formatFloat(v);
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (v === null) return "null";
      if (Array.isArray(v)) {
        let out = "[";
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ",";
          out += stringifyCompact(v[i] as JsonValue);
        }
        return out + "]";
      }
      let out = "{";
      let first = true;
      for (const k of sortedKeys(v)) {
        if (!first) out += ",";
        first = false;
        out += quoteJsonString(k) + ":" + stringifyCompact(v[k] as JsonValue);
      }
      return out + "}";
    }
    default:
      throw new TypeError(`Cannot write a ${typeof v} as JSON`);
  }
}

/**
 * Writes a value pretty-printed the way upstream does (two-space indent,
 * `"key": value`, `[]`/`{}` when empty), keys sorted.
 *
 * @param v The value.
 * @param indent Indentation of the value's own line (for nesting).
 * @returns Pretty JSON text without a trailing newline.
 */
export function stringifyPretty(v: JsonValue, indent = ""): string {
  if (typeof v !== "object" || v === null) return stringifyCompact(v);
  const inner = indent + "  ";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    let out = "[\n";
    for (let i = 0; i < v.length; i++) {
      out += inner + stringifyPretty(v[i] as JsonValue, inner) + (i + 1 < v.length ? ",\n" : "\n");
    }
    return out + indent + "]";
  }
  const keys = sortedKeys(v);
  if (keys.length === 0) return "{}";
  let out = "{\n";
  keys.forEach((k, i) => {
    out += inner + quoteJsonString(k) + ": " + stringifyPretty(v[k] as JsonValue, inner) +
      (i + 1 < keys.length ? ",\n" : "\n");
  });
  return out + indent + "}";
}

/**
 * Container nesting depth of a value: 0 for scalars, 1 for `[]` or `{}`.
 *
 * @param v The value.
 * @returns The depth.
 */
export function jsonDepth(v: JsonValue): number {
  if (typeof v !== "object" || v === null) return 0;
  let max = 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  for (const c of children) {
    const d = jsonDepth(c);
    if (d > max) max = d;
  }
  return max + 1;
}

/**
 * Deep-copies a value into store form: objects become null-prototype
 * records, and the copy is checked (no `undefined`, functions, non-finite
 * numbers or lone surrogates).
 *
 * @param v The value.
 * @returns An independent copy.
 */
export function cloneJson(v: JsonValue): JsonValue {
  switch (typeof v) {
    case "string":
    case "bigint":
    case "boolean":
      return v;
    case "number":
      if (!Number.isFinite(v)) throw new TypeError(`Cannot store non-finite number ${v}`);
      return v;
    case "object": {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map(cloneJson);
      const out: JsonObject = Object.create(null);
      for (const k of Object.keys(v)) out[k] = cloneJson(v[k] as JsonValue);
      return out;
    }
    default:
      throw new TypeError(`Cannot store a ${typeof v} as JSON`);
  }
}
