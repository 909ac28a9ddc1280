/**
 * `pg migrate` (pg.md §9.4–§9.5): maps a legacy backlog (and its inbox)
 * onto store items and writes them, all or nothing, under the store lock.
 * Done items go to the archive; IDs are kept; timestamps keep their full
 * precision. A second run over the same files changes nothing.
 *
 * @module
 */

import type { Clock } from "../../io/clock.ts";
import { FixedClock } from "../../io/clock.ts";
import type { FileSystem } from "../../io/fs.ts";
import { dirname, join } from "../../io/path.ts";
import { isDescriptionEmpty, type StructuredDescription } from "../../adapter/description.ts";
import { DEFAULT_PIPELINE, newPgItem, PgItem } from "../../adapter/pg_item.ts";
import { isBlockedFromStatus } from "../../adapter/pg_status.ts";
import { generateId, type RandomBytes } from "../../store/id.ts";
import { type Item, serializeItem } from "../../store/item.ts";
import type { WarningSink } from "../../io/warning.ts";
import { importItems } from "../../store/ops/add.ts";
import type { TaskStore } from "../../store/store.ts";
import { parseTimestamp } from "../../store/timestamp.ts";
import { type PgConfig, resolvePipeline } from "../config/config.ts";
import {
  type InboxEntry,
  type LegacyBacklog,
  type LegacyItem,
  MigrationError,
  parseInbox,
  parseLegacyBacklog,
} from "./legacy_backlog.ts";

/** Prefix of the extension keys that keep legacy fields pg does not know. */
export const LEGACY_KEY_PREFIX = "x-pg-legacy-";

/** What a migration would write. */
export interface MigrationPlan {
  /** Items for `tasks.jsonl`. */
  active: Item[];
  /** Done items for `archive.jsonl`. */
  archived: Item[];
  /** Inbox items; their IDs are generated when the plan is applied. */
  inbox: Item[];
}

/** Options for {@linkcode planMigration}. */
export interface PlanMigrationOptions {
  /** The configuration (pipelines for the phase repairs). */
  config: PgConfig;
  /** Canonical timestamp for inbox items. */
  now: string;
  /** Receives a warning for every value changed or dropped. */
  warn?: WarningSink;
}

function clockAt(ts: string): Clock {
  return new FixedClock(parseTimestamp(ts));
}

/**
 * Maps legacy items onto store items (pg.md §9.4). Each field goes to its
 * native or `x-pg-*` place; unknown legacy fields are kept as
 * `x-pg-legacy-{key}`. **[Fix]** A Scoping item without a phase gets the
 * first pre-phase of its pipeline (or becomes Ready when there is none); an
 * InProgress item without a phase gets the first main phase; a Blocked item
 * whose restore status is one of those gets the same repair, so it can run
 * once unblocked.
 *
 * @param backlog The parsed backlog.
 * @param inbox Inbox entries.
 * @param options Config, time and warning sink.
 * @returns The items to write.
 */
export function planMigration(
  backlog: LegacyBacklog,
  inbox: readonly InboxEntry[],
  options: PlanMigrationOptions,
): MigrationPlan {
  const warn = options.warn ?? (() => {});
  const plan: MigrationPlan = { active: [], archived: [], inbox: [] };
  for (const legacy of backlog.items) {
    const item = mapItem(legacy, options.config, warn);
    (legacy.status === "Done" ? plan.archived : plan.active).push(item);
  }
  for (const entry of inbox) plan.inbox.push(mapInboxEntry(entry, options.now));
  return plan;
}

