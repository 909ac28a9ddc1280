/**
 * The legacy YAML backlog (`BACKLOG.yaml`, schema versions 1–3) and inbox
 * file (pg.md §9.1–§9.3): parsing with the YAML 1.2 core schema (so
 * timestamps stay strings at full precision), field validation that collects
 * every problem, and the in-memory upgrade to version 3. Pure: text in,
 * values out.
 *
 * @module
 */

import { parseDocument } from "yaml";
import {
  BLOCK_TYPES,
  type BlockType,
  DIMENSION_LEVELS,
  type DimensionLevel,
  PHASE_POOLS,
  type PhasePool,
  SIZE_LEVELS,
  type SizeLevel,
} from "../../adapter/assessments.ts";
import {
  emptyDescription,
  parseDescriptionText,
  type StructuredDescription,
} from "../../adapter/description.ts";
import { DEFAULT_PIPELINE } from "../../adapter/pg_item.ts";
import type { PgStatus } from "../../adapter/pg_status.ts";
import type { JsonObject, JsonValue } from "../../store/json.ts";
import type { WarningSink } from "../../io/warning.ts";
import { canonicalTimestamp } from "../../store/timestamp.ts";

/** Why a legacy file cannot be migrated. */
export type MigrationErrorCode =
  | "NotFound"
  | "Read"
  | "Parse"
  | "Version"
  | "Config"
  | "Invalid"
  | "Conflict";

/**
 * A legacy backlog that cannot be migrated. `problems` lists everything
 * found; nothing has been written when it is thrown.
 */
export class MigrationError extends Error {
  /** What went wrong. */
  readonly code: MigrationErrorCode;
  /** Every problem, in file order. */
  readonly problems: readonly string[];

  /**
   * Builds the error.
   *
   * @param code What went wrong.
   * @param message The headline.
   * @param problems The details, one per line.
   */
  constructor(code: MigrationErrorCode, message: string, problems: readonly string[] = []) {
    super(
      problems.length === 0 ? message : `${message}${problems.map((p) => `\n  - ${p}`).join("")}`,
    );
    this.name = "MigrationError";
    this.code = code;
    this.problems = problems;
  }
}

/** A backlog item after the upgrade to schema version 3. */
export interface LegacyItem {
  /** ID, kept verbatim. */
  id: string;
  /** Title. */
  title: string;
  /** Status in phase-golem's six states. */
  status: PgStatus;
  /** Current phase. */
  phase: string | null;
  /** Pool of the phase. */
  phasePool: PhasePool | null;
  /** Size. */
  size: SizeLevel | null;
  /** Complexity. */
  complexity: DimensionLevel | null;
  /** Risk. */
  risk: DimensionLevel | null;
  /** Impact. */
  impact: DimensionLevel | null;
  /** Human review flag. */
  requiresHumanReview: boolean;
  /** Provenance. */
  origin: string | null;
  /** Status before blocking (may be Done/Blocked in a bad file; dropped at mapping). */
  blockedFromStatus: PgStatus | null;
  /** Why it is blocked. */
  blockedReason: string | null;
  /** Blocker kind. */
  blockedType: BlockType | null;
  /** Unblock notes. */
  unblockContext: string | null;
  /** Tags. */
  tags: string[];
  /** Dependencies. */
  dependencies: string[];
  /** Canonical creation timestamp. */
  created: string;
  /** Canonical update timestamp. */
  updated: string;
  /** Pipeline name. */
  pipelineType: string | null;
  /** Structured description. */
  description: StructuredDescription | null;
  /** Commit the last phase started from. */
  lastPhaseCommit: string | null;
  /** Keys this schema version does not know, with their values. */
  unknown: JsonObject;
}

/** A parsed, upgraded backlog file. */
export interface LegacyBacklog {
  /** Schema version found in the file (1 when absent). */
  version: number;
  /** Items, upgraded to version 3, in file order. */
  items: LegacyItem[];
  /** Top-level keys the format does not know (reported, not kept). */
  unknownTopLevelKeys: string[];
}

/** One entry of the inbox file. */
export interface InboxEntry {
  /** Title. */
  title: string;
  /** Description text (trimmed), or `null`. */
  description: string | null;
  /** Size. */
  size: SizeLevel | null;
  /** Risk. */
  risk: DimensionLevel | null;
  /** Impact. */
  impact: DimensionLevel | null;
  /** Pipeline name. */
  pipelineType: string | null;
  /** Dependencies. */
  dependencies: string[];
}

