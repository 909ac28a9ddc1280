/**
 * `tg show`: the detail lines, children, JSON, and --events.
 */

import assert from "node:assert/strict";
import { type ItemFields, ok, withRepo, writeStore } from "./_tg.ts";

// ---------------------------------------------------------------------------
// show

Deno.test("show: every detail line, in order, and the bare item in JSON", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      {
        id: "tg-full1",
        title: "Full",
        status: "blocked",
        priority: 7,
        description: "line1\nline2",
        tags: ["t1", "t2"],
        dependencies: ["tg-min01", "tg-gone1"],
        created_at: "2026-11-25T17:28:12.729998493Z",
        updated_at: "2026-11-25T17:28:12.734Z",
        blocked_reason: "why not",
        blocked_from_status: "doing",
        claimed_by: "agent-7",
        claimed_at: "2026-11-25T17:28:12.730Z",
        parent: "tg-min01",
        "x-b": 1,
        "x-a": { z: 1, a: [true, null] },
        "x-s": "hello",
        "x-f": 1.5,
      },
      { id: "tg-min01", title: "Minimal", created_at: "2026-01-01T00:00:00.120500Z" },
    ]);
    assert.equal(
      await ok(dir, ["show", "full1"]),
      [
        "ID:          tg-full1",
        "Title:       Full",
        "Status:      blocked",
        "Priority:    7",
        "Description: line1",
        "line2",
        "Tags:        t1, t2",
        "Deps:        tg-min01, tg-gone1",
        "Block reason:why not",
        "Claimed by:  agent-7",
        "Created:     2026-11-25 17:28:12.729998493 UTC",
        "Updated:     2026-11-25 17:28:12.734 UTC",
        'x-a: {"a":[true,null],"z":1}',
        "x-b: 1",
        "x-f: 1.5",
        'x-s: "hello"',
        "",
      ].join("\n"),
    );
    assert.equal(
      await ok(dir, ["show", "min01"]),
      [
        "ID:          tg-min01",
        "Title:       Minimal",
        "Status:      todo",
        "Priority:    0",
        "Created:     2026-01-01 00:00:00.120500 UTC",
        "Updated:     2026-01-02 00:00:00 UTC",
        "Children:",
        "  tg-full1    blocked     7  Full",
        "",
      ].join("\n"),
    );
    const j = await ok(dir, ["--json", "show", "full1", "--events"]);
    const parsed = JSON.parse(j);
    assert.equal(parsed.id, "tg-full1");
    assert.equal(parsed.parent, "tg-min01");
    assert.deepEqual(Object.keys(parsed).slice(14), ["x-a", "x-b", "x-f", "x-s"]);
    assert.ok(
      j.includes('\n  "x-a": {\n    "a": [\n      true,\n      null\n    ],\n    "z": 1\n  },\n'),
      j,
    );
  });
});

Deno.test("show: at most ten children by priority then ID, then '(k more)'; archived items too", async () => {
  await withRepo(async (dir) => {
    const kids: ItemFields[] = [];
    for (let i = 1; i <= 12; i++) {
      kids.push({
        id: `tg-kid${String(i).padStart(2, "0")}`,
        title: `Kid ${i}`,
        priority: i % 3,
        parent: "tg-arc01",
        status: i === 4 ? "doing" : "todo",
      });
    }
    await writeStore(dir, kids, [{ id: "tg-arc01", title: "Archived parent" }]);
    const out = await ok(dir, ["show", "arc01"]);
    assert.equal(
      out,
      [
        "ID:          tg-arc01",
        "Title:       Archived parent",
        "Status:      done",
        "Priority:    0",
        "Created:     2026-01-01 00:00:00 UTC",
        "Updated:     2026-01-01 00:00:00 UTC",
        "Children:",
        "  tg-kid02    todo        2  Kid 2",
        "  tg-kid05    todo        2  Kid 5",
        "  tg-kid08    todo        2  Kid 8",
        "  tg-kid11    todo        2  Kid 11",
        "  tg-kid01    todo        1  Kid 1",
        "  tg-kid04    doing       1  Kid 4",
        "  tg-kid07    todo        1  Kid 7",
        "  tg-kid10    todo        1  Kid 10",
        "  tg-kid03    todo        0  Kid 3",
        "  tg-kid06    todo        0  Kid 6",
        "  (2 more)",
        "",
      ].join("\n"),
    );
  });
});

Deno.test("show prefers the active item when an ID is also archived, and --events appends the log", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-twin1", title: "Active copy" }], [
      { id: "tg-twin1", title: "Archived copy" },
    ]);
    assert.match(await ok(dir, ["show", "twin1"]), /^ID: {10}tg-twin1\nTitle: {7}Active copy\n/);
    // No events yet: nothing is appended.
    assert.equal(await ok(dir, ["show", "twin1", "--events"]), await ok(dir, ["show", "twin1"]));
    await ok(dir, ["do", "twin1"], { TG_AUTHOR: "  alice  " });
    await ok(dir, ["block", "twin1", "--reason", "waiting"]);
    const out = await ok(dir, ["show", "twin1", "--events"]);
    const lines = out.split("\n");
    const at = lines.indexOf(
      "TIMESTAMP                    AUTHOR                    TYPE               STATUS   TEXT",
    );
    assert.ok(at > 0, out);
    assert.match(lines[at - 1]!, /^Updated: /);
    assert.match(
      lines[at + 1]!,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z {2}alice {21}status_transition {2}doing {4}$/,
    );
    assert.match(
      lines[at + 2]!,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z {2}tester {20}status_transition {2}blocked {2}waiting$/,
    );
    assert.equal(lines.length, at + 4);
  });
});