function mapItem(legacy: LegacyItem, config: PgConfig, warn: WarningSink): Item {
  const item = newPgItem(legacy.id, legacy.title, {
    now: legacy.created,
    tags: legacy.tags,
    dependencies: legacy.dependencies,
  });
  const pg = new PgItem(item, { clock: clockAt(legacy.updated), warn });
  let status = legacy.status;
  let phase = legacy.phase;
  let pool = legacy.phasePool;
  // [Fix] B24: phase-less Scoping/InProgress items could never be scheduled.
  const resumes = status === "Blocked" ? legacy.blockedFromStatus : status;
  if (phase === null && (resumes === "Scoping" || resumes === "InProgress")) {
    const resolved = resolvePipeline(config, legacy.pipelineType);
    if (resolved === null) {
      warn(
        `Item ${legacy.id}: pipeline '${
          legacy.pipelineType ?? DEFAULT_PIPELINE
        }' not found in config; no phase set`,
      );
    } else if (resumes === "Scoping") {
      const first = resolved.pipeline.pre_phases[0];
      if (first !== undefined) {
        phase = first.name;
        pool = "pre";
        warn(`Item ${legacy.id}: ${status} item without a phase starts at pre-phase '${phase}'`);
      } else if (status === "Scoping") {
        status = "Ready";
        warn(`Item ${legacy.id}: Scoping item in a pipeline without pre-phases becomes Ready`);
      }
    } else {
      const first = resolved.pipeline.phases[0];
      if (first !== undefined) {
        phase = first.name;
        pool = "main";
        warn(`Item ${legacy.id}: ${status} item without a phase starts at phase '${phase}'`);
      }
    }
  }
  pg.setStatus(status);
  pg.setPhase(phase);
  pg.setPhasePool(pool);
  pg.setSize(legacy.size);
  pg.setComplexity(legacy.complexity);
  pg.setRisk(legacy.risk);
  pg.setImpact(legacy.impact);
  pg.setRequiresHumanReview(legacy.requiresHumanReview);
  pg.setOrigin(legacy.origin);
  const from = legacy.blockedFromStatus;
  if (from !== null) {
    if (status !== "Blocked") {
      warn(`Item ${legacy.id}: blocked_from_status of an item that is not blocked dropped`);
    } else if (isBlockedFromStatus(from)) {
      pg.setBlockedFromStatus(from);
    } else {
      warn(`Item ${legacy.id}: blocked_from_status '${from.toLowerCase()}' dropped`);
    }
  }
  pg.setBlockedReason(legacy.blockedReason);
  pg.setBlockedType(legacy.blockedType);
  pg.setUnblockContext(legacy.unblockContext);
  pg.setPipelineType(legacy.pipelineType);
  pg.setLastPhaseCommit(legacy.lastPhaseCommit);
  if (legacy.description !== null && !isDescriptionEmpty(legacy.description)) {
    pg.setDescription(legacy.description);
  }
  for (const [k, v] of Object.entries(legacy.unknown)) {
    item.extensions[LEGACY_KEY_PREFIX + k] = v;
  }
  item.updated_at = legacy.updated;
  return item;
}

function mapInboxEntry(entry: InboxEntry, now: string): Item {
  const item = newPgItem("", entry.title, { now, dependencies: entry.dependencies });
  const pg = new PgItem(item, { clock: clockAt(now) });
  pg.setOrigin("inbox");
  pg.setSize(entry.size);
  pg.setRisk(entry.risk);
  pg.setImpact(entry.impact);
  pg.setPipelineType(entry.pipelineType);
  if (entry.description !== null) {
    const d: StructuredDescription = {
      context: entry.description,
      problem: "",
      solution: "",
      impact: "",
      "sizing_rationale": "",
    };
    pg.setDescription(d);
  }
  return item;
}

/** What {@linkcode applyMigration} wrote. */
export interface MigrationResult {
  /** Items added to `tasks.jsonl` from the backlog. */
  active: Item[];
  /** Items appended to `archive.jsonl`. */
  archived: Item[];
  /** Inbox items added to `tasks.jsonl`, with their new IDs. */
  inbox: Item[];
  /** Items already in the store exactly as migration would write them. */
  skipped: Item[];
}

/** Options for {@linkcode applyMigration}. */
export interface ApplyMigrationOptions {
  /** Prefix of generated inbox IDs. */
  prefix: string;
  /** Randomness for inbox IDs (default: crypto). */
  random?: RandomBytes;
}