/** Phase names of the config's `feature` pipeline (needed to upgrade version 1 files). */
export interface FeaturePhases {
  /** Pre-phase names. */
  pre: readonly string[];
  /** Main phase names. */
  main: readonly string[];
}

/** Options for {@linkcode parseLegacyBacklog}. */
export interface ParseLegacyBacklogOptions {
  /** File name for messages. */
  path: string;
  /** The `feature` pipeline, or `null` when the config has none. */
  feature: FeaturePhases | null;
  /** Receives upgrade and normalisation warnings. */
  warn?: WarningSink;
}

const MAX_VERSION = 3;

const V1_STATUS: Readonly<Record<string, PgStatus>> = {
  new: "New",
  researching: "Scoping",
  scoped: "Ready",
  ready: "Ready",
  "in_progress": "InProgress",
  done: "Done",
  blocked: "Blocked",
};
const V2_STATUS: Readonly<Record<string, PgStatus>> = {
  new: "New",
  scoping: "Scoping",
  ready: "Ready",
  "in_progress": "InProgress",
  done: "Done",
  blocked: "Blocked",
};
const V1_PHASES: readonly string[] = ["prd", "research", "design", "spec", "build", "review"];

const V1_FIELDS: readonly string[] = [
  "id",
  "title",
  "status",
  "phase",
  "size",
  "complexity",
  "risk",
  "impact",
  "requires_human_review",
  "origin",
  "blocked_from_status",
  "blocked_reason",
  "unblock_context",
  "blocked_type",
  "tags",
  "dependencies",
  "created",
  "updated",
];
const V2_FIELDS: readonly string[] = [
  ...V1_FIELDS,
  "pipeline_type",
  "phase_pool",
  "last_phase_commit",
  "description",
];
const TOP_FIELDS: readonly string[] = ["schema_version", "items", "next_item_id"];
const INBOX_FIELDS: readonly string[] = [
  "title",
  "description",
  "size",
  "risk",
  "impact",
  "pipeline_type",
  "dependencies",
];

/** Parses YAML text with the 1.2 core schema; syntax errors become a `Parse` error. */
function parseYaml(text: string, path: string): unknown {
  const doc = parseDocument(text, { schema: "core", version: "1.2", uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new MigrationError(
      "Parse",
      `Failed to parse ${path}:`,
      doc.errors.map((e) => e.message.split(":\n")[0]!),
    );
  }
  return doc.toJS({ maxAliasCount: 1000 });
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  if (v === null || v === undefined) return "null";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Converts a YAML value to a store JSON value (integers as `bigint`). */
function toJson(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "bigint") return v;
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) {
    const o: JsonObject = Object.create(null);
    for (const [k, x] of v) o[String(k)] = toJson(x);
    return o;
  }
  if (typeof v === "object") {
    const o: JsonObject = Object.create(null);
    for (const [k, x] of Object.entries(v)) o[k] = toJson(x);
    return o;
  }
  return String(v);
}

/** Reads the fields of one item, collecting problems. */
class FieldReader {
  readonly #map: Record<string, unknown>;
  readonly #problems: string[];
  readonly #where: string;

  constructor(map: Record<string, unknown>, problems: string[], where: string) {
    this.#map = map;
    this.#problems = problems;
    this.#where = where;
  }

  problem(field: string, message: string): void {
    this.#problems.push(`${this.#where}: ${field}: ${message}`);
  }

  raw(field: string): unknown {
    return Object.hasOwn(this.#map, field) ? this.#map[field] : undefined;
  }

  string(field: string, required = false): string | null {
    const v = this.raw(field);
    if (v === undefined || v === null) {
      if (required) this.problem(field, "missing");
      return null;
    }
    if (typeof v !== "string") {
      this.problem(field, `expected a string, found ${show(v)}`);
      return null;
    }
    return v;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T | null {
    const v = this.raw(field);
    if (v === undefined || v === null) return null;
    if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
    this.problem(field, `invalid value ${show(v)} (expected one of ${allowed.join(", ")})`);
    return null;
  }

  mapped<T>(field: string, mapping: Readonly<Record<string, T>>): T | null {
    const v = this.raw(field);
    if (v === undefined || v === null) return null;
    if (typeof v === "string" && Object.hasOwn(mapping, v)) return mapping[v]!;
    this.problem(
      field,
      `invalid value ${show(v)} (expected one of ${Object.keys(mapping).join(", ")})`,
    );
    return null;
  }

  bool(field: string): boolean {
    const v = this.raw(field);
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean") {
      this.problem(field, `expected true or false, found ${show(v)}`);
      return false;
    }
    return v;
  }

  strings(field: string): string[] {
    const v = this.raw(field);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      this.problem(field, `expected a list of strings, found ${show(v)}`);
      return [];
    }
    return v as string[];
  }

