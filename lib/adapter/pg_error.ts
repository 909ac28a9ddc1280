/**
 * `PgError`: the errors phase-golem's store access can end in, each with a
 * category that tells the caller what to do — retry (`LockTimeout`), stop
 * (fatal), or skip the action (pg.md §5.8) — and the one mapping from store
 * errors to them.
 *
 * @module
 */

import { TaskStoreError, type TaskStoreErrorCode } from "../store/errors.ts";

/** Stable names of the `PgError` variants. */
export type PgErrorCode =
  | "LockTimeout"
  | "StorageCorruption"
  | "NotInitialized"
  | "IdCollisionExhausted"
  | "InternalPanic"
  | "ItemNotFound"
  | "InvalidTransition"
  | "CycleDetected"
  | "Git"
  | "Unexpected";

/** What a caller does with an error. */
export type PgErrorCategory = "retryable" | "fatal" | "skip" | "other";

const CATEGORY: Readonly<Record<PgErrorCode, PgErrorCategory>> = {
  LockTimeout: "retryable",
  StorageCorruption: "fatal",
  NotInitialized: "fatal",
  IdCollisionExhausted: "fatal",
  InternalPanic: "fatal",
  ItemNotFound: "skip",
  InvalidTransition: "skip",
  CycleDetected: "skip",
  Git: "other",
  Unexpected: "other",
};

function display(code: PgErrorCode, detail: string): string {
  switch (code) {
    case "LockTimeout":
      return `Lock timeout after ${detail}`;
    case "StorageCorruption":
      return `Storage corruption: ${detail}. Recovery: \`git checkout .task-golem/tasks.jsonl\``;
    case "NotInitialized":
      return `Store not initialized: ${detail}`;
    case "IdCollisionExhausted":
      return `ID collision exhausted after ${detail} attempts`;
    case "InternalPanic":
      return `Internal panic in storage thread: ${detail}`;
    case "ItemNotFound":
      return `Item not found: ${detail}`;
    case "InvalidTransition":
      return `Invalid transition: ${detail}`;
    case "CycleDetected":
      return `Cycle detected: ${detail}`;
    case "Git":
      return `Git error: ${detail}`;
    case "Unexpected":
      return `Unexpected storage error: ${detail}`;
  }
}

/**
 * An error from phase-golem's store or git access. `message` is the text
 * shown to people; `detail` is the variant's payload.
 *
 * @example Categories
 * ```ts
 * import { PgError } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const e = new PgError("LockTimeout", "5s");
 * assert.equal(e.message, "Lock timeout after 5s");
 * assert.ok(e.isRetryable());
 * assert.ok(!e.isFatal());
 * assert.ok(new PgError("ItemNotFound", "WRK-001").isSkip());
 * ```
 */
export class PgError extends Error {
  /** The variant. */
  readonly code: PgErrorCode;
  /** The variant's payload (duration, detail, ID, message). */
  readonly detail: string;

  /**
   * Builds an error of one variant.
   *
   * @param code The variant.
   * @param detail Its payload.
   * @param options The underlying error.
   */
  constructor(code: PgErrorCode, detail: string, options: { cause?: unknown } = {}) {
    super(
      display(code, detail),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "PgError";
    this.code = code;
    this.detail = detail;
  }

  /** What the caller should do with this error. */
  get category(): PgErrorCategory {
    return CATEGORY[this.code];
  }

  /**
   * Whether trying again may succeed (only `LockTimeout`).
   *
   * @returns `true` for `LockTimeout`.
   */
  isRetryable(): boolean {
    return this.category === "retryable";
  }

  /**
   * Whether the store cannot be used any more: `StorageCorruption`,
   * `NotInitialized`, `IdCollisionExhausted`, `InternalPanic`.
   *
   * @returns `true` for the four fatal variants.
   */
  isFatal(): boolean {
    return this.category === "fatal";
  }

  /**
   * Whether the affected action should be skipped and retried later:
   * `ItemNotFound`, `InvalidTransition`, `CycleDetected`.
   *
   * @returns `true` for the three skip variants.
   */
  isSkip(): boolean {
    return this.category === "skip";
  }
}

/** How each store error becomes a `PgError`: the variant and its payload. */
const FROM_STORE: Readonly<
  Record<TaskStoreErrorCode, (e: TaskStoreError) => [PgErrorCode, string]>
> = {
  LockTimeout: (e) => ["LockTimeout", /after (\S+)$/.exec(e.message)?.[1] ?? "5s"],
  StorageCorruption: (e) => ["StorageCorruption", e.detail ?? stripPrefix(e.message)],
  SchemaVersionUnsupported: (e) => ["StorageCorruption", e.message],
  NotInitialized: (e) => ["NotInitialized", e.detail ?? e.message],
  IdCollisionExhausted: (e) => ["IdCollisionExhausted", /after (\d+)/.exec(e.message)?.[1] ?? "10"],
  ItemNotFound: (e) => ["ItemNotFound", e.detail ?? stripPrefix(e.message)],
  InvalidTransition: (e) => ["InvalidTransition", stripPrefix(e.message)],
  CycleDetected: (e) => ["CycleDetected", e.detail ?? stripPrefix(e.message)],
  AmbiguousId: unexpected,
  AlreadyClaimed: unexpected,
  InvalidInput: unexpected,
  DependentExists: unexpected,
  ParentSelfReference: unexpected,
  ParentCycle: unexpected,
  ParentDangling: unexpected,
  ParentHasChildren: unexpected,
  QueryTimeout: unexpected,
  QueryDenied: unexpected,
  QuerySyntax: unexpected,
  Io: unexpected,
  CacheCorrupt: unexpected,
  CacheRebuildFailed: unexpected,
  CacheSchemaVersionMismatch: unexpected,
};

function unexpected(e: TaskStoreError): [PgErrorCode, string] {
  return ["Unexpected", e.message];
}

function stripPrefix(message: string): string {
  const i = message.indexOf(": ");
  return i < 0 ? message : message.slice(i + 2);
}

/**
 * Converts anything a store operation threw into a `PgError`: a `PgError`
 * passes through, a `TaskStoreError` is mapped by its code, and any other
 * exception is an `InternalPanic` (a bug in the code run under the lock).
 *
 * @param e The caught value.
 * @returns The `PgError`.
 *
 * @example
 * ```ts
 * import { TaskStoreError, toPgError } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const e = toPgError(new TaskStoreError("StorageCorruption", "Storage corruption: bad line", {
 *   detail: "bad line",
 * }));
 * assert.equal(e.code, "StorageCorruption");
 * assert.equal(e.message, "Storage corruption: bad line. Recovery: `git checkout .task-golem/tasks.jsonl`");
 * assert.ok(e.isFatal());
 * ```
 */
export function toPgError(e: unknown): PgError {
  if (e instanceof PgError) return e;
  if (e instanceof TaskStoreError) {
    const [code, detail] = FROM_STORE[e.code](e);
    return new PgError(code, detail, { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new PgError("InternalPanic", message, { cause: e });
}
