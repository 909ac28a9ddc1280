/**
 * `tg list`: layout, order, filters, argument errors, title truncation and
 * --verbose.
 */

import assert from "node:assert/strict";
import { fails, json, ok, run, withRepo, writeStore } from "./_tg.ts";

// ---------------------------------------------------------------------------
// list

Deno.test("list: empty store, table layout, sort order, default filter", async () => {
  await withRepo(async (dir) => {
    assert.equal(await ok(dir, ["list"]), "No items found.\n");
    assert.equal(await ok(dir, ["--json", "list"]), "[]\n");
    await writeStore(dir, [
      { id: "tg-low01", title: "Low", priority: -3 },
      { id: "tg-hi001", title: "High", priority: 10 },
      { id: "tg-mid01", title: "Mid first", priority: 5, status: "doing" },
      { id: "tg-mid02", title: "Mid second", priority: 5, status: "blocked" },
      { id: "tg-done1", title: "Done but active", status: "done" },
      { id: "HAMY-4c6vcdez", title: "Long id", priority: 12345 },
      { id: "tg-max01", title: "Max", priority: 9223372036854775807n },
    ], [{ id: "tg-arc01", title: "Archived" }]);
    assert.equal(
      await ok(dir, ["list"]),
      [
        "ID          STATUS    PRI  TITLE",
        "tg-max01    todo     9223372036854775807  Max",
        "HAMY-4c6vcdez  todo     12345  Long id",
        "tg-hi001    todo       10  High",
        "tg-mid01    doing       5  Mid first",
        "tg-mid02    blocked     5  Mid second",
        "tg-low01    todo       -3  Low",
        "",
      ].join("\n"),
    );
    const ids = (await json<{ id: string }[]>(dir, ["list"])).map((i) => i.id);
    assert.deepEqual(ids, [
      "tg-max01",
      "HAMY-4c6vcdez",
      "tg-hi001",
      "tg-mid01",
      "tg-mid02",
      "tg-low01",
    ]);
  });
});

Deno.test("list filters: --status, --blocked, --tag, --parent; --status done reads the archive", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-aaaaa", tags: ["Red", "blue"] },
      { id: "tg-bbbbb", status: "doing", tags: ["red"], parent: "tg-aaaaa" },
      { id: "tg-ccccc", status: "blocked", parent: "tg-aaaaa" },
      { id: "tg-ddddd", parent: "tg-ccccc" },
      { id: "tg-eeeee", status: "done", tags: ["red"] },
    ], [{ id: "tg-zzzzz", tags: ["red"], parent: "tg-aaaaa" }, { id: "tg-yyyyy" }]);
    const ids = async (...args: string[]) =>
      (await json<{ id: string }[]>(dir, ["list", ...args])).map((i) => i.id);
    assert.deepEqual(await ids("--status", "todo"), ["tg-aaaaa", "tg-ddddd"]);
    assert.deepEqual(await ids("--status", "doing"), ["tg-bbbbb"]);
    assert.deepEqual(await ids("--status", "blocked"), ["tg-ccccc"]);
    assert.deepEqual(await ids("--blocked"), ["tg-ccccc"]);
    assert.deepEqual(await ids("--status", "done"), ["tg-zzzzz", "tg-yyyyy"]);
    assert.deepEqual(await ids("--status", "done", "--tag", "red"), ["tg-zzzzz"]);
    assert.deepEqual(await ids("--tag", "red"), ["tg-bbbbb"]);
    assert.deepEqual(await ids("--tag", "Red"), ["tg-aaaaa"]);
    assert.deepEqual(await ids("--tag", "RED"), []);
    assert.deepEqual(await ids("--parent", "aaaaa"), ["tg-bbbbb", "tg-ccccc"]);
    assert.deepEqual(await ids("--parent", "aaaaa", "--status", "done"), ["tg-zzzzz"]);
    assert.deepEqual(await ids("--parent", "yyyyy"), []);
    assert.deepEqual(await ids("--parent", "aaaaa", "--tag", "red", "--status", "doing"), [
      "tg-bbbbb",
    ]);
    assert.equal(await ok(dir, ["list", "--parent", "ddddd"]), "No items found.\n");
    await fails(dir, ["list", "--parent", "nope"], 1, "Item not found: nope");
  });
});

