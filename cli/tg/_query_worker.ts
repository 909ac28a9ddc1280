/**
 * Worker for `tg query`: runs the sandboxed statement and formats the
 * output, so that the main thread can stop a statement that runs past its
 * timeout by terminating this worker (SQLite in `node:sqlite` cannot be
 * interrupted from JavaScript).
 *
 * Message in: {@linkcode QueryRequest}; message out: {@linkcode QueryReply}.
 *
 * @module
 */

import { TaskStoreError } from "../../lib/store/errors.ts";
import { type QuerySource, runSandboxedQuery } from "../../lib/store/query_sandbox.ts";
import { humanOutput, jsonOutput, type QueryOutput } from "./_query_format.ts";

/** What the main thread sends. */
export interface QueryRequest {
  /** The cache. */
  source: QuerySource;
  /** The user's SQL. */
  sql: string;
  /** Format the result as JSON (`--json`). */
  json: boolean;
  /** Format the result as the text table. */
  text: boolean;
}

/** What the worker answers: the forms asked for (else `null`), or the error. */
export type QueryReply =
  | { ok: true; json: QueryOutput | null; text: string | null }
  | { ok: false; code: string; message: string };

interface WorkerScope {
  onmessage: ((e: MessageEvent<QueryRequest>) => void) | null;
  postMessage(message: QueryReply): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = async (e) => {
  let reply: QueryReply;
  try {
    const result = await runSandboxedQuery(e.data.source, e.data.sql);
    reply = {
      ok: true,
      json: e.data.json ? jsonOutput(result) : null,
      text: e.data.text ? humanOutput(result) : null,
    };
  } catch (err) {
    reply = err instanceof TaskStoreError
      ? { ok: false, code: err.code, message: err.message }
      : { ok: false, code: "Internal", message: err instanceof Error ? err.message : String(err) };
  }
  scope.postMessage(reply);
};
