/**
 * `tg dump [--yaml]`: every active and archived item, as pretty JSON with
 * alphabetical keys, or as YAML (the `yaml` package is loaded only here).
 */

import type { Parsed } from "../_args.ts";
import { type Item, itemToJsonObject, itemToPrettyJson } from "../../lib/store/item.ts";
import { formatFloat, type JsonValue, sortedKeys } from "../../lib/store/json.ts";
import type { TgContext } from "./_context.ts";
import { plainItem } from "./_format.ts";

/** Runs `tg dump`. */
export async function dump(p: Parsed, ctx: TgContext): Promise<void> {
  const store = await ctx.store();
  const active = await store.loadActive();
  const archive = await store.loadArchive();
  await ctx.out(p.flag("yaml") ? await dumpYaml(active, archive) : dumpJson(active, archive));
}

function jsonList(items: readonly Item[]): string {
  if (items.length === 0) return "[]";
  return "[\n" + items.map((it) => "    " + itemToPrettyJson(it, "    ", true)).join(",\n") +
    "\n  ]";
}

/**
 * The JSON form: `{"active": [...], "archive": [...]}`, item keys alphabetical.
 *
 * @param active Active items in file order.
 * @param archive Archived items in file order.
 * @returns Pretty JSON with a trailing newline.
 */
export function dumpJson(active: readonly Item[], archive: readonly Item[]): string {
  const fast = (items: readonly Item[]) => {
    const out: Record<string, unknown>[] = [];
    for (const it of items) {
      const p = plainItem(it, true);
      if (p === null) return null;
      out.push(p);
    }
    return out;
  };
  const a = fast(active);
  const b = a === null ? null : fast(archive);
  if (a !== null && b !== null) return JSON.stringify({ active: a, archive: b }, null, 2) + "\n";
  return `{\n  "active": ${jsonList(active)},\n  "archive": ${jsonList(archive)}\n}\n`;
}

/** Converts a store value to what the YAML writer takes: Maps keep key order. */
function yamlValue(v: JsonValue): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(yamlValue);
  const m = new Map<string, unknown>();
  for (const k of sortedKeys(v)) m.set(k, yamlValue(v[k]!));
  return m;
}

/** Floats (JS numbers; integers are bigints) are spelled as upstream writes them: `1.0`, `1e16`. */
const FLOAT_TAG = {
  identify: (v: unknown): boolean => typeof v === "number",
  default: true,
  tag: "tag:yaml.org,2002:float",
  test: /(?!)/, // never used to resolve plain scalars
  resolve: (s: string): number => Number(s),
  stringify: (item: { value: unknown }): string =>
    formatFloat(item.value as number).replace("e+", "e"),
};

/** Characters YAML cannot hold raw (or that the `yaml` writer would fold into extra lines). */
// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;
const NAMED_ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
  "\x85": "\\N",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

/**
 * A double-quoted YAML scalar on one line, with escapes for every character
 * YAML does not allow raw.
 *
 * @param s The string.
 * @returns The quoted scalar.
 */
export function yamlDoubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (NEEDS_ESCAPE.test(ch)) {
      const c = ch.codePointAt(0)!;
      out += c <= 0xff
        ? "\\x" + c.toString(16).toUpperCase().padStart(2, "0")
        : "\\u" + c.toString(16).toUpperCase().padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

/** Strings with control or separator characters are written double-quoted on one line. */
const ESCAPED_STRING_TAG = {
  identify: (v: unknown): boolean => typeof v === "string" && NEEDS_ESCAPE.test(v),
  default: true,
  tag: "tag:yaml.org,2002:str",
  test: /(?!)/, // never used to resolve plain scalars
  resolve: (s: string): string => s,
  stringify: (item: { value: unknown }): string => yamlDoubleQuoted(item.value as string),
};

/**
 * The YAML form of the same data (YAML 1.2, block style, strings quoted
 * only when needed).
 *
 * @param active Active items in file order.
 * @param archive Archived items in file order.
 * @returns The YAML document.
 */
export async function dumpYaml(active: readonly Item[], archive: readonly Item[]): Promise<string> {
  const YAML = await import("yaml");
  const data = new Map<string, unknown>([
    ["active", active.map((it) => yamlValue(itemToJsonObject(it)))],
    ["archive", archive.map((it) => yamlValue(itemToJsonObject(it)))],
  ]);
  const doc = new YAML.Document(data, {
    aliasDuplicateObjects: false,
    customTags: (tags) => [
      FLOAT_TAG as unknown as (typeof tags)[number],
      ESCAPED_STRING_TAG as unknown as (typeof tags)[number],
      ...tags,
    ],
  });
  return doc.toString({
    indentSeq: false,
    lineWidth: 0,
    singleQuote: true,
    doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER,
  });
}