  timestamp(field: string): string {
    const v = this.string(field, true);
    if (v === null) return "";
    try {
      return canonicalTimestamp(v);
    } catch {
      this.problem(field, `invalid RFC 3339 timestamp ${show(v)}`);
      return "";
    }
  }
}

function titleProblem(title: string): string | null {
  if (title.includes("\n") || title.includes("\r")) return "must be a single line (no newlines)";
  if (title.trim() === "") return "cannot be empty";
  return null;
}

/**
 * Parses a legacy backlog file and upgrades it to version 3 in memory.
 *
 * - Version: `schema_version` (absent = 1); above 3 is rejected.
 * - Every item field is checked against its version's rules; all problems
 *   (duplicate IDs, bad titles, bad enum values, bad timestamps, wrong
 *   types) are reported together.
 * - Version 1 → 2: `researching` → Scoping (losing its phase), `scoped` →
 *   Ready, pipeline `feature`, pool `main` for in-progress items with a
 *   phase, phases the `feature` pipeline lacks cleared.
 * - Version 2 → 3: string descriptions are split into sections.
 * - Keys a version does not know are kept per item (`unknown`) and listed
 *   at the top level.
 *
 * @param text The file's content.
 * @param options File name, the `feature` pipeline, warning sink.
 * @returns The backlog.
 * @throws {MigrationError} `Parse`, `Version`, `Config` or `Invalid`.
 */
export function parseLegacyBacklog(
  text: string,
  options: ParseLegacyBacklogOptions,
): LegacyBacklog {
  const { path } = options;
  const warn = options.warn ?? (() => {});
  const doc = parseYaml(text, path) ?? {};
  if (!isMap(doc)) {
    throw new MigrationError(
      "Parse",
      `Failed to parse ${path}: expected a mapping with 'schema_version' and 'items', found ${
        Array.isArray(doc) ? "a sequence" : show(doc)
      }`,
    );
  }
  const rawVersion = Object.hasOwn(doc, "schema_version") ? doc.schema_version : 1;
  if (typeof rawVersion !== "number" || !Number.isInteger(rawVersion)) {
    throw new MigrationError(
      "Version",
      `Invalid schema_version ${show(rawVersion)} in ${path} (expected an integer)`,
    );
  }
  if (rawVersion < 1 || rawVersion > MAX_VERSION) {
    throw new MigrationError(
      "Version",
      `Unsupported schema_version ${rawVersion} in ${path} (expected ${MAX_VERSION})`,
    );
  }
  const version = rawVersion;
  if (version === 1 && options.feature === null) {
    throw new MigrationError(
      "Config",
      "Migration requires 'feature' pipeline in config, but none found",
    );
  }
  const problems: string[] = [];
  const rawItems = Object.hasOwn(doc, "items") && doc.items !== null ? doc.items : [];
  if (!Array.isArray(rawItems)) {
    throw new MigrationError("Invalid", `Invalid backlog ${path}:`, [
      `items: expected a sequence, found ${show(rawItems)}`,
    ]);
  }
  const nextId = doc.next_item_id;
  if (
    nextId !== undefined && nextId !== null &&
    (typeof nextId !== "number" || !Number.isInteger(nextId))
  ) {
    problems.push(`next_item_id: expected an integer, found ${show(nextId)}`);
  }
  const unknownTopLevelKeys = Object.keys(doc).filter((k) => !TOP_FIELDS.includes(k));
  const items: LegacyItem[] = [];
  const seen = new Map<string, number>();
  const tally = { statusChanges: 0, phasesCleared: 0, validationClears: 0, unchanged: 0 };
  rawItems.forEach((raw, i) => {
    const read = readItem(raw, i, version, problems);
    if (read === null) return;
    const item = read.item;
    const first = seen.get(item.id);
    if (first !== undefined) {
      problems.push(`item ${item.id}: duplicate ID (items #${first + 1} and #${i + 1})`);
      return;
    }
    seen.set(item.id, i);
    if (version === 1) upgradeV1(read, options.feature!, warn, tally);
    items.push(item);
  });
  if (problems.length > 0) {
    throw new MigrationError("Invalid", `Invalid backlog ${path}:`, problems);
  }
  if (version === 1 && items.length > 0) {
    warn(
      `Upgraded ${path} from schema_version 1: ${tally.statusChanges} status change(s), ${tally.phasesCleared} phase(s) cleared, ${tally.validationClears} validation clear(s), ${tally.unchanged} unchanged`,
    );
  }
  return { version, items, unknownTopLevelKeys };
}

