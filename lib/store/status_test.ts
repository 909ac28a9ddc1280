import assert from "node:assert/strict";
import { TaskStoreError } from "./errors.ts";
import { canTransition, isStatus, parseStatus, STATUSES } from "./status.ts";

Deno.test("canTransition() allows exactly the six upstream moves", () => {
  const allowed = new Set([
    "todo>doing",
    "todo>done",
    "todo>blocked",
    "doing>done",
    "doing>blocked",
    "doing>todo",
  ]);
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      assert.equal(canTransition(from, to), allowed.has(`${from}>${to}`), `${from} -> ${to}`);
    }
  }
});

Deno.test("parseStatus() accepts the four lowercase names only", () => {
  for (const s of STATUSES) assert.equal(parseStatus(s), s);
  for (const s of ["Todo", "DONE", "archived", "", " todo"]) {
    assert.throws(() => parseStatus(s), (e) => {
      assert.ok(e instanceof TaskStoreError);
      assert.equal(e.code, "InvalidInput");
      assert.equal(e.exitCode, 1);
      assert.equal(e.message, `Invalid status '${s}'. Valid values: todo, doing, done, blocked`);
      return true;
    });
  }
  assert.equal(isStatus("doing"), true);
  assert.equal(isStatus(1), false);
  assert.deepEqual(STATUSES, ["todo", "doing", "done", "blocked"]);
});
