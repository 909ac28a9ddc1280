/**
 * Status changes (`do`, `done`, `todo`, `block`, `unblock`; tg.md §2.6,
 * §2.7): the full matrix, field effects, claims, archiving, and the events
 * they write (order, size cap, author).
 */

import assert from "node:assert/strict";
import { readText } from "../_helpers.ts";
import {
  activeItems,
  archivedItems,
  fails,
  type ItemFields,
  json,
  jsonl,
  ok,
  run,
  snapshot,
  tsKey,
  withRepo,
  writeStore,
} from "./_tg.ts";

// ---------------------------------------------------------------------------
// Status transitions (tg.md §2.6, §2.7)

const STATES: ItemFields[] = [
  { id: "tg-stodo", title: "T" },
  { id: "tg-sdoin", title: "D", status: "doing" },
  {
    id: "tg-sblkd",
    title: "B",
    status: "blocked",
    blocked_from_status: "doing",
    blocked_reason: "r",
  },
  { id: "tg-sdone", title: "X", status: "done" },
];
const ARCHIVED: ItemFields = { id: "tg-sarch", title: "A" };

type Expect =
  | { applied: string; status: string }
  | { idempotent: string }
  | { error: string };

const MATRIX: Record<string, Record<string, Expect>> = {
  do: {
    "tg-stodo": { applied: "Started: tg-stodo - T [doing]", status: "doing" },
    "tg-sdoin": { idempotent: "doing" },
    "tg-sblkd": { error: "Invalid transition: blocked cannot transition to doing" },
    "tg-sdone": { error: "Invalid transition: done cannot transition to doing" },
    "tg-sarch": { error: "Item not found: tg-sarch" },
  },
  done: {
    "tg-stodo": { applied: "Done: tg-stodo - T [archived]", status: "done" },
    "tg-sdoin": { applied: "Done: tg-sdoin - D [archived]", status: "done" },
    "tg-sblkd": { error: "Invalid transition: blocked cannot transition to done" },
    "tg-sdone": { idempotent: "done" },
    "tg-sarch": { idempotent: "done" },
  },
  todo: {
    "tg-stodo": { idempotent: "todo" },
    "tg-sdoin": { applied: "Returned to todo: tg-sdoin - D", status: "todo" },
    "tg-sblkd": { error: "Invalid transition: blocked cannot transition to todo" },
    "tg-sdone": { error: "Invalid transition: done cannot transition to todo" },
    "tg-sarch": { error: "Item not found: tg-sarch" },
  },
  block: {
    "tg-stodo": { applied: "Blocked: tg-stodo - T", status: "blocked" },
    "tg-sdoin": { applied: "Blocked: tg-sdoin - D", status: "blocked" },
    "tg-sblkd": { idempotent: "blocked" },
    "tg-sdone": { error: "Invalid transition: done cannot transition to blocked" },
    "tg-sarch": { error: "Item not found: tg-sarch" },
  },
  unblock: {
    "tg-stodo": { error: "Cannot unblock: item status is 'todo', expected 'blocked'" },
    "tg-sdoin": { error: "Cannot unblock: item status is 'doing', expected 'blocked'" },
    "tg-sblkd": { applied: "Unblocked: tg-sblkd - B [doing]", status: "doing" },
    "tg-sdone": { error: "Cannot unblock: item status is 'done', expected 'blocked'" },
    "tg-sarch": { error: "Item not found: tg-sarch" },
  },
};

