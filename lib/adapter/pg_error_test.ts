import assert from "node:assert/strict";
import {
  invalidInput,
  invalidTransition,
  ioError,
  itemNotFound,
  schemaVersionUnsupported,
  storageCorruption,
  TaskStoreError,
  type TaskStoreErrorCode,
} from "../store/errors.ts";
import { PgError, type PgErrorCode, toPgError } from "./pg_error.ts";

const VARIANTS: [PgErrorCode, string, string, "retryable" | "fatal" | "skip" | "other"][] = [
  ["LockTimeout", "5s", "Lock timeout after 5s", "retryable"],
  [
    "StorageCorruption",
    "Malformed item on line 3: x",
    "Storage corruption: Malformed item on line 3: x. Recovery: `git checkout .task-golem/tasks.jsonl`",
    "fatal",
  ],
  ["NotInitialized", "no store", "Store not initialized: no store", "fatal"],
  ["IdCollisionExhausted", "10", "ID collision exhausted after 10 attempts", "fatal"],
  [
    "InternalPanic",
    "coordinator shut down",
    "Internal panic in storage thread: coordinator shut down",
    "fatal",
  ],
  ["ItemNotFound", "WRK-001", "Item not found: WRK-001", "skip"],
  ["InvalidTransition", "not blocked", "Invalid transition: not blocked", "skip"],
  ["CycleDetected", "self-merge", "Cycle detected: self-merge", "skip"],
  ["Git", "commit failed", "Git error: commit failed", "other"],
  ["Unexpected", "disk full", "Unexpected storage error: disk full", "other"],
];

for (const [code, detail, message, category] of VARIANTS) {
  Deno.test(`PgError ${code}: message and ${category} category`, () => {
    const e = new PgError(code, detail);
    assert.equal(e.message, message);
    assert.equal(e.name, "PgError");
    assert.equal(e.code, code);
    assert.equal(e.detail, detail);
    assert.equal(e.category, category);
    assert.equal(e.isRetryable(), category === "retryable");
    assert.equal(e.isFatal(), category === "fatal");
    assert.equal(e.isSkip(), category === "skip");
  });
}

Deno.test("toPgError() maps every store error code", () => {
  const table: [TaskStoreError, PgErrorCode, string][] = [
    [
      new TaskStoreError("LockTimeout", "Lock timeout after 5s"),
      "LockTimeout",
      "Lock timeout after 5s",
    ],
    [
      storageCorruption("Malformed item on line 2: oops"),
      "StorageCorruption",
      "Storage corruption: Malformed item on line 2: oops. Recovery: `git checkout .task-golem/tasks.jsonl`",
    ],
    [
      schemaVersionUnsupported(2),
      "StorageCorruption",
      "Storage corruption: Unsupported schema version 2 (max supported: 1). Recovery: `git checkout .task-golem/tasks.jsonl`",
    ],
    [
      new TaskStoreError("NotInitialized", "Not initialized", { detail: "no .task-golem" }),
      "NotInitialized",
      "Store not initialized: no .task-golem",
    ],
    [
      new TaskStoreError("IdCollisionExhausted", "ID collision exhausted after 10 attempts"),
      "IdCollisionExhausted",
      "ID collision exhausted after 10 attempts",
    ],
    [itemNotFound("WRK-9"), "ItemNotFound", "Item not found: WRK-9"],
    [
      invalidTransition("done", "todo"),
      "InvalidTransition",
      "Invalid transition: done cannot transition to todo",
    ],
    [
      new TaskStoreError("CycleDetected", "Dependency cycle detected: a -> b", {
        detail: "a -> b",
      }),
      "CycleDetected",
      "Cycle detected: a -> b",
    ],
    [ioError(new Error("disk full")), "Unexpected", "Unexpected storage error: disk full"],
    [invalidInput("bad"), "Unexpected", "Unexpected storage error: bad"],
  ];
  for (const [input, code, message] of table) {
    const e = toPgError(input);
    assert.equal(e.code, code, input.code);
    assert.equal(e.message, message);
    assert.equal(e.cause, input);
  }
  const others: TaskStoreErrorCode[] = [
    "AmbiguousId",
    "AlreadyClaimed",
    "DependentExists",
    "ParentSelfReference",
    "ParentCycle",
    "ParentDangling",
    "ParentHasChildren",
    "QueryTimeout",
    "QueryDenied",
    "QuerySyntax",
    "CacheCorrupt",
    "CacheRebuildFailed",
    "CacheSchemaVersionMismatch",
  ];
  for (const code of others) {
    const e = toPgError(new TaskStoreError(code, "m"));
    assert.equal(e.code, "Unexpected", code);
    assert.equal(e.message, "Unexpected storage error: m");
  }
});

Deno.test("toPgError() passes PgError through and makes other exceptions InternalPanic", () => {
  const pg = new PgError("Git", "x");
  assert.equal(toPgError(pg), pg);
  const boom = new TypeError("boom");
  const e = toPgError(boom);
  assert.equal(e.code, "InternalPanic");
  assert.equal(e.message, "Internal panic in storage thread: boom");
  assert.ok(e.isFatal());
  assert.equal(toPgError("str").message, "Internal panic in storage thread: str");
});
