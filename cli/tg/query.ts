/**
 * `tg query [SQL] [--schema] [--json] [--timeout SECS]`: one read-only SQL
 * statement against the cache of the active store.
 *
 * The cache is checked (and rebuilt when stale) on the main thread; the
 * statement runs in a worker. `node:sqlite` has no progress handler and its
 * calls cannot be interrupted from JavaScript, so the only way to stop a
 * statement at `--timeout` is to terminate the thread running it. Starting
 * the worker costs about 11 ms; it is started first, so its module loading
 * overlaps the freshness check. With `--timeout 0` no worker is started.
 *
 * @module
 */

import type { Parsed } from "../_args.ts";
import { invalidInput, TaskStoreError, type TaskStoreErrorCode } from "../../lib/store/errors.ts";
import { ensureFreshCache } from "../../lib/store/cache.ts";
import type { QueryReply, QueryRequest as WorkerRequest } from "./_query_worker.ts";
import { printResult, type TgContext, type TgResult } from "./_context.ts";

const DEFAULT_TIMEOUT_SECS = 5;
const MAX_TIMER_MS = 2147483647;

function timeoutError(secs: string): TaskStoreError {
  return new TaskStoreError(
    "QueryTimeout",
    `Query exceeded timeout of ${secs}s. Use --timeout N to extend.`,
  );
}

/** Sends one request and waits for the reply or the deadline. */
function ask(
  worker: Worker,
  request: WorkerRequest,
  timeoutMs: number | null,
  secs: string,
): Promise<QueryReply> {
  return new Promise((resolve, reject) => {
    const timer = timeoutMs === null ? undefined : setTimeout(() => {
      worker.terminate();
      reject(timeoutError(secs));
    }, timeoutMs);
    worker.onmessage = (e: MessageEvent<QueryReply>) => {
      clearTimeout(timer);
      resolve(e.data);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      clearTimeout(timer);
      reject(new Error(`query worker failed: ${e.message}`));
    };
    const image = request.source.image;
    worker.postMessage(request, image ? [image.buffer as ArrayBuffer] : []);
  });
}

/** The options of `tg query`. */
export interface QueryRequest {
  /** One SQL statement. */
  sql: string;
  /** Seconds the statement may run (a non-negative integer as text; default 5, `0` = none). */
  timeout?: string | undefined;
}

/** Which forms of a query's result to build. */
export interface QueryForms {
  /** The JSON document (`--json`). */
  json: boolean;
  /** The text table. */
  text: boolean;
}

/**
 * Runs one read-only statement against the cache (`tg query`), in a worker
 * that is stopped at the timeout. Warnings about values JSON cannot carry go
 * through `ctx.warn`.
 *
 * @param ctx Command context.
 * @param request The statement and its timeout.
 * @param forms The forms to build (a form not built writes nothing).
 * @returns The rows (JSON: `{"columns": […], "rows": […]}`; text: a table).
 */
export async function queryResult(
  ctx: TgContext,
  request: QueryRequest,
  forms: QueryForms,
): Promise<TgResult> {
  const { sql } = request;
  const secs = request.timeout ?? String(DEFAULT_TIMEOUT_SECS);
  const timeoutMs = Number(secs) * 1000;
  const store = await ctx.store();
  const worker = timeoutMs === 0
    ? null
    : new Worker(new URL("./_query_worker.ts", import.meta.url), { type: "module" });
  try {
    for (let attempt = 0;; attempt++) {
      const cache = await ensureFreshCache(store, { warn: ctx.warn });
      if (ctx.verbose && cache.rebuilt) {
        if (cache.image !== null) {
          ctx.io.writeErr(
            `note: cache directory ${store.dir} unwritable; using in-memory cache for this invocation\n`,
          );
        }
        ctx.io.writeErr(`rebuilding cache (${Math.round(cache.rebuildMs)} ms)\n`);
      }
      if (worker === null) throw timeoutError(secs);
      const reply = await ask(
        worker,
        { source: { path: cache.path, image: cache.image }, sql, ...forms },
        timeoutMs > MAX_TIMER_MS ? null : timeoutMs,
        secs,
      );
      if (reply.ok) {
        for (const w of reply.json?.warnings ?? []) ctx.warn(w);
        const { json, text } = reply;
        return {
          writeJson: (write) => write(json?.stdout ?? ""),
          writeText: (write) => write(text ?? ""),
        };
      }
      // Another tg (another version) replaced cache.db between our check and the query.
      if (reply.code === "CacheSchemaVersionMismatch" && attempt === 0) continue;
      if (reply.code === "Internal") throw new Error(reply.message);
      throw new TaskStoreError(reply.code as TaskStoreErrorCode, reply.message);
    }
  } finally {
    worker?.terminate();
  }
}

/** Runs `tg query`. */
export async function query(p: Parsed, ctx: TgContext): Promise<void> {
  if (p.flag("schema")) {
    const { schemaDocument } = await import("./_query_schema.ts");
    await ctx.out(schemaDocument());
    return;
  }
  const sql = p.args.sql;
  if (sql === undefined) throw invalidInput("tg query requires a SQL string (or pass --schema)");
  const forms = { json: ctx.json, text: !ctx.json };
  await printResult(ctx, await queryResult(ctx, { sql, timeout: p.value("timeout") }, forms));
}