Deno.test("transition matrix: every command on every status, text and JSON", async () => {
  await withRepo(async (dir) => {
    for (const [cmd, row] of Object.entries(MATRIX)) {
      for (const [id, expect] of Object.entries(row)) {
        for (const jsonMode of [false, true]) {
          await writeStore(dir, STATES, [ARCHIVED]);
          for (const f of ["events.jsonl", "events.archive.jsonl"]) {
            await Deno.remove(`${dir}/.task-golem/${f}`).catch(() => {});
          }
          const before = await snapshot(dir);
          const args = jsonMode ? [cmd, id, "--json"] : [cmd, id];
          const what = `tg ${args.join(" ")}`;
          const out = await run(dir, args);
          if ("error" in expect) {
            assert.equal(out.code, 1, what);
            assert.equal(out.stdout, "", what);
            const first = out.stderr.split("\n")[0]!;
            if (jsonMode) assert.equal(JSON.parse(first).error, expect.error, what);
            else assert.equal(first, `Error: ${expect.error}`, what);
            assert.deepEqual(await snapshot(dir), before, what);
          } else if ("idempotent" in expect) {
            assert.equal(out.code, 0, what);
            assert.equal(out.stderr, "", what);
            assert.equal(
              out.stdout,
              jsonMode
                ? `{\n  "idempotent": true,\n  "previous_state": "${expect.idempotent}"\n}\n`
                : `Already ${expect.idempotent} (no change)\n`,
              what,
            );
            assert.deepEqual(await snapshot(dir), before, what);
          } else {
            assert.equal(out.code, 0, `${what}: ${out.stderr}`);
            assert.equal(out.stderr, "", what);
            if (jsonMode) {
              const item = JSON.parse(out.stdout);
              assert.equal(item.id, id, what);
              assert.equal(item.status, expect.status, what);
            } else {
              assert.equal(out.stdout, expect.applied + "\n", what);
            }
            const events = await jsonl(`${dir}/.task-golem/events.jsonl`);
            const archived = await jsonl(`${dir}/.task-golem/events.archive.jsonl`);
            const all = [...events, ...archived];
            assert.equal(all.length, 1, what);
            assert.deepEqual(
              { ...all[0], ts: "" },
              {
                v: 1,
                "task_id": id,
                ts: "",
                author: "tester",
                type: "status_transition",
                text: "",
                status: expect.status,
              },
              what,
            );
            assert.match(all[0]!.ts as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
          }
        }
      }
    }
  });
});

Deno.test("transitions: field effects of do, todo, block, unblock", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa", title: "A" }, { id: "tg-bbbbb", title: "B" }]);
    const a1 = await json(dir, ["do", "aaaaa", "--claim", "agent-α"]);
    assert.equal(a1.status, "doing");
    assert.equal(a1.claimed_by, "agent-α");
    assert.equal(a1.claimed_at, a1.updated_at, "one instant for claim and update");
    // Block from doing: remembers doing, clears the claim.
    const a2 = await json(dir, ["block", "aaaaa", "--reason", 'waiting on "API" — #42']);
    assert.equal(a2.status, "blocked");
    assert.equal(a2.blocked_from_status, "doing");
    assert.equal(a2.blocked_reason, 'waiting on "API" — #42');
    assert.equal(a2.claimed_by, null);
    assert.equal(a2.claimed_at, null);
    // Blocking again is a no-op that keeps the first reason.
    assert.equal(
      await ok(dir, ["block", "aaaaa", "--reason", "other"]),
      "Already blocked (no change)\n",
    );
    assert.equal(
      (await activeItems(dir)).find((i) => i.id === "tg-aaaaa")!.blocked_reason,
      'waiting on "API" — #42',
    );
    // Unblock restores doing (claims are not restored) and clears both block fields.
    const a3 = await json(dir, ["unblock", "aaaaa"]);
    assert.equal(a3.status, "doing");
    assert.equal(a3.blocked_reason, null);
    assert.equal(a3.blocked_from_status, null);
    assert.equal(a3.claimed_by, null);
    // todo clears claims.
    await ok(dir, ["do", "aaaaa", "--claim", "bot"]);
    const a4 = await json(dir, ["todo", "aaaaa"]);
    assert.equal(a4.status, "todo");
    assert.equal(a4.claimed_by, null);
    assert.equal(a4.claimed_at, null);
    // Block from todo with an empty reason; unblock goes back to todo.
    const b1 = await json(dir, ["block", "bbbbb", "--reason", ""]);
    assert.equal(b1.blocked_reason, "");
    assert.equal(b1.blocked_from_status, "todo");
    assert.match(await ok(dir, ["show", "bbbbb"]), /\nBlock reason:\n/);
    assert.equal(await ok(dir, ["unblock", "bbbbb"]), "Unblocked: tg-bbbbb - B [todo]\n");
    // A blocked item without blocked_from_status unblocks to todo.
    await writeStore(dir, [{ id: "tg-ccccc", title: "C", status: "blocked" }]);
    assert.equal(await ok(dir, ["unblock", "ccccc"]), "Unblocked: tg-ccccc - C [todo]\n");
    // Events: one per applied transition, the block reason as text.
    const events = await jsonl(`${dir}/.task-golem/events.jsonl`);
    assert.deepEqual(
      events.map((e) => [e.task_id, e.status, e.text]),
      [
        ["tg-aaaaa", "doing", ""],
        ["tg-aaaaa", "blocked", 'waiting on "API" — #42'],
        ["tg-aaaaa", "doing", ""],
        ["tg-aaaaa", "todo", ""],
        ["tg-bbbbb", "blocked", ""],
        ["tg-bbbbb", "todo", ""],
        ["tg-ccccc", "todo", ""],
      ],
    );
  });
});

