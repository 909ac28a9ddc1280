/**
 * `PgItem`: phase-golem's typed view of a store item (pg.md §5). State that
 * the store has no field for lives in `x-pg-*` extensions; this is the only
 * code that reads or writes them.
 *
 * @module
 */

import { type Clock, SystemClock } from "../io/clock.ts";
import type { Item } from "../store/item.ts";
import { describeJsonValue, newItem } from "../store/item.ts";
import { type JsonObject, type JsonValue, stringifyCompact } from "../store/json.ts";
import type { WarningSink } from "../io/warning.ts";
import type { Status } from "../store/status.ts";
import { formatTimestamp } from "../store/timestamp.ts";
import {
  type Assessments,
  BLOCK_TYPES,
  type BlockType,
  DIMENSION_LEVELS,
  type DimensionLevel,
  PHASE_POOLS,
  type PhasePool,
  SIZE_LEVELS,
  type SizeLevel,
} from "./assessments.ts";
import {
  DESCRIPTION_FIELDS,
  emptyDescription,
  isDescriptionEmpty,
  type StructuredDescription,
} from "./description.ts";
import { decodePhaseRun, encodePhaseRun, HISTORY_LIMIT, type PhaseRun } from "./phase_history.ts";
import {
  type BlockedFromStatus,
  type PgStatus,
  pgStatusFromSnake,
  pgStatusToSnake,
} from "./pg_status.ts";

/** The extension keys phase-golem uses (pg.md §5.3). */
export const PG_KEYS = {
  status: "x-pg-status",
  phase: "x-pg-phase",
  phasePool: "x-pg-phase-pool",
  size: "x-pg-size",
  complexity: "x-pg-complexity",
  risk: "x-pg-risk",
  impact: "x-pg-impact",
  requiresHumanReview: "x-pg-requires-human-review",
  pipelineType: "x-pg-pipeline-type",
  origin: "x-pg-origin",
  blockedType: "x-pg-blocked-type",
  blockedFromStatus: "x-pg-blocked-from-status",
  unblockContext: "x-pg-unblock-context",
  lastPhaseCommit: "x-pg-last-phase-commit",
  description: "x-pg-description",
  history: "x-pg-history",
} as const;

/** The pipeline an item without `x-pg-pipeline-type` belongs to. */
export const DEFAULT_PIPELINE = "feature";

const TODO_SUBSTATES: readonly string[] = ["new", "scoping", "ready"];
const BLOCKED_FROM_VALUES: readonly string[] = ["new", "scoping", "ready", "in_progress"];

/** Options for {@linkcode PgItem}. */
export interface PgItemOptions {
  /** Receives the warnings about invalid extension values (default: ignored). */
  warn?: WarningSink;
  /** Stamps `updated_at` on every change (default: the system clock). */
  clock?: Clock;
}

/**
 * A typed view over one store item. Reads validate the `x-pg-*` values: an
 * invalid value reads as absent and is reported to the warning sink on every
 * read, never thrown. Setters change the wrapped item in place and stamp
 * `updated_at`; they never drop native fields or extensions they do not own.
 *
 * @example Status mapping in both directions
 * ```ts
 * import { FixedClock, newItem, PgItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const item = newItem("tg-abcde", "Added by tg", "2026-01-01T00:00:00Z");
 * const pg = new PgItem(item, { clock: new FixedClock({ secs: 1767312000, nanos: 0 }) });
 * assert.equal(pg.status(), "New");
 * pg.setStatus("Scoping");
 * assert.equal(item.status, "todo");
 * assert.equal(item.extensions["x-pg-status"], "scoping");
 * pg.setStatus("InProgress");
 * assert.equal(item.status, "doing");
 * assert.equal(item.extensions["x-pg-status"], undefined);
 * assert.equal(item.updated_at, "2026-01-02T00:00:00Z");
 * ```
 *
 * @example Invalid values read as absent, with a warning
 * ```ts
 * import { newItem, PgItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const item = newItem("WRK-001", "T", "2026-01-01T00:00:00Z", { extensions: { "x-pg-size": "huge" } });
 * const warnings: string[] = [];
 * const pg = new PgItem(item, { warn: (m) => warnings.push(m) });
 * assert.equal(pg.size(), null);
 * assert.deepEqual(warnings, ["Item WRK-001: invalid x-pg-size value 'huge', treating as absent"]);
 * ```
 */
