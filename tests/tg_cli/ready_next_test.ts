/**
 * `tg ready` and `tg next`: the queue, warnings, --include-stale, --limit.
 */

import assert from "node:assert/strict";
import { json, ok, run, withRepo, writeStore } from "./_tg.ts";

// ---------------------------------------------------------------------------
// ready, next

Deno.test("ready: todo items whose dependencies are archived or done, warnings for missing ones", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-r0001", title: "Ready low", priority: 1 },
      { id: "tg-r0002", title: "Ready via archive", priority: 5, dependencies: ["tg-arc01"] },
      { id: "tg-r0003", title: "Ready via active done", priority: 5, dependencies: ["tg-done1"] },
      { id: "tg-n0001", title: "Waits on todo", priority: 9, dependencies: ["tg-r0001"] },
      { id: "tg-n0002", title: "Ghost dep", priority: 9, dependencies: ["tg-ghost", "tg-gho2"] },
      { id: "tg-n0003", title: "Met then ghost", dependencies: ["tg-arc01", "tg-gho3"] },
      { id: "tg-n0004", title: "Doing", status: "doing", priority: 9 },
      { id: "tg-n0005", title: "Blocked", status: "blocked", priority: 9 },
      { id: "tg-done1", status: "done", priority: 9 },
    ], [{ id: "tg-arc01" }, { id: "tg-arc01" }]);
    const out = await run(dir, ["--verbose", "ready"]);
    assert.equal(out.code, 0);
    assert.equal(
      out.stdout,
      [
        "ID          STATUS    PRI  TITLE",
        "tg-r0002    todo        5  Ready via archive",
        "tg-r0003    todo        5  Ready via active done",
        "tg-r0001    todo        1  Ready low",
        "",
      ].join("\n"),
    );
    assert.equal(
      out.stderr,
      [
        `[verbose] Project root: ${dir}/.task-golem`,
        "[verbose] Loaded 9 active items, 1 archive IDs",
        "Warning: item tg-n0002 has unmet dependency 'tg-ghost' (not found in active or archive)",
        "Warning: item tg-n0003 has unmet dependency 'tg-gho3' (not found in active or archive)",
        "[verbose] Ready queue: 3 items",
        "",
      ].join("\n"),
    );
    const next = await run(dir, ["--verbose", "next"]);
    assert.equal(next.stdout, "tg-r0002 [todo] (p:5) Ready via archive\n");
    assert.equal(
      next.stderr,
      out.stderr.split("\n").slice(0, 4).join("\n") + "\n",
    );
    const j = await run(dir, ["--json", "next"]);
    assert.equal(JSON.parse(j.stdout).id, "tg-r0002");
    const jr = await run(dir, ["--json", "ready"]);
    assert.equal(JSON.parse(jr.stdout).length, 3);
    // Warnings stay plain text in JSON mode.
    assert.equal(jr.stderr, out.stderr.split("\n").slice(2, 4).join("\n") + "\n");
  });
});

Deno.test("ready: --include-stale appends old doing items, --limit applies last", async () => {
  await withRepo(async (dir) => {
    const fresh = new Date().toISOString();
    await writeStore(dir, [
      { id: "tg-t0001", title: "Todo", priority: 1 },
      { id: "tg-t0002", title: "Todo 2" },
      { id: "tg-d0001", title: "Old doing", status: "doing" },
      { id: "tg-d0002", title: "Older doing, higher", status: "doing", priority: 3 },
      { id: "tg-d0003", title: "Fresh doing", status: "doing", updated_at: fresh },
    ]);
    const ids = async (...args: string[]) =>
      (await json<{ id: string }[]>(dir, ["ready", ...args])).map((i) => i.id);
    assert.deepEqual(await ids(), ["tg-t0001", "tg-t0002"]);
    assert.deepEqual(await ids("--include-stale", "1h"), [
      "tg-t0001",
      "tg-t0002",
      "tg-d0002",
      "tg-d0001",
    ]);
    assert.deepEqual(await ids("--include-stale", "1h 30m"), await ids("--include-stale=1.5h"));
    assert.deepEqual(await ids("--include-stale", "0s", "--limit", "3"), [
      "tg-t0001",
      "tg-t0002",
      "tg-d0002",
    ]);
    assert.deepEqual(await ids("--include-stale", "200000y"), ["tg-t0001", "tg-t0002"]);
    // Too far back for the calendar: nothing is stale (upstream crashed, tg.md 9.1 item 14).
    assert.deepEqual(await ids("--include-stale", "300000y"), ["tg-t0001", "tg-t0002"]);
    assert.equal(await ok(dir, ["ready", "--limit", "0"]), "No items ready\n");
    assert.equal(
      await ok(dir, ["ready", "--include-stale", "0s", "--limit", "0"]),
      "No items ready\n",
    );
    const v = await run(dir, ["--verbose", "ready", "--include-stale", "0s", "--limit", "1"]);
    assert.equal(
      v.stderr,
      [
        `[verbose] Project root: ${dir}/.task-golem`,
        "[verbose] Loaded 5 active items, 0 archive IDs",
        "[verbose] Including 3 stale doing items",
        "[verbose] Ready queue: 1 items",
        "",
      ].join("\n"),
    );
    assert.equal(v.stdout, "ID          STATUS    PRI  TITLE\ntg-t0001    todo        1  Todo\n");
  });
});

Deno.test("ready: invalid and oversized --include-stale durations", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-t0001", dependencies: ["tg-ghost"] }]);
    const cases: [string, string][] = [
      ["bogus", "Invalid duration 'bogus': expected number at 0"],
      ["10", "Invalid duration '10': time unit needed, for example 10sec or 10ms"],
      ["-1h", "Invalid duration '-1h': expected number at 0"],
      ["", "Invalid duration '': value was empty"],
      ["1.h", "Invalid duration '1.h': invalid character at 1"],
      [
        "1x",
        "Invalid duration '1x': unknown time unit \"x\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)",
      ],
      [
        "18446744073709551616s",
        "Invalid duration '18446744073709551616s': number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)",
      ],
      [
        "1000000000y",
        "Duration too large: Source duration value is out of range for the target type",
      ],
    ];
    for (const [d, message] of cases) {
      const out = await run(dir, ["ready", `--include-stale=${d}`]);
      assert.equal(out.code, 1, d);
      assert.equal(out.stdout, "", d);
      // The queue is computed first, so its warnings come before the error.
      assert.equal(
        out.stderr.split("\n").slice(0, 2).join("\n"),
        "Warning: item tg-t0001 has unmet dependency 'tg-ghost' (not found in active or archive)\n" +
          `Error: ${message}`,
        d,
      );
    }
  });
});

Deno.test("next: full title, no colour, 'No items ready', JSON null", async () => {
  await withRepo(async (dir) => {
    assert.equal(await ok(dir, ["next"]), "No items ready\n");
    assert.equal(await ok(dir, ["--json", "next"]), "null\n");
    assert.equal(await ok(dir, ["ready"]), "No items ready\n");
    assert.equal(await ok(dir, ["--json", "ready"]), "[]\n");
    const title = "A very long title that would be truncated in a table, but not by next";
    await writeStore(dir, [{ id: "tg-n0001", title, priority: -4 }]);
    assert.equal(
      await ok(dir, ["next"], { FORCE_COLOR: "1" }),
      `tg-n0001 [todo] (p:-4) ${title}\n`,
    );
  });
});