/**
 * Writes a plan under one store lock: checks every ID against the store
 * (an item already there exactly as planned is skipped — that is what makes
 * a second run a no-op; one that differs is a conflict and nothing is
 * written), generates inbox IDs against every known ID, then imports the
 * items in one store write (done items to the archive).
 *
 * @param store The store (must exist).
 * @param plan What to write.
 * @param options ID prefix and randomness.
 * @returns What was written and what was skipped.
 * @throws {MigrationError} `Conflict` listing every clashing ID.
 */
export async function applyMigration(
  store: TaskStore,
  plan: MigrationPlan,
  options: ApplyMigrationOptions,
): Promise<MigrationResult> {
  // Decided on a snapshot; the import re-checks under the lock that every
  // ID is still new, so a concurrent writer makes it fail, never clash.
  const active = await store.loadActive();
  const archive = await store.loadArchive();
  const existing = new Map<string, string>();
  for (const it of archive) existing.set(it.id, serializeItem(it));
  for (const it of active) existing.set(it.id, serializeItem(it));
  const result: MigrationResult = { active: [], archived: [], inbox: [], skipped: [] };
  const conflicts: string[] = [];
  const check = (item: Item, into: Item[]) => {
    const there = existing.get(item.id);
    if (there === undefined) into.push(item);
    else if (there === serializeItem(item)) result.skipped.push(item);
    else conflicts.push(`${item.id} already exists in the store with different content`);
  };
  for (const item of plan.active) check(item, result.active);
  for (const item of plan.archived) check(item, result.archived);
  if (conflicts.length > 0) {
    throw new MigrationError(
      "Conflict",
      "Cannot migrate: items already in the store (nothing was written):",
      conflicts,
    );
  }
  const inboxKeys = new Set<string>();
  for (const it of [...active, ...archive]) {
    const key = inboxKey(it);
    if (key !== null) inboxKeys.add(key);
  }
  const known = new Set(existing.keys());
  for (const item of plan.inbox) {
    const key = inboxKey(item)!;
    if (inboxKeys.has(key)) {
      result.skipped.push(item);
      continue;
    }
    inboxKeys.add(key);
    const id = generateId(known, {
      prefix: options.prefix,
      ...(options.random ? { random: options.random } : {}),
    });
    known.add(id);
    result.inbox.push({ ...item, id });
  }
  await importItems(store, {
    active: [...result.active, ...result.inbox],
    archived: result.archived,
  });
  return result;
}

/** Identity of an inbox import: origin `inbox`, same title and description. */
function inboxKey(item: Item): string | null {
  if (item.extensions["x-pg-origin"] !== "inbox") return null;
  return JSON.stringify([item.title, item.description]);
}

/** Options for {@linkcode migrateBacklog}. */
export interface MigrateOptions {
  /** The file system. */
  fs: FileSystem;
  /** The store (created when missing, unless `dryRun`). */
  store: TaskStore;
  /** The configuration. */
  config: PgConfig;
  /** The legacy backlog file. */
  backlogPath: string;
  /** The inbox file; default `BACKLOG_INBOX.yaml` beside the backlog, if present. */
  inboxPath?: string | undefined;
  /** Plan only; write nothing. */
  dryRun?: boolean;
  /** Receives warnings. */
  warn?: WarningSink;
  /** Randomness for inbox IDs. */
  random?: RandomBytes;
}

/** The outcome of {@linkcode migrateBacklog}. */
export interface MigrateReport {
  /** The backlog file read. */
  backlogPath: string;
  /** The inbox file read, if any. */
  inboxPath: string | null;
  /** The parsed backlog. */
  backlog: LegacyBacklog;
  /** The plan. */
  plan: MigrationPlan;
  /** What was written (`null` for a dry run). */
  result: MigrationResult | null;
  /** Whether this run created the store directory. */
  createdStore: boolean;
}

async function readText(fs: FileSystem, path: string): Promise<string | null> {
  let bytes: Uint8Array | null;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw new MigrationError("Read", `Failed to read ${path}: ${(e as Error).message}`);
  }
  if (bytes === null) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new MigrationError("Read", `Failed to read ${path}: stream did not contain valid UTF-8`);
  }
}