export class PgItem {
  /** The wrapped store item (changed in place by the setters). */
  readonly item: Item;
  readonly #warn: WarningSink;
  readonly #clock: Clock;

  /**
   * Wraps a store item.
   *
   * @param item The store item to view and change.
   * @param options Warning sink and clock.
   */
  constructor(item: Item, options: PgItemOptions = {}) {
    this.item = item;
    this.#warn = options.warn ?? (() => {});
    this.#clock = options.clock ?? new SystemClock();
  }

  // -------------------------------------------------------------------------
  // Native fields

  /** The item's ID. */
  get id(): string {
    return this.item.id;
  }
  /** The title. */
  get title(): string {
    return this.item.title;
  }
  /** Tags, in order. */
  get tags(): readonly string[] {
    return this.item.tags;
  }
  /** IDs of the items this one waits for. */
  get dependencies(): readonly string[] {
    return this.item.dependencies;
  }
  /** Canonical creation timestamp. */
  get createdAt(): string {
    return this.item.created_at;
  }
  /** Canonical timestamp of the last change. */
  get updatedAt(): string {
    return this.item.updated_at;
  }
  /** Why the item is blocked (native `blocked_reason`). */
  get blockedReason(): string | null {
    return this.item.blocked_reason;
  }
  /** The native free-text description (mirror of the structured context). */
  get nativeDescription(): string | null {
    return this.item.description;
  }

  // -------------------------------------------------------------------------
  // Reads

  /**
   * phase-golem's status (pg.md §5.2): native `todo` splits by `x-pg-status`
   * into New (absent, non-string or unknown value, the last with a warning),
   * Scoping and Ready; `doing`, `done` and `blocked` map to InProgress, Done
   * and Blocked whatever `x-pg-status` says.
   *
   * @returns The status.
   */
  status(): PgStatus {
    switch (this.item.status) {
      case "doing":
        return "InProgress";
      case "done":
        return "Done";
      case "blocked":
        return "Blocked";
      default: {
        const v = this.#ext(PG_KEYS.status);
        if (typeof v !== "string") return "New";
        if (TODO_SUBSTATES.includes(v)) return pgStatusFromSnake(v)!;
        this.#warn(`Item ${this.id}: invalid x-pg-status value '${v}', defaulting to New`);
        return "New";
      }
    }
  }

  /**
   * The current phase name.
   *
   * @returns The phase, or `null` when unset or not a string.
   */
  phase(): string | null {
    return this.#string(PG_KEYS.phase);
  }

  /**
   * Which phase list the current phase belongs to.
   *
   * @returns `pre`, `main`, or `null`.
   */
  phasePool(): PhasePool | null {
    return this.#enum(PG_KEYS.phasePool, PHASE_POOLS);
  }

  /**
   * The size assessment.
   *
   * @returns The size, or `null`.
   */
  size(): SizeLevel | null {
    return this.#enum(PG_KEYS.size, SIZE_LEVELS);
  }

  /**
   * The complexity assessment.
   *
   * @returns The level, or `null`.
   */
  complexity(): DimensionLevel | null {
    return this.#enum(PG_KEYS.complexity, DIMENSION_LEVELS);
  }

  /**
   * The risk assessment.
   *
   * @returns The level, or `null`.
   */
  risk(): DimensionLevel | null {
    return this.#enum(PG_KEYS.risk, DIMENSION_LEVELS);
  }

  /**
   * The impact assessment (scheduling priority).
   *
   * @returns The level, or `null`.
   */
  impact(): DimensionLevel | null {
    return this.#enum(PG_KEYS.impact, DIMENSION_LEVELS);
  }

  /**
   * The four assessments together.
   *
   * @returns Only the ones that are set.
   */
  assessments(): Assessments {
    const a: Assessments = {};
    const size = this.size();
    const complexity = this.complexity();
    const risk = this.risk();
    const impact = this.impact();
    if (size !== null) a.size = size;
    if (complexity !== null) a.complexity = complexity;
    if (risk !== null) a.risk = risk;
    if (impact !== null) a.impact = impact;
    return a;
  }

  /**
   * Whether a human must review the item at its last pre-phase.
   *
   * @returns `true` only for the JSON value `true`.
   */
  requiresHumanReview(): boolean {
    return this.#ext(PG_KEYS.requiresHumanReview) === true;
  }