interface ReadItem {
  item: LegacyItem;
  rawStatus: string | null;
  rawBlockedFrom: string | null;
}

function readItem(
  raw: unknown,
  index: number,
  version: number,
  problems: string[],
): ReadItem | null {
  if (!isMap(raw)) {
    problems.push(`item #${index + 1}: expected a mapping, found ${show(raw)}`);
    return null;
  }
  const idValue = raw.id;
  const where = typeof idValue === "string" && idValue !== ""
    ? `item ${idValue}`
    : `item #${index + 1}`;
  const r = new FieldReader(raw, problems, where);
  const id = r.string("id", true);
  if (id === "") r.problem("id", "cannot be empty");
  const title = r.string("title", true);
  if (title !== null) {
    const p = titleProblem(title);
    if (p !== null) r.problem("title", p);
  }
  const statuses = version === 1 ? V1_STATUS : V2_STATUS;
  if (raw.status === undefined || raw.status === null) r.problem("status", "missing");
  const status = r.mapped("status", statuses);
  const phase = r.string("phase");
  if (version === 1 && phase !== null && !V1_PHASES.includes(phase)) {
    r.problem("phase", `invalid value ${show(phase)} (expected one of ${V1_PHASES.join(", ")})`);
  }
  const blockedFrom = r.mapped("blocked_from_status", statuses);
  const fields = version === 1 ? V1_FIELDS : V2_FIELDS;
  const item: LegacyItem = {
    id: id ?? "",
    title: title ?? "",
    status: status ?? "New",
    phase,
    phasePool: version === 1 ? null : r.oneOf("phase_pool", PHASE_POOLS),
    size: r.oneOf("size", SIZE_LEVELS),
    complexity: r.oneOf("complexity", DIMENSION_LEVELS),
    risk: r.oneOf("risk", DIMENSION_LEVELS),
    impact: r.oneOf("impact", DIMENSION_LEVELS),
    requiresHumanReview: r.bool("requires_human_review"),
    origin: r.string("origin"),
    blockedFromStatus: blockedFrom,
    blockedReason: r.string("blocked_reason"),
    blockedType: r.oneOf("blocked_type", BLOCK_TYPES),
    unblockContext: r.string("unblock_context"),
    tags: r.strings("tags"),
    dependencies: r.strings("dependencies"),
    created: r.timestamp("created"),
    updated: r.timestamp("updated"),
    pipelineType: version === 1 ? null : r.string("pipeline_type"),
    description: version === 1 ? null : readDescription(r),
    lastPhaseCommit: version === 1 ? null : r.string("last_phase_commit"),
    unknown: Object.create(null),
  };
  for (const k of Object.keys(raw)) {
    if (!fields.includes(k)) item.unknown[k] = toJson(raw[k]);
  }
  return {
    item,
    rawStatus: typeof raw.status === "string" ? raw.status : null,
    rawBlockedFrom: typeof raw.blocked_from_status === "string" ? raw.blocked_from_status : null,
  };
}

function readDescription(r: FieldReader): StructuredDescription | null {
  const v = r.raw("description");
  if (v === undefined || v === null) return null;
  if (typeof v === "string") {
    const text = v.trim();
    return text === "" ? null : parseDescriptionText(v).description;
  }
  if (!isMap(v)) {
    r.problem("description", `expected a string or a mapping, found ${show(v)}`);
    return null;
  }
  const d = emptyDescription();
  for (const k of ["context", "problem", "solution", "impact", "sizing_rationale"] as const) {
    const f = Object.hasOwn(v, k) ? v[k] : undefined;
    if (f === undefined || f === null) continue;
    if (typeof f !== "string") {
      r.problem(`description.${k}`, `expected a string, found ${show(f)}`);
      continue;
    }
    d[k] = f;
  }
  return d;
}

