import assert from "node:assert/strict";
import {
  cycleDetected,
  invalidInput,
  invalidTransition,
  ioError,
  itemNotFound,
  schemaVersionUnsupported,
  storageCorruption,
  TaskStoreError,
  type TaskStoreErrorCode,
} from "./errors.ts";

Deno.test("TaskStoreError maps user errors to exit 1 and system errors to exit 2", () => {
  const user: TaskStoreErrorCode[] = [
    "ItemNotFound",
    "InvalidTransition",
    "AmbiguousId",
    "CycleDetected",
    "AlreadyClaimed",
    "InvalidInput",
    "NotInitialized",
    "DependentExists",
    "ParentSelfReference",
    "ParentCycle",
    "ParentDangling",
    "ParentHasChildren",
    "QueryTimeout",
    "QueryDenied",
    "QuerySyntax",
  ];
  const system: TaskStoreErrorCode[] = [
    "StorageCorruption",
    "LockTimeout",
    "Io",
    "IdCollisionExhausted",
    "SchemaVersionUnsupported",
    "CacheCorrupt",
    "CacheRebuildFailed",
    "CacheSchemaVersionMismatch",
  ];
  for (const code of user) assert.equal(new TaskStoreError(code, "m").exitCode, 1, code);
  for (const code of system) assert.equal(new TaskStoreError(code, "m").exitCode, 2, code);
});

Deno.test("the error helpers build the upstream texts", () => {
  assert.equal(itemNotFound("tg-x").message, "Item not found: tg-x");
  assert.equal(itemNotFound("tg-x").detail, "tg-x");
  assert.equal(
    invalidTransition("done", "todo").message,
    "Invalid transition: done cannot transition to todo",
  );
  assert.equal(invalidInput("Title cannot be empty").message, "Title cannot be empty");
  assert.equal(storageCorruption("bad").message, "Storage corruption: bad");
  assert.equal(storageCorruption("bad").detail, "bad");
  assert.equal(cycleDetected("x").message, "Dependency cycle detected: x");
  assert.equal(
    schemaVersionUnsupported(7).message,
    "Unsupported schema version 7 (max supported: 1)",
  );
});

Deno.test("ioError() wraps OS errors and keeps store errors", () => {
  const os = new Deno.errors.PermissionDenied("Permission denied (os error 13)");
  const wrapped = ioError(os);
  assert.equal(wrapped.code, "Io");
  assert.equal(wrapped.exitCode, 2);
  assert.equal(wrapped.message, "Permission denied (os error 13)");
  assert.equal(wrapped.cause, os);
  const original = itemNotFound("a");
  assert.equal(ioError(original), original);
  assert.equal(ioError("text").message, "text");
});