  /**
   * The pipeline name set on the item.
   *
   * @returns The name, or `null` (the item then uses {@linkcode DEFAULT_PIPELINE}).
   */
  pipelineType(): string | null {
    return this.#string(PG_KEYS.pipelineType);
  }

  /**
   * Where the item came from (`{id}/{phase}` for follow-ups, `inbox`).
   *
   * @returns The origin, or `null`.
   */
  origin(): string | null {
    return this.#string(PG_KEYS.origin);
  }

  /**
   * The kind of human input a blocked item waits for.
   *
   * @returns The type, or `null`.
   */
  blockedType(): BlockType | null {
    return this.#enum(PG_KEYS.blockedType, BLOCK_TYPES);
  }

  /**
   * The status to restore on unblock (pg.md §5.4). The extension is
   * authoritative while the native field is set; an extension left behind
   * after the native field was cleared (a `tg unblock`) is stale. An item
   * blocked with `tg block` has only the native field, which is used with a
   * warning (`todo` → New, `doing` → InProgress).
   *
   * @returns The status, or `null` when there is none to restore.
   */
  blockedFromStatus(): BlockedFromStatus | null {
    const native = this.item.blocked_from_status;
    const v = this.#ext(PG_KEYS.blockedFromStatus);
    if (native === null) {
      if (v !== undefined) {
        this.#warn(
          `Item ${this.id}: x-pg-blocked-from-status extension is stale (native field cleared), treating as absent`,
        );
      }
      return null;
    }
    if (v !== undefined) {
      if (typeof v === "string" && BLOCKED_FROM_VALUES.includes(v)) {
        return pgStatusFromSnake(v) as BlockedFromStatus;
      }
      this.#invalid(PG_KEYS.blockedFromStatus, v);
      return null;
    }
    const fallback = nativeToBlockedFrom(native);
    if (fallback === null) {
      this.#warn(
        `Item ${this.id}: native blocked_from_status '${native}' cannot be restored, treating as absent`,
      );
      return null;
    }
    this.#warn(
      `Item ${this.id}: x-pg-blocked-from-status missing, using native blocked_from_status '${native}' as ${fallback}`,
    );
    return fallback;
  }

  /**
   * Human notes given on unblock, shown in prompts.
   *
   * @returns The notes, or `null`.
   */
  unblockContext(): string | null {
    return this.#string(PG_KEYS.unblockContext);
  }

  /**
   * The commit the latest phase started from.
   *
   * @returns The SHA, or `null`.
   */
  lastPhaseCommit(): string | null {
    return this.#string(PG_KEYS.lastPhaseCommit);
  }

  /**
   * The structured description. A value that does not decode (not an
   * object, or a field that is not a string) reads as absent with a
   * warning; a description whose fields are all empty reads as absent.
   *
   * @returns The description, or `null`.
   */
  description(): StructuredDescription | null {
    const v = this.#ext(PG_KEYS.description);
    if (v === undefined) return null;
    const decoded = decodeDescription(v);
    if (typeof decoded === "string") {
      this.#warn(
        `Item ${this.id}: failed to deserialize x-pg-description: ${decoded}, treating as absent`,
      );
      return null;
    }
    return isDescriptionEmpty(decoded) ? null : decoded;
  }

  /**
   * The phase runs recorded for this item, oldest first (see
   * `phase_history.ts`). A value that is not an array reads as empty and
   * invalid entries are skipped, each with a warning.
   *
   * @returns The runs.
   */
  history(): PhaseRun[] {
    const v = this.#ext(PG_KEYS.history);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.#invalid(PG_KEYS.history, v);
      return [];
    }
    const out: PhaseRun[] = [];
    for (const e of v) {
      const run = decodePhaseRun(e);
      if (run === null) {
        this.#warn(`Item ${this.id}: invalid ${PG_KEYS.history} entry skipped`);
      } else {
        out.push(run);
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------
  // Writes (each stamps updated_at)

  /**
   * Sets the status (pg.md §5.2): New, Scoping and Ready are native `todo`
   * with `x-pg-status`; InProgress, Done and Blocked are native `doing`,
   * `done` and `blocked` without it. Does not check the transition rule.
   *
   * @param status The new status.
   */
  setStatus(status: PgStatus): void {
    writeStatus(this.item, status);
    this.touch();
  }

  /**
   * Sets or clears the current phase.
   *
   * @param phase The phase name, or `null` to remove it.
   */
  setPhase(phase: string | null): void {
    this.#set(PG_KEYS.phase, phase);
  }

  /**
   * Sets or clears the phase pool.
   *
   * @param pool `pre`, `main`, or `null`.
   */
  setPhasePool(pool: PhasePool | null): void {
    this.#set(PG_KEYS.phasePool, pool);
  }

  /**
   * Sets or clears the size.
   *
   * @param size The size, or `null`.
   */
  setSize(size: SizeLevel | null): void {
    this.#set(PG_KEYS.size, size);
  }

  /**
   * Sets or clears the complexity.
   *
   * @param level The level, or `null`.
   */
  setComplexity(level: DimensionLevel | null): void {
    this.#set(PG_KEYS.complexity, level);
  }

  /**
   * Sets or clears the risk.
   *
   * @param level The level, or `null`.
   */
  setRisk(level: DimensionLevel | null): void {
    this.#set(PG_KEYS.risk, level);
  }

  /**
   * Sets or clears the impact.
   *
   * @param level The level, or `null`.
   */
  setImpact(level: DimensionLevel | null): void {
    this.#set(PG_KEYS.impact, level);
  }

  /**
   * Sets the human-review flag; `false` removes the key.
   *
   * @param required Whether review is required.
   */
  setRequiresHumanReview(required: boolean): void {
    this.#set(PG_KEYS.requiresHumanReview, required ? true : null);
  }

  /**
   * Sets or clears the pipeline name.
   *
   * @param pipeline The name, or `null`.
   */
  setPipelineType(pipeline: string | null): void {
    this.#set(PG_KEYS.pipelineType, pipeline);
  }

  /**
   * Sets or clears the origin.
   *
   * @param origin The origin, or `null`.
   */
  setOrigin(origin: string | null): void {
    this.#set(PG_KEYS.origin, origin);
  }

  /**
   * Sets or clears the blocker type.
   *
   * @param type The type, or `null`.
   */
  setBlockedType(type: BlockType | null): void {
    this.#set(PG_KEYS.blockedType, type);
  }

  /**
   * Records the status to restore on unblock, in the extension (exact) and
   * the native field (`todo` for New/Scoping/Ready, `doing` for InProgress);
   * `null` clears both.
   *
   * @param status The status, or `null`.
   */
  setBlockedFromStatus(status: BlockedFromStatus | null): void {
    writeBlockedFrom(this.item, status);
    this.touch();
  }

  /**
   * Sets or clears the unblock notes.
   *
   * @param notes The notes, or `null`.
   */
  setUnblockContext(notes: string | null): void {
    this.#set(PG_KEYS.unblockContext, notes);
  }

  /**
   * Sets or clears the commit the latest phase started from.
   *
   * @param sha The SHA, or `null`.
   */
  setLastPhaseCommit(sha: string | null): void {
    this.#set(PG_KEYS.lastPhaseCommit, sha);
  }

  /**
   * Sets the structured description and mirrors its context into the native
   * `description` (null when the context is empty); `null` clears both.
   *
   * @param d The description, or `null`.
   */
  setDescription(d: StructuredDescription | null): void {
    const ext = this.item.extensions;
    if (d === null) {
      delete ext[PG_KEYS.description];
      this.item.description = null;
    } else {
      const o: JsonObject = Object.create(null);
      for (const k of DESCRIPTION_FIELDS) o[k] = d[k];
      ext[PG_KEYS.description] = o;
      this.item.description = d.context === "" ? null : d.context;
    }
    this.touch();
  }

  /**
   * Appends a phase run to the history, keeping the newest
   * {@linkcode HISTORY_LIMIT} entries (invalid stored entries are dropped).
   *
   * @param run The run.
   */
  appendHistory(run: PhaseRun): void {
    const kept = [...this.history(), run].slice(-HISTORY_LIMIT);
    this.item.extensions[PG_KEYS.history] = kept.map(encodePhaseRun);
    this.touch();
  }

  /**
   * Sets or clears the native `blocked_reason`.
   *
   * @param reason The reason, or `null`.
   */
  setBlockedReason(reason: string | null): void {
    this.item.blocked_reason = reason;
    this.touch();
  }

  /**
   * Replaces the dependency list.
   *
   * @param deps IDs, in order.
   */
  setDependencies(deps: readonly string[]): void {
    this.item.dependencies = [...deps];
    this.touch();
  }

  /**
   * Replaces the tag list.
   *
   * @param tags Tags, in order.
   */
  setTags(tags: readonly string[]): void {
    this.item.tags = [...tags];
    this.touch();
  }

  /** Sets `updated_at` to now. */
  touch(): void {
    this.item.updated_at = formatTimestamp(this.#clock.now());
  }

  /**
   * Reports a warning through this item's sink (used by updates that skip).
   *
   * @param message The warning.
   */
  warn(message: string): void {
    this.#warn(message);
  }

  // -------------------------------------------------------------------------

  #ext(key: string): JsonValue | undefined {
    return Object.hasOwn(this.item.extensions, key) ? this.item.extensions[key] : undefined;
  }

  #string(key: string): string | null {
    const v = this.#ext(key);
    return typeof v === "string" ? v : null;
  }

  #enum<T extends string>(key: string, allowed: readonly T[]): T | null {
    const v = this.#ext(key);
    if (v === undefined) return null;
    if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
    this.#invalid(key, v);
    return null;
  }

  #invalid(key: string, v: JsonValue): void {
    const shown = typeof v === "string" ? v : stringifyCompact(v);
    this.#warn(`Item ${this.id}: invalid ${key} value '${shown}', treating as absent`);
  }

  #set(key: string, value: string | boolean | null): void {
    if (value === null) delete this.item.extensions[key];
    else this.item.extensions[key] = value;
    this.touch();
  }
}