Deno.test("list: argument errors", async () => {
  await withRepo(async (dir) => {
    await fails(
      dir,
      ["list", "--blocked", "--status", "todo"],
      1,
      "--blocked cannot be combined with --status; --blocked is sugar for --status blocked",
    );
    await fails(
      dir,
      ["list", "--status", "Todo"],
      1,
      "Invalid status 'Todo'. Valid values: todo, doing, done, blocked",
    );
    await fails(
      dir,
      ["list", "--status", ""],
      1,
      "Invalid status ''. Valid values: todo, doing, done, blocked",
    );
    const twice = await run(dir, ["list", "--tag", "a", "--tag", "b"]);
    assert.equal(twice.code, 1);
    assert.match(
      twice.stderr,
      /^error: the argument '--tag <TAG>' cannot be used multiple times\n/,
    );
  });
});

Deno.test("list truncates long titles at a character boundary within 47 bytes", async () => {
  await withRepo(async (dir) => {
    const exact50 = "Exactly fifty bytes of ASCII title text, no cut...";
    assert.equal(new TextEncoder().encode(exact50).length, 50);
    const long = "An ASCII title that is longer than fifty bytes and gets truncated";
    // Byte 47 falls inside the "é" at bytes 46..47 (upstream panics here).
    const split = "a".repeat(46) + "é tail";
    const emoji = "🚀".repeat(14); // 4 bytes each: boundary at 44
    const cjk = "日本語のタイトル日本語のタイトル日本語のタイトル"; // 3 bytes each: 45
    await writeStore(dir, [
      { id: "tg-a0001", title: exact50, priority: 5 },
      { id: "tg-a0002", title: long, priority: 4 },
      { id: "tg-a0003", title: split, priority: 3 },
      { id: "tg-a0004", title: emoji, priority: 2 },
      { id: "tg-a0005", title: cjk, priority: 1 },
    ]);
    const expected = [
      "ID          STATUS    PRI  TITLE",
      `tg-a0001    todo        5  ${exact50}`,
      "tg-a0002    todo        4  An ASCII title that is longer than fifty bytes ...",
      `tg-a0003    todo        3  ${"a".repeat(46)}...`,
      `tg-a0004    todo        2  ${"🚀".repeat(11)}...`,
      "tg-a0005    todo        1  日本語のタイトル日本語のタイト...",
      "",
    ].join("\n");
    assert.equal(await ok(dir, ["list"]), expected);
    assert.equal(await ok(dir, ["ready"]), expected);
    // JSON and next keep the full title.
    assert.equal((await json<{ title: string }[]>(dir, ["list"]))[2]!.title, split);
    assert.equal(await ok(dir, ["next"]), `tg-a0001 [todo] (p:5) ${exact50}\n`);
  });
});

Deno.test("list --verbose reports the store, what was loaded and what is returned", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }, { id: "tg-bbbbb", status: "doing" }], [
      { id: "tg-zzzzz" },
    ]);
    const out = await run(dir, ["list", "--verbose", "--status", "doing"]);
    assert.equal(out.code, 0);
    assert.equal(
      out.stderr,
      `[verbose] Project root: ${dir}/.task-golem\n[verbose] Loaded 2 active items\n` +
        "[verbose] Returning 1 items after filtering\n",
    );
    const done = await run(dir, ["--verbose", "--json", "list", "--status", "done"]);
    assert.equal(
      done.stderr,
      `[verbose] Project root: ${dir}/.task-golem\n[verbose] Loaded 1 items from archive\n` +
        "[verbose] Returning 1 items after filtering\n",
    );
    assert.equal(JSON.parse(done.stdout)[0].id, "tg-zzzzz");
  });
});
