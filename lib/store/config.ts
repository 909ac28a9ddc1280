/**
 * `.task-golem/config.yaml`: the ID prefix and length used by `tg add`.
 *
 * Simple files (`key: value` lines and comments) are read by a small fast
 * parser; anything else goes through the `yaml` package, loaded on demand.
 *
 * @module
 */

import type { FileSystem } from "../io/fs.ts";
import { DEFAULT_ID_LENGTH, DEFAULT_ID_PREFIX } from "./id.ts";
import { invalidInput, ioError, type TaskStoreError } from "./errors.ts";

/** Store configuration. */
export interface StoreConfig {
  /** ID prefix (default `tg`). */
  idPrefix: string;
  /** Length of the random ID part, 3..12 (default 5). */
  idLen: number;
  /** Whether `config.yaml` exists. */
  fromFile: boolean;
}

const DEFAULTS: StoreConfig = {
  idPrefix: DEFAULT_ID_PREFIX,
  idLen: DEFAULT_ID_LENGTH,
  fromFile: false,
};

// `key: value`, optionally followed by whitespace and a comment (a `#` right
// after the value would be part of it).
const SIMPLE_LINE =
  /^([A-Za-z_][A-Za-z0-9_]*):[ \t]+([A-Za-z0-9_][A-Za-z0-9_-]*)(?:[ \t]+(?:#.*)?)?$/;
const COMMENT_OR_BLANK = /^[ \t]*(?:#.*)?$/;
const U64_MAX = 18446744073709551615n;

/**
 * Reads a plain YAML scalar as an unsigned integer the way upstream's YAML
 * library does: optional `+`, then `0x`/`0o`/`0b` digits or decimal digits
 * without a leading zero.
 *
 * @returns The value, or `undefined` when the scalar is not an unsigned integer.
 */
function yamlUnsigned(src: string): bigint | undefined {
  const s = src.startsWith("+") ? src.slice(1) : src;
  const radix: [string, RegExp][] = [["0x", /^[0-9a-fA-F]+$/], ["0o", /^[0-7]+$/], [
    "0b",
    /^[01]+$/,
  ]];
  for (const [prefix, digits] of radix) {
    if (s.startsWith(prefix) && digits.test(s.slice(2))) {
      const n = BigInt(prefix === "0o" ? "0o" + s.slice(2) : s);
      return n <= U64_MAX ? n : undefined;
    }
  }
  if (!/^[0-9]+$/.test(s) || (s.length > 1 && s.startsWith("0"))) return undefined;
  const n = BigInt(s);
  return n <= U64_MAX ? n : undefined;
}

const YAML_NULL = new Set(["", "~", "null", "Null", "NULL"]);
const YAML_BOOL = new Set(["true", "True", "TRUE", "false", "False", "FALSE"]);
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** How upstream names a plain scalar that is not what a field expects. */
function describePlain(src: string): string {
  if (YAML_NULL.has(src)) return "unit value";
  if (YAML_BOOL.has(src)) return `boolean \`${src.toLowerCase()}\``;
  // Leading zeros make a string (YAML 1.2), not a number.
  if (/^[-+]?0[0-9]+$/.test(src)) return `string ${JSON.stringify(src)}`;
  if (/^[-+]?(?:0|[1-9][0-9]*)$/.test(src)) return `integer \`${BigInt(src)}\``;
  if (YAML_FLOAT.test(src)) {
    const x = Number(src);
    return `floating point \`${Number.isInteger(x) && Math.abs(x) < 1e16 ? x + ".0" : x}\``;
  }
  return `string ${JSON.stringify(src)}`;
}

/**
 * Reads `config.yaml` from a `.task-golem` directory. Missing → defaults.
 *
 * @param fs File system.
 * @param dir The `.task-golem` directory.
 * @returns The configuration.
 * @throws {TaskStoreError} `InvalidInput` (`Invalid config.yaml: …`, or an `id_len` out of range); `Io`.
 */
export async function loadStoreConfig(fs: FileSystem, dir: string): Promise<StoreConfig> {
  const path = `${dir}/config.yaml`;
  let bytes: Uint8Array | null;
  try {
    const st = await fs.stat(path);
    if (st === null) return { ...DEFAULTS };
    if (st.isDirectory) throw new Deno.errors.IsADirectory("Is a directory (os error 21)");
    bytes = await fs.readFile(path);
  } catch (e) {
    throw ioError(e);
  }
  if (bytes === null) return { ...DEFAULTS };
  const text = new TextDecoder().decode(bytes);
  const parsed = parseSimple(text) ?? await parseWithYaml(text);
  const idLen = parsed.idLen ?? DEFAULT_ID_LENGTH;
  if (idLen < 3 || idLen > 12) throw invalidInput("id_len must be between 3 and 12 (default: 5)");
  return { idPrefix: parsed.idPrefix ?? DEFAULT_ID_PREFIX, idLen, fromFile: true };
}

interface RawConfig {
  idPrefix?: string;
  idLen?: number;
}

/** Parses files made only of simple `key: value` lines; `null` when not that simple. */
function parseSimple(text: string): RawConfig | null {
  const out: RawConfig = {};
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (COMMENT_OR_BLANK.test(line)) continue;
    const m = SIMPLE_LINE.exec(line);
    if (!m) return null;
    const [, key, value] = m as unknown as [string, string, string];
    if (seen.has(key)) return null;
    seen.add(key);
    if (key === "id_prefix") out.idPrefix = value;
    else if (key === "id_len") {
      const n = yamlUnsigned(value);
      if (n === undefined) return null; // let the full parser word the error
      out.idLen = Number(n);
    }
  }
  if (seen.size === 0) return {};
  return out;
}

function bad(message: string): TaskStoreError {
  return invalidInput(`Invalid config.yaml: ${message}`);
}

async function parseWithYaml(text: string): Promise<RawConfig> {
  const YAML = await import("yaml");
  const docs = YAML.parseAllDocuments(text);
  if (!Array.isArray(docs)) return {};
  if (docs.length > 1) {
    throw bad("deserializing from YAML containing more than one document is not supported");
  }
  const doc = docs[0];
  if (!doc) return {};
  if (doc.errors.length > 0) throw bad(doc.errors[0]!.message.split("\n")[0]!);
  const contents = doc.contents;
  if (contents === null) return {};
  if (YAML.isScalar(contents)) {
    // A bare `---` is an empty document (defaults); `~`/`null` is a null one.
    if (contents.value === null && contents.source === "" && /^---/m.test(text)) return {};
    const what = contents.type === "PLAIN"
      ? describePlain(contents.source ?? "")
      : `string ${JSON.stringify(String(contents.value))}`;
    throw bad(`invalid type: ${what}, expected struct Config`);
  }
  if (YAML.isSeq(contents)) throw bad("invalid type: sequence, expected struct Config");
  if (!YAML.isMap(contents)) throw bad("invalid type: expected struct Config");
  const out: RawConfig = {};
  for (const pair of contents.items) {
    const keyNode = pair.key;
    if (keyNode === null || (YAML.isScalar(keyNode) && keyNode.source === "")) {
      throw bad("did not find expected key, while parsing a block mapping");
    }
    const key = YAML.isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    let node: unknown = pair.value;
    if (YAML.isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) throw bad("unknown anchor");
      node = target;
    }
    if (key === "id_prefix") {
      if (node !== null && !YAML.isScalar(node)) {
        throw bad(
          `id_prefix: invalid type: ${YAML.isSeq(node) ? "sequence" : "map"}, expected a string`,
        );
      }
      // A plain scalar is taken as written (`1.50` stays `1.50`), folded
      // across lines; quoted and block scalars by their value.
      out.idPrefix = node === null
        ? ""
        : node.type === "PLAIN"
        ? node.source ?? String(node.value ?? "")
        : String(node.value ?? "");
    } else if (key === "id_len") {
      if (node !== null && !YAML.isScalar(node)) {
        throw bad(
          `id_len: invalid type: ${YAML.isSeq(node) ? "sequence" : "map"}, expected usize`,
        );
      }
      const src = node === null ? "" : node.source ?? "";
      const plain = node === null || node.type === "PLAIN";
      const n = plain ? yamlUnsigned(src) : undefined;
      if (n === undefined) {
        const what = plain ? describePlain(src) : `string ${JSON.stringify(String(node!.value))}`;
        throw bad(`id_len: invalid type: ${what}, expected usize`);
      }
      out.idLen = Number(n);
    }
  }
  return out;
}