function nativeToBlockedFrom(s: Status): BlockedFromStatus | null {
  return s === "todo" ? "New" : s === "doing" ? "InProgress" : null;
}

function writeStatus(item: Item, status: PgStatus): void {
  switch (status) {
    case "New":
    case "Scoping":
    case "Ready":
      item.status = "todo";
      item.extensions[PG_KEYS.status] = pgStatusToSnake(status);
      return;
    case "InProgress":
      item.status = "doing";
      break;
    case "Done":
      item.status = "done";
      break;
    case "Blocked":
      item.status = "blocked";
      break;
  }
  delete item.extensions[PG_KEYS.status];
}

function writeBlockedFrom(item: Item, status: BlockedFromStatus | null): void {
  if (status === null) {
    delete item.extensions[PG_KEYS.blockedFromStatus];
    item.blocked_from_status = null;
  } else {
    item.extensions[PG_KEYS.blockedFromStatus] = pgStatusToSnake(status);
    item.blocked_from_status = status === "InProgress" ? "doing" : "todo";
  }
}

/** Decodes `x-pg-description`; returns the error text when it does not decode. */
function decodeDescription(v: JsonValue): StructuredDescription | string {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return `invalid type: ${describeJson(v)}, expected struct StructuredDescription`;
  }
  const d = emptyDescription();
  for (const k of DESCRIPTION_FIELDS) {
    if (!Object.hasOwn(v, k)) continue;
    const f = v[k];
    if (typeof f !== "string") return `invalid type: ${describeJson(f!)}, expected a string`;
    d[k] = f;
  }
  return d;
}