Deno.test("claims: conflicts, re-claims without an event, idempotent do", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-aaaaa", title: "A" },
      { id: "tg-bbbbb", title: "B", status: "doing" },
    ]);
    await ok(dir, ["do", "aaaaa", "--claim", "alice"]);
    const events = () => jsonl(`${dir}/.task-golem/events.jsonl`);
    assert.equal((await events()).length, 1);
    const before = await snapshot(dir);
    await fails(dir, ["do", "aaaaa", "--claim", "bob"], 1, "Already claimed by alice");
    assert.deepEqual(await snapshot(dir), before);
    // Same agent: refreshed claim, output of an applied do, no event.
    assert.equal(
      await ok(dir, ["do", "aaaaa", "--claim", "alice"]),
      "Started: tg-aaaaa - A [doing]\n",
    );
    const it = (await activeItems(dir)).find((i) => i.id === "tg-aaaaa")!;
    assert.ok(tsKey(it.claimed_at as string) <= tsKey(it.updated_at as string));
    assert.notEqual(it.updated_at, JSON.parse(before["tasks.jsonl"]!.split("\n")[1]!).updated_at);
    assert.equal((await events()).length, 1);
    // Without --claim on doing: a no-op.
    assert.equal(await ok(dir, ["do", "aaaaa"]), "Already doing (no change)\n");
    // Claiming an unclaimed doing item: set, no event.
    const b = await json(dir, ["do", "bbbbb", "--claim", "carol"]);
    assert.equal(b.claimed_by, "carol");
    assert.equal((await events()).length, 1);
    // done clears the claim.
    const done = await json(dir, ["done", "aaaaa"]);
    assert.equal(done.claimed_by, null);
    assert.equal(done.claimed_at, null);
  });
});

Deno.test("done archives the item and moves its events; other events stay", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa", title: "A" }, { id: "tg-bbbbb", title: "B" }]);
    await ok(dir, ["do", "aaaaa"]);
    await ok(dir, ["do", "bbbbb"]);
    assert.equal(await ok(dir, ["done", "aaaaa"]), "Done: tg-aaaaa - A [archived]\n");
    assert.deepEqual((await activeItems(dir)).map((i) => i.id), ["tg-bbbbb"]);
    const archived = await archivedItems(dir);
    assert.equal(archived.length, 1);
    assert.equal(archived[0]!.status, "done");
    assert.deepEqual(
      (await jsonl(`${dir}/.task-golem/events.archive.jsonl`)).map((e) => [e.task_id, e.status]),
      [["tg-aaaaa", "doing"], ["tg-aaaaa", "done"]],
    );
    assert.deepEqual(
      (await jsonl(`${dir}/.task-golem/events.jsonl`)).map((e) => [e.task_id, e.status]),
      [["tg-bbbbb", "doing"]],
    );
    // Done again (archived only): a no-op; show still finds it in the archive.
    assert.equal(await ok(dir, ["done", "tg-aaaaa"]), "Already done (no change)\n");
    assert.match(await ok(dir, ["show", "aaaaa"]), /\nStatus: {6}done\n/);
    // The archive grows in completion order.
    await ok(dir, ["done", "bbbbb"]);
    assert.deepEqual((await archivedItems(dir)).map((i) => i.id), ["tg-aaaaa", "tg-bbbbb"]);
    assert.equal(await readText(`${dir}/.task-golem/events.jsonl`), "");
  });
});