function upgradeV1(
  read: ReadItem,
  feature: FeaturePhases,
  warn: WarningSink,
  tally: {
    statusChanges: number;
    phasesCleared: number;
    validationClears: number;
    unchanged: number;
  },
): void {
  const { item, rawStatus, rawBlockedFrom } = read;
  let changed = false;
  if (rawStatus === "researching" || rawStatus === "scoped") {
    const to = rawStatus === "researching" ? "scoping" : "ready";
    warn(`Item ${item.id}: status '${rawStatus}' upgraded to '${to}'`);
    tally.statusChanges++;
    changed = true;
  }
  if (rawBlockedFrom === "researching" || rawBlockedFrom === "scoped") {
    const to = rawBlockedFrom === "researching" ? "scoping" : "ready";
    warn(`Item ${item.id}: blocked_from_status '${rawBlockedFrom}' upgraded to '${to}'`);
  }
  item.pipelineType = DEFAULT_PIPELINE;
  item.phasePool = item.status === "InProgress" && item.phase !== null ? "main" : null;
  if (rawStatus === "researching" && item.phase !== null) {
    warn(`Item ${item.id}: phase '${item.phase}' cleared (researching items restart scoping)`);
    item.phase = null;
    tally.phasesCleared++;
    changed = true;
  }
  if (
    item.phase !== null && !feature.pre.includes(item.phase) && !feature.main.includes(item.phase)
  ) {
    warn(`Item ${item.id}: phase '${item.phase}' not found in feature pipeline phases; cleared`);
    item.phase = null;
    item.phasePool = null;
    tally.validationClears++;
    changed = true;
  }
  if (!changed) tally.unchanged++;
}

/** Options for {@linkcode parseInbox}. */
export interface ParseInboxOptions {
  /** File name for messages. */
  path: string;
  /** Receives a warning per skipped entry. */
  warn?: WarningSink;
}

/**
 * Parses the inbox file: a bare sequence of `{title, description?, size?,
 * risk?, impact?, pipeline_type?, dependencies?}`. An empty file holds no
 * entries; entries with a blank title are skipped with a warning.
 *
 * @param text The file's content.
 * @param options File name and warning sink.
 * @returns The entries, in file order.
 * @throws {MigrationError} `Parse` or `Invalid`.
 */
export function parseInbox(text: string, options: ParseInboxOptions): InboxEntry[] {
  const { path } = options;
  const warn = options.warn ?? (() => {});
  if (text.trim() === "") return [];
  const doc = parseYaml(text, path);
  if (doc === null) return [];
  if (!Array.isArray(doc)) {
    throw new MigrationError(
      "Parse",
      `Failed to parse ${path}: expected a sequence of inbox items, found ${
        isMap(doc) ? "a mapping" : show(doc)
      }`,
    );
  }
  const problems: string[] = [];
  const out: InboxEntry[] = [];
  doc.forEach((raw, i) => {
    const where = `inbox item #${i + 1}`;
    if (!isMap(raw)) {
      problems.push(`${where}: expected a mapping, found ${show(raw)}`);
      return;
    }
    const r = new FieldReader(raw, problems, where);
    const title = r.string("title");
    for (const k of Object.keys(raw)) {
      if (!INBOX_FIELDS.includes(k)) r.problem(k, "unknown field");
    }
    const entry: InboxEntry = {
      title: title ?? "",
      description: r.string("description")?.trim() || null,
      size: r.oneOf("size", SIZE_LEVELS),
      risk: r.oneOf("risk", DIMENSION_LEVELS),
      impact: r.oneOf("impact", DIMENSION_LEVELS),
      pipelineType: r.string("pipeline_type"),
      dependencies: r.strings("dependencies"),
    };
    if (title === null || title.trim() === "") {
      warn(`Skipping ${where} in ${path}: blank title`);
      return;
    }
    if (title.includes("\n") || title.includes("\r")) {
      r.problem("title", "must be a single line (no newlines)");
      return;
    }
    out.push(entry);
  });
  if (problems.length > 0) throw new MigrationError("Invalid", `Invalid inbox ${path}:`, problems);
  return out;
}
