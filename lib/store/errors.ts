/**
 * The store's one error type. Each error carries a stable `code` (the
 * upstream variant name) and the process exit code that `tg` maps it to:
 * 1 for user errors, 2 for system and storage errors.
 *
 * @module
 */

/** Stable names of every error the store and the `tg` CLI raise. */
export type TaskStoreErrorCode =
  | "ItemNotFound"
  | "InvalidTransition"
  | "AmbiguousId"
  | "CycleDetected"
  | "AlreadyClaimed"
  | "InvalidInput"
  | "NotInitialized"
  | "DependentExists"
  | "ParentSelfReference"
  | "ParentCycle"
  | "ParentDangling"
  | "ParentHasChildren"
  | "QueryTimeout"
  | "QueryDenied"
  | "QuerySyntax"
  | "StorageCorruption"
  | "LockTimeout"
  | "Io"
  | "IdCollisionExhausted"
  | "SchemaVersionUnsupported"
  | "CacheCorrupt"
  | "CacheRebuildFailed"
  | "CacheSchemaVersionMismatch";

const SYSTEM_CODES: ReadonlySet<TaskStoreErrorCode> = new Set<TaskStoreErrorCode>([
  "StorageCorruption",
  "LockTimeout",
  "Io",
  "IdCollisionExhausted",
  "SchemaVersionUnsupported",
  "CacheCorrupt",
  "CacheRebuildFailed",
  "CacheSchemaVersionMismatch",
]);

/** Options for {@linkcode TaskStoreError}. */
export interface TaskStoreErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** The variant's payload (e.g. the corruption detail or the missing ID). */
  detail?: string;
}

/**
 * An error from the task store. `message` is the full text `tg` prints after
 * `Error: `.
 *
 * @example Mapping to an exit code
 * ```ts
 * import { TaskStoreError } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const e = new TaskStoreError("LockTimeout", "Lock timeout after 5s");
 * assert.equal(e.exitCode, 2);
 * assert.equal(e.code, "LockTimeout");
 * ```
 */
export class TaskStoreError extends Error {
  /** Stable variant name. */
  readonly code: TaskStoreErrorCode;
  /** 1 for user errors, 2 for system errors. */
  readonly exitCode: 1 | 2;
  /** The variant's payload, when it has one. */
  readonly detail: string | undefined;

  /**
   * Creates a store error.
   *
   * @param code Variant name.
   * @param message Full message.
   * @param options Cause and payload.
   */
  constructor(code: TaskStoreErrorCode, message: string, options: TaskStoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TaskStoreError";
    this.code = code;
    this.exitCode = SYSTEM_CODES.has(code) ? 2 : 1;
    this.detail = options.detail;
  }
}

/** `Item not found: <id>`. */
export function itemNotFound(id: string): TaskStoreError {
  return new TaskStoreError("ItemNotFound", `Item not found: ${id}`, { detail: id });
}

/** `Invalid transition: <from> cannot transition to <to>`. */
export function invalidTransition(from: string, to: string): TaskStoreError {
  return new TaskStoreError(
    "InvalidTransition",
    `Invalid transition: ${from} cannot transition to ${to}`,
  );
}

/** A user error whose message is shown verbatim. */
export function invalidInput(message: string): TaskStoreError {
  return new TaskStoreError("InvalidInput", message, { detail: message });
}

/** `Storage corruption: <detail>`. */
export function storageCorruption(detail: string, cause?: unknown): TaskStoreError {
  return new TaskStoreError("StorageCorruption", `Storage corruption: ${detail}`, {
    detail,
    cause,
  });
}

/** `Dependency cycle detected: <detail>`. */
export function cycleDetected(detail: string): TaskStoreError {
  return new TaskStoreError("CycleDetected", `Dependency cycle detected: ${detail}`, { detail });
}

/** `Unsupported schema version <n> (max supported: 1)`. */
export function schemaVersionUnsupported(version: number): TaskStoreError {
  return new TaskStoreError(
    "SchemaVersionUnsupported",
    `Unsupported schema version ${version} (max supported: 1)`,
    { detail: String(version) },
  );
}

/**
 * Wraps an OS error as an `Io` store error (exit 2), keeping a store error as is.
 *
 * @param e The caught value.
 * @returns A store error.
 */
export function ioError(e: unknown): TaskStoreError {
  if (e instanceof TaskStoreError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new TaskStoreError("Io", message, { cause: e });
}
