/**
 * `tg doctor [--fix]`: check the store, optionally repair it. Unlike
 * upstream, exits 1 when a problem remains after the run; the two
 * informational warnings that no repair can act on (orphan events, events
 * disagreeing with an item's status) do not count.
 */

import type { Parsed } from "../_args.ts";

/** Warnings that describe history rather than a broken store; they never fail the run. */
const INFORMATIONAL: ReadonlySet<string> = new Set([
  "events_orphan",
  "events_drift_status_mismatch",
]);
import { CliError } from "../_main.ts";
import {
  diagnose,
  type DoctorInput,
  type DoctorIssue,
  type FileContents,
} from "../../lib/store/doctor.ts";
import { repairStore } from "../../lib/store/doctor_fix.ts";
import {
  type CacheBackend,
  type CacheCheck,
  checkCache,
  settleCacheCheck,
} from "../../lib/store/doctor_cache.ts";
import { CACHE_SCHEMA_VERSION } from "../../lib/store/cache_schema.ts";
import { compareCodePoints, quoteJsonString } from "../../lib/store/json.ts";
import type { TaskStore } from "../../lib/store/store.ts";
import type { TgContext } from "./_context.ts";

async function contents(store: TaskStore, path: string): Promise<FileContents> {
  try {
    return await store.fs.readFile(path);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Reads the files the doctor checks, without the lock.
 *
 * @param store The store.
 * @returns The doctor's input.
 */
export async function readDoctorInput(store: TaskStore): Promise<DoctorInput> {
  const gitignore = await contents(store, store.gitignorePath);
  return {
    tasks: await contents(store, store.tasksPath),
    archive: await contents(store, store.archivePath),
    pruned: await contents(store, store.prunedPath),
    events: await contents(store, store.eventsPath),
    eventsArchive: await contents(store, store.eventsArchivePath),
    gitignore: gitignore instanceof Uint8Array ? new TextDecoder().decode(gitignore) : null,
  };
}

function issueLines(issues: readonly DoctorIssue[]): string {
  return issues.map((i) => `  [${i.severity}] ${i.type}: ${i.message}\n`).join("");
}

function humanReport(issues: readonly DoctorIssue[], fix: boolean): string {
  if (issues.length === 0) return "No issues found. Store is healthy.\n";
  return `Found ${issues.length} issue(s):\n${issueLines(issues)}` +
    (fix ? "" : "\nRun with --fix to attempt automatic repairs.\n");
}

function issueJson(i: DoctorIssue, indent: string): string {
  const inner = indent + "  ";
  let out = `${indent}{\n${inner}"type": ${
    quoteJsonString(i.type)
  },\n${inner}"severity": "${i.severity}",\n${inner}"message": ${quoteJsonString(i.message)}`;
  if (i.details !== undefined) out += `,\n${inner}"details": ${quoteJsonString(i.details)}`;
  return out + `\n${indent}}`;
}

function issuesJson(issues: readonly DoctorIssue[]): string {
  return issues.length === 0
    ? "[]"
    : `[\n${issues.map((i) => issueJson(i, "    ")).join(",\n")}\n  ]`;
}

function jsonReport(
  issues: readonly DoctorIssue[],
  remaining: readonly DoctorIssue[] | null,
): string {
  const byType = new Map<string, number>();
  for (const i of issues) byType.set(i.type, (byType.get(i.type) ?? 0) + 1);
  const types = [...byType.keys()].sort(compareCodePoints);
  const byTypeJson = types.length === 0
    ? "{}"
    : `{\n${types.map((t) => `      ${quoteJsonString(t)}: ${byType.get(t)}`).join(",\n")}\n    }`;
  let out = `{\n  "issues": ${
    issuesJson(issues)
  },\n  "summary": {\n    "total": ${issues.length},\n    "by_type": ${byTypeJson}\n  }`;
  if (remaining !== null) out += `,\n  "remaining": ${issuesJson(remaining)}`;
  return out + "\n}\n";
}

/** `YYYYMMDDTHHMMSSZ` from a canonical timestamp. */
function backupStamp(canonical: string): string {
  return canonical.slice(0, 19).replace(/[-:]/g, "") + "Z";
}

/**
 * The query-cache module for the `cache_drift` / `cache_rebuild_failed`
 * checks (`lib/store/cache.ts`, loaded only when doctor runs).
 */
async function loadCacheBackend(): Promise<CacheBackend | null> {
  const cache = await import("../../lib/store/cache.ts");
  return {
    schemaVersion: CACHE_SCHEMA_VERSION,
    rebuildCacheInto: (store, path) => cache.rebuildCacheInto(store, path),
    readCacheMeta: cache.readCacheMeta,
    cacheRowCounts: cache.cacheRowCounts,
  };
}

/** All checks: the file checks, with the cache checks after `gitignore_missing`. */
async function detect(store: TaskStore, backend: CacheBackend | null) {
  const { issues } = diagnose(await readDoctorInput(store));
  const cache: CacheCheck = backend === null
    ? { issues: [], freshPath: null }
    : await checkCache(store, backend, Deno.pid);
  let at = issues.findIndex((i) => i.type.startsWith("events_"));
  if (at < 0) at = issues.length;
  issues.splice(at, 0, ...cache.issues);
  return { issues, cache };
}

/** Runs `tg doctor`. */
export async function doctor(p: Parsed, ctx: TgContext): Promise<void> {
  const store = await ctx.store();
  const fix = p.flag("fix");
  const backend = await loadCacheBackend();
  const { issues, cache } = await detect(store, backend);
  let remaining: DoctorIssue[] | null = null;
  if (!fix || issues.length === 0) await settleCacheCheck(store, cache, false);
  if (fix && issues.length > 0) {
    const report = await repairStore(store, {
      stamp: backupStamp(store.now()),
      backupEvents: issues.some((i) =>
        i.type === "events_in_active_for_archived_task" ||
        i.type === "events_dup_across_active_and_archive"
      ),
      warn: ctx.warn,
    });
    for (const d of report.dropped) {
      ctx.warn(
        `Warning: dropped unreadable line ${d.line} of ${d.file} (kept in the backup): ${
          d.text.length > 200 ? d.text.slice(0, 200) + "…" : d.text
        }`,
      );
    }
    for (const r of report.refused) ctx.warn(`Warning: ${r}`);
    report.fixed += await settleCacheCheck(store, cache, true);
    if (ctx.json) ctx.io.writeErr(`Fixed ${report.fixed} issues\n`);
    else await ctx.out(`Fixed ${report.fixed} issues. Backups created.\n`);
    const after = await detect(store, backend);
    await settleCacheCheck(store, after.cache, false);
    remaining = after.issues;
  }
  if (ctx.json) {
    await ctx.out(jsonReport(issues, remaining));
  } else {
    let out = humanReport(issues, fix);
    if (remaining !== null) {
      out += remaining.length === 0
        ? "\nAfter repairs: no issues remain.\n"
        : `\nAfter repairs, ${remaining.length} issue(s) remain (repair these by hand):\n${
          issueLines(remaining)
        }`;
    }
    await ctx.out(out);
  }
  const left = (remaining ?? issues).filter((i) => !INFORMATIONAL.has(i.type));
  if (left.length > 0) {
    throw new CliError(
      remaining === null
        ? `${left.length} issue(s) found (see the report above)`
        : `${left.length} issue(s) remain after repairs (see the report above)`,
    );
  }
}