const describeJson = describeJsonValue;

/** Options for {@linkcode newPgItem}. */
export interface NewPgItemOptions {
  /** Creation time, a canonical timestamp (both timestamps get it). */
  now: string;
  /** Initial status (default New). */
  status?: PgStatus;
  /** Dependencies (default none). */
  dependencies?: readonly string[];
  /** Tags (default none). */
  tags?: readonly string[];
}

/**
 * Builds a new store item for phase-golem (pg.md §5.7): priority 0, no
 * description, no blocked or claim data, both timestamps `now`, and the
 * status written through the status mapping (so New gets `x-pg-status: "new"`).
 *
 * @param id The new ID.
 * @param title The title.
 * @param options Time, status, dependencies and tags.
 * @returns The store item.
 *
 * @example
 * ```ts
 * import { newPgItem, serializeItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const item = newPgItem("WRK-a1b2c", "Follow-up", { now: "2026-01-01T00:00:00Z" });
 * assert.ok(serializeItem(item).endsWith('"parent":null,"x-pg-status":"new"}'));
 * ```
 */
export function newPgItem(id: string, title: string, options: NewPgItemOptions): Item {
  const item = newItem(id, title, options.now, {
    dependencies: [...(options.dependencies ?? [])],
    tags: [...(options.tags ?? [])],
  });
  writeStatus(item, options.status ?? "New");
  return item;
}