Deno.test("done refuses an item with active children (tg.md 9.1 item 12)", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-paren", title: "P" },
      { id: "tg-kid02", parent: "tg-paren", status: "done" },
      { id: "tg-kid01", parent: "tg-paren" },
    ]);
    const before = await snapshot(dir);
    await fails(
      dir,
      ["done", "paren"],
      1,
      "Item tg-paren has children and cannot be completed: tg-kid01, tg-kid02",
    );
    const j = await run(dir, ["--json", "done", "paren"]);
    assert.deepEqual(Object.entries(JSON.parse(j.stderr)).slice(0, 2), [
      ["error", "Item tg-paren has children and cannot be completed: tg-kid01, tg-kid02"],
      ["exit_code", 1],
    ]);
    assert.deepEqual(await snapshot(dir), before);
    await ok(dir, ["rm", "kid01"]);
    await ok(dir, ["edit", "kid02", "--parent-clear"]);
    assert.equal(await ok(dir, ["done", "paren"]), "Done: tg-paren - P [archived]\n");
  });
});

Deno.test("the event is written before tasks.jsonl: a failed event append changes nothing", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }, { id: "tg-bbbbb", status: "doing" }]);
    // A directory where the event log should be makes the append fail.
    await Deno.mkdir(`${dir}/.task-golem/events.jsonl`);
    const before = await snapshot(dir);
    for (
      const args of [["do", "aaaaa"], ["done", "bbbbb"], ["block", "aaaaa"], ["todo", "bbbbb"]]
    ) {
      const out = await run(dir, args);
      assert.equal(out.code, 2, args.join(" "));
      assert.match(out.stderr, /^Error: Is a directory \(os error 21\)/);
      assert.deepEqual(await snapshot(dir), before, args.join(" "));
    }
  });
});

Deno.test("an event line over 2048 bytes fails before anything is written", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }]);
    const before = await snapshot(dir);
    // The record around the text is 138 bytes here ("tester", tg-aaaaa, blocked).
    await fails(
      dir,
      ["block", "aaaaa", "--reason", "r".repeat(2000)],
      1,
      "Event line is 2138 bytes, exceeding the 2048-byte cap by 90 bytes. Shorten the text by at least 90 bytes.",
    );
    await fails(
      dir,
      ["block", "aaaaa", "--reason", "é".repeat(1000)],
      1,
      "Event line is 2138 bytes, exceeding the 2048-byte cap by 90 bytes. Shorten the text by at least 90 bytes.",
    );
    assert.deepEqual(await snapshot(dir), before);
    await ok(dir, ["block", "aaaaa", "--reason", "r".repeat(1910)]);
    const line = (await readText(`${dir}/.task-golem/events.jsonl`))!;
    assert.equal(new TextEncoder().encode(line).length, 2048);
  });
});

Deno.test("event author: TG_AUTHOR trimmed, else the repository's git user.email", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }, { id: "tg-bbbbb" }]);
    await ok(dir, ["do", "aaaaa"], { TG_AUTHOR: " \tbot one \n" });
    await ok(dir, ["do", "bbbbb"], { TG_AUTHOR: "   " });
    const events = await jsonl(`${dir}/.task-golem/events.jsonl`);
    assert.deepEqual(events.map((e) => e.author), ["bot one", "test@example.com"]);
    assert.deepEqual(Object.keys(events[0]!), [
      "v",
      "task_id",
      "ts",
      "author",
      "type",
      "text",
      "status",
    ]);
  });
});