/**
 * Reads, validates and migrates a legacy backlog and its inbox. Everything
 * is validated before anything is written; the store is created (as
 * `tg init` would) only when there is something valid to write.
 *
 * @param options Files, store, config and mode.
 * @returns The parsed backlog, the plan and what was written.
 * @throws {MigrationError} For a missing file, a YAML error, a bad version,
 *   invalid items or conflicts with the store.
 */
export async function migrateBacklog(options: MigrateOptions): Promise<MigrateReport> {
  const { fs, store, config, backlogPath } = options;
  const warn = options.warn ?? (() => {});
  const text = await readText(fs, backlogPath);
  if (text === null) throw new MigrationError("NotFound", `Backlog file not found: ${backlogPath}`);
  let inboxPath: string | null = options.inboxPath ?? null;
  let inboxText: string | null = null;
  if (inboxPath !== null) {
    inboxText = await readText(fs, inboxPath);
    if (inboxText === null) {
      throw new MigrationError("NotFound", `Inbox file not found: ${inboxPath}`);
    }
  } else {
    const beside = join(dirname(backlogPath), "BACKLOG_INBOX.yaml");
    inboxText = await readText(fs, beside);
    if (inboxText !== null) inboxPath = beside;
  }
  const feature = Object.hasOwn(config.pipelines, DEFAULT_PIPELINE)
    ? config.pipelines[DEFAULT_PIPELINE]!
    : null;
  const backlog = parseLegacyBacklog(text, {
    path: backlogPath,
    feature: feature && {
      pre: feature.pre_phases.map((p) => p.name),
      main: feature.phases.map((p) => p.name),
    },
    warn,
  });
  if (backlog.unknownTopLevelKeys.length > 0) {
    warn(
      `Ignoring unknown top-level key(s) in ${backlogPath}: ${
        backlog.unknownTopLevelKeys.join(", ")
      }`,
    );
  }
  for (const item of backlog.items) {
    const keys = Object.keys(item.unknown);
    if (keys.length > 0) {
      warn(
        `Item ${item.id}: unknown field(s) ${keys.join(", ")} kept as ${
          keys.map((k) => LEGACY_KEY_PREFIX + k).join(", ")
        }`,
      );
    }
  }
  const inbox = inboxText === null ? [] : parseInbox(inboxText, { path: inboxPath!, warn });
  const plan = planMigration(backlog, inbox, { config, now: store.now(), warn });
  if (options.dryRun) {
    return { backlogPath, inboxPath, backlog, plan, result: null, createdStore: false };
  }
  const createdStore = (await fs.stat(store.dir)) === null;
  if (createdStore) await store.init();
  const result = await applyMigration(store, plan, {
    prefix: config.project.prefix,
    ...(options.random ? { random: options.random } : {}),
  });
  return { backlogPath, inboxPath, backlog, plan, result, createdStore };
}

/**
 * The planned mapping of every item, one line each (what `--dry-run` prints).
 *
 * @param plan The plan.
 * @returns Lines without newlines.
 */
export function describePlan(plan: MigrationPlan): string[] {
  const lines: string[] = [];
  const row = (id: string, item: Item, dest: string) => {
    const pg = new PgItem(item);
    const parts = [`${id} → ${dest}`, `${item.status}/${pg.status()}`];
    const phase = pg.phase();
    if (phase !== null) parts.push(`phase ${phase}${pg.phasePool() ? ` (${pg.phasePool()})` : ""}`);
    const pipeline = pg.pipelineType();
    if (pipeline !== null) parts.push(`pipeline ${pipeline}`);
    parts.push(JSON.stringify(item.title));
    lines.push(parts.join("  "));
  };
  for (const item of plan.active) row(item.id, item, "tasks.jsonl");
  for (const item of plan.archived) row(item.id, item, "archive.jsonl");
  for (const item of plan.inbox) row("(inbox)", item, "tasks.jsonl, new ID");
  return lines;
}
