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
  /**
   * Default time-to-live of claims made with `tg do --claim` (golem
   * extension: key `claim_ttl`, e.g. `30m`), as written; `null` when unset.
   * Not validated here (only `do` uses it).
   */
  claimTtl: string | null;
  /** Whether `config.yaml` exists. */
  fromFile: boolean;
}

const DEFAULTS: StoreConfig = {
  idPrefix: DEFAULT_ID_PREFIX,
  idLen: DEFAULT_ID_LENGTH,
  claimTtl: null,
  fromFile: false,
};

// `key: value`, then optionally whitespace and a comment (a `#` right after
// the value is part of the value in YAML, so such lines go to the full parser).
const SIMPLE_LINE =
  /^([A-Za-z_][A-Za-z0-9_]*):[ \t]+([A-Za-z0-9_][A-Za-z0-9_-]*)(?:[ \t]+(?:#.*)?)?$/;
const COMMENT_OR_BLANK = /^[ \t]*(?:#.*)?$/;

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
  return {
    idPrefix: parsed.idPrefix ?? DEFAULT_ID_PREFIX,
    idLen,
    claimTtl: parsed.claimTtl ?? null,
    fromFile: true,
  };
}

interface RawConfig {
  idPrefix?: string;
  idLen?: number;
  claimTtl?: string | null;
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
    else if (key === "claim_ttl") out.claimTtl = value;
    else if (key === "id_len") {
      // Leading zeros make a YAML 1.2 string ("07"); leave those to the full parser.
      if (!/^(?:0|[1-9][0-9]{0,15})$/.test(value)) return null;
      out.idLen = Number(value);
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
  if (YAML.isScalar(contents) && contents.value === null) {
    // A document with no node at all (`---`, `--- # note`) means defaults;
    // an explicit `null`/`~` is a value of the wrong type, and a lone `...`
    // has no document for upstream's parser.
    if (contents.source === "" && contents.tag === undefined) {
      if (/^---/m.test(text)) return {};
      throw bad("did not find expected node content, while parsing a block node");
    }
    throw bad("invalid type: unit value, expected struct Config");
  }
  if (YAML.isSeq(contents)) throw bad("invalid type: sequence, expected struct Config");
  if (YAML.isScalar(contents) && contents.type === "PLAIN") {
    const src = contents.source ?? "";
    const n = yamlUnsigned(src);
    const what = n === null ? describePlainScalar(src) : `invalid type: integer \`${n}\``;
    throw bad(`${what}, expected struct Config`);
  }
  if (!YAML.isMap(contents)) throw bad("invalid type: expected struct Config");
  const out: RawConfig = {};
  for (const pair of contents.items) {
    // `: value` has no key for upstream's parser (the yaml package makes it null).
    if (pair.key === null || (YAML.isScalar(pair.key) && pair.key.source === "")) {
      throw bad("did not find expected key, while parsing a block mapping");
    }
    const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    let node: unknown = pair.value;
    if (YAML.isAlias(node)) {
      node = node.resolve(doc);
      if (node === undefined) throw bad("unknown anchor");
    }
    if (key === "id_prefix") {
      if (node === null || !YAML.isScalar(node)) {
        throw bad("id_prefix: invalid type, expected a string");
      }
      // A plain scalar keeps its text (`1.50`), folded onto one line when it
      // spans several; quoted and block scalars give their value.
      out.idPrefix = node.type === "PLAIN"
        ? node.source ?? String(node.value ?? "")
        : String(node.value ?? "");
    } else if (key === "claim_ttl") {
      // Kept as written; `tg do` validates it (other commands must not fail on it).
      if (node === null || node === undefined || (YAML.isScalar(node) && node.value === null)) {
        out.claimTtl = null;
      } else if (YAML.isScalar(node)) out.claimTtl = String(node.value);
      else {
        const range = YAML.isNode(node) ? node.range : undefined;
        out.claimTtl = range ? text.slice(range[0], range[1]).trim() : "";
      }
    } else if (key === "id_len") {
      if (node === null || !YAML.isScalar(node)) throw bad("id_len: invalid type, expected usize");
      const src = node.type === "PLAIN" ? node.source ?? "" : "";
      if (node.type !== "PLAIN") {
        throw bad(
          `id_len: invalid type: string ${JSON.stringify(String(node.value))}, expected usize`,
        );
      }
      const n = yamlUnsigned(src);
      if (n === null) throw bad(`id_len: ${describePlainScalar(src)}, expected usize`);
      if (n > 0xffffffffffffffffn) {
        throw bad(`id_len: invalid type: integer \`${n}\` as u128, expected usize`);
      }
      out.idLen = n > 1000n ? 1000 : Number(n);
    }
  }
  return out;
}

/**
 * A plain YAML scalar read as an unsigned integer the way upstream's YAML
 * library reads it: optional `+`, then `0x`/`0o`/`0b` digits or decimal
 * digits without a leading zero (`07` is a string in YAML 1.2).
 */
function yamlUnsigned(src: string): bigint | null {
  const s = src.startsWith("+") ? src.slice(1) : src;
  const prefixed = /^0([xob])(.*)$/.exec(s);
  if (prefixed) {
    const digits = prefixed[2]!;
    const ok = prefixed[1] === "x"
      ? /^[0-9a-fA-F]+$/.test(digits)
      : prefixed[1] === "o"
      ? /^[0-7]+$/.test(digits)
      : /^[01]+$/.test(digits);
    return ok ? BigInt(s) : null;
  }
  return /^(?:0|[1-9][0-9]*)$/.test(s) ? BigInt(s) : null;
}

/** What a plain scalar that is not an unsigned integer is, in upstream's words. */
function describePlainScalar(src: string): string {
  if (src === "" || src === "~" || src === "null" || src === "Null" || src === "NULL") {
    return "invalid type: unit value";
  }
  if (/^-(?:0|[1-9][0-9]*|0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+)$/.test(src)) {
    return `invalid value: integer \`${src}\``;
  }
  if (/^(?:true|True|TRUE|false|False|FALSE)$/.test(src)) {
    return `invalid type: boolean \`${src.toLowerCase()}\``;
  }
  const leadingZeroDigits = /^[-+]?0[0-9]+$/.test(src);
  if (!leadingZeroDigits && /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(src)) {
    return `invalid type: floating point \`${formatYamlFloat(Number(src))}\``;
  }
  return `invalid type: string ${JSON.stringify(src)}`;
}

function formatYamlFloat(x: number): string {
  return Number.isInteger(x) && Math.abs(x) < 1e16 ? x.toFixed(1) : String(x);
}
