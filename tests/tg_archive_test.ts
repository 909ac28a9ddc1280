// deno-lint-ignore-file no-console
/**
 * `tg archive`: recovery of done items left in `tasks.jsonl` (with their
 * events), pruning to `archive-pruned.jsonl`, the outputs, and the same
 * results as the Rust peer on the same store.
 */

import assert from "node:assert/strict";
import { rustUnavailable } from "./_helpers.ts";
import { eventLine, HEADER, itemLine, storeFile, storeRepo, twin } from "./_stores.ts";
import { tg } from "./_helpers.ts";

const RUST_SKIP = await rustUnavailable();
if (RUST_SKIP) console.log(`skipping Rust comparisons: ${RUST_SKIP}`);

/** A store with two done items (one the parent of a todo child), events, and an old archive. */
function mixedStore() {
  return {
    "tasks.jsonl": HEADER +
      itemLine("tg-done1", { status: "done", updated_at: "2026-02-01T00:00:00Z" }) +
      itemLine("tg-done2", { status: "done" }) +
      itemLine("tg-kid", { parent: "tg-done2" }) +
      itemLine("tg-open") +
      itemLine("tg-par", { status: "done" }) +
      itemLine("tg-sub", { status: "done", parent: "tg-par" }),
    "archive.jsonl": HEADER +
      itemLine("tg-old2", { status: "done", updated_at: "2025-06-01T00:00:00Z" }) +
      itemLine("tg-new", { status: "done", updated_at: "2026-03-01T00:00:00.5Z" }) +
      itemLine("tg-old1", { status: "done", updated_at: "2025-12-31T23:59:59.999Z" }) +
      itemLine("tg-edge", { status: "done", updated_at: "2026-01-01T00:00:00Z" }),
    "events.jsonl":
      eventLine("tg-done1", "2026-01-02T00:00:00.000000Z", "note", "keep with done1") +
      eventLine("tg-open", "2026-01-03T00:00:00.000000Z", "note", "stays") +
      '{"v":2,"task_id":"tg-done1","future":true}\n' +
      "not json at all\n",
  };
}

Deno.test("tg archive recovers done items (skipping parents of active children), moves their events, prunes by date", async () => {
  const t = await twin(mixedStore());
  try {
    const r = await t.tg(["archive", "--before", "2026-01-01"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      "Recovered 3 done item(s) to archive: tg-done1, tg-par, tg-sub\n" +
        "Pruned 2 item(s) to archive-pruned.jsonl: tg-old2, tg-old1\n",
    );
    assert.match(r.stderr, /^Warning: skipping tg-done2 — has active children: tg-kid$/m);
    const tasks = (await storeFile(t.ours, "tasks.jsonl"))!;
    assert.deepEqual(ids(tasks), ["tg-done2", "tg-kid", "tg-open"]);
    // archive.jsonl: rewritten sorted by ID without the pruned entries; the item exactly at the
    // cutoff is kept
    assert.deepEqual(ids((await storeFile(t.ours, "archive.jsonl"))!), [
      "tg-done1",
      "tg-edge",
      "tg-new",
      "tg-par",
      "tg-sub",
    ]);
    assert.deepEqual(ids((await storeFile(t.ours, "archive-pruned.jsonl"))!), [
      "tg-old2",
      "tg-old1",
    ]);
    // events of recovered items moved; other lines (unknown version, malformed) kept verbatim
    assert.equal(
      await storeFile(t.ours, "events.jsonl"),
      eventLine("tg-open", "2026-01-03T00:00:00.000000Z", "note", "stays") +
        '{"v":2,"task_id":"tg-done1","future":true}\n' + "not json at all\n",
    );
    assert.equal(
      await storeFile(t.ours, "events.archive.jsonl"),
      eventLine("tg-done1", "2026-01-02T00:00:00.000000Z", "note", "keep with done1"),
    );
    if (t.rust) {
      const rr = await t.rustTg(["archive", "--before", "2026-01-01"]);
      assert.equal(rr.stdout, r.stdout);
      assert.equal(rr.code, r.code);
      for (
        const f of ["tasks.jsonl", "archive.jsonl", "archive-pruned.jsonl", "events.archive.jsonl"]
      ) {
        assert.equal(await storeFile(t.ours, f), await storeFile(t.rust, f), f);
      }
    }
    // a second run has nothing left but the skipped parent: exit 1 with upstream's message
    const again = await t.tg(["archive"]);
    assert.equal(again.code, 1);
    assert.equal(again.stdout, "");
    assert.equal(
      again.stderr,
      "Warning: skipping tg-done2 — has active children: tg-kid\n" +
        "Error: All 1 done candidate(s) skipped due to active children. Reparent or complete the children, then re-run `tg archive`.\n",
    );
  } finally {
    await t.cleanup();
  }
});

Deno.test("tg --json archive prints the counts and IDs (keys alphabetical), like the Rust peer", async () => {
  const t = await twin(mixedStore());
  try {
    const r = await t.tg(["--json", "archive", "--before", "2026-01-01"]);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), {
      pruned: 2,
      "pruned_ids": ["tg-old2", "tg-old1"],
      recovered: 3,
      "recovered_ids": ["tg-done1", "tg-par", "tg-sub"],
      skipped: 1,
      "skipped_ids": ["tg-done2"],
    });
    if (t.rust) {
      assert.equal(
        r.stdout,
        (await t.rustTg(["--json", "archive", "--before", "2026-01-01"])).stdout,
      );
    }
    const none = await t.tg(["--json", "archive"]);
    assert.equal(none.code, 1);
    assert.equal(
      none.stderr.split("\n")[1],
      '{"error":"All 1 done candidate(s) skipped due to active children. Reparent or complete the children, then re-run `tg archive`.","exit_code":1}',
    );
    assert.deepEqual(JSON.parse(none.stdout).skipped_ids, ["tg-done2"]);
  } finally {
    await t.cleanup();
  }
});

Deno.test("tg archive with nothing to do says so and writes nothing", async () => {
  const files = { "tasks.jsonl": HEADER + itemLine("tg-a"), "archive.jsonl": HEADER };
  const t = await twin(files);
  try {
    const r = await t.tg(["archive", "--before", "2020-01-01"]);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, "No items to archive or prune.\n", ""]);
    assert.equal(await storeFile(t.ours, "archive-pruned.jsonl"), null);
    assert.equal(await storeFile(t.ours, "tasks.jsonl"), files["tasks.jsonl"]);
    if (t.rust) {
      assert.equal((await t.rustTg(["archive", "--before", "2020-01-01"])).stdout, r.stdout);
    }
  } finally {
    await t.cleanup();
  }
});

Deno.test("tg archive --before rejects dates that are not YYYY-MM-DD with upstream's reasons", async () => {
  const t = await twin({ "tasks.jsonl": HEADER, "archive.jsonl": HEADER });
  try {
    for (
      const [input, reason] of [
        ["yesterday", "input contains invalid characters"],
        ["2026-13-01", "input is out of range"],
        ["2026-02-30", "input is out of range"],
        ["2026-01-01T00:00:00Z", "trailing input"],
        ["2026-01", "premature end of input"],
        ["", "premature end of input"],
        ["12026-01-01", "input contains invalid characters"],
      ]
    ) {
      const r = await t.tg(["archive", "--before", input!]);
      const expected =
        `Error: Invalid date '${input}': expected ISO 8601 format (YYYY-MM-DD): ${reason}\n`;
      assert.deepEqual([r.code, r.stderr], [1, expected], input);
      if (t.rust) {
        const rr = await t.rustTg(["archive", "--before", input!]);
        assert.deepEqual([rr.code, rr.stderr], [1, expected], `rust: ${input}`);
      }
    }
    for (const ok of ["2026-1-1", " 2026-01-01", "+2026-01-01", "0000-01-01"]) {
      assert.equal((await t.tg(["archive", "--before", ok])).code, 0, ok);
    }
  } finally {
    await t.cleanup();
  }
});

Deno.test("tg archive --before keeps unreadable archive lines instead of dropping them", async () => {
  const repo = await storeRepo({
    "tasks.jsonl": HEADER,
    "archive.jsonl": HEADER +
      itemLine("tg-b", { status: "done", updated_at: "2020-01-01T00:00:00Z" }) +
      "{torn line\n" + itemLine("tg-a", { status: "done", "x-ok": 1 }) +
      itemLine("tg-c", { status: "done", updated_at: "2020-01-01T00:00:00Z" }).replace(
        '"parent"',
        '"bad"',
      ),
  });
  try {
    const r = await tg(["archive", "--before", "2021-01-01"], { cwd: repo.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Pruned 1 item(s) to archive-pruned.jsonl: tg-b\n");
    assert.match(r.stderr, /Warning: skipping malformed archive line 3: /);
    const archive = (await storeFile(repo, "archive.jsonl"))!.split("\n");
    assert.equal(archive[0], HEADER.trim());
    assert.match(archive[1]!, /^\{"id":"tg-a",/);
    assert.match(archive[2]!, /^\{"id":"tg-c",.*"bad":null/); // invalid extension key: verbatim
    assert.equal(archive[3], "{torn line");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg archive takes the store lock even when there is nothing to do", async () => {
  const repo = await storeRepo({ "tasks.jsonl": HEADER, "archive.jsonl": HEADER });
  try {
    const lock = await Deno.open(`${repo.dir}/.task-golem/tasks.lock`, { read: true, write: true });
    await lock.lock(true);
    try {
      const t0 = performance.now();
      const r = await tg(["archive"], { cwd: repo.dir, env: { TG_LOCK_TIMEOUT: "400ms" } });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^Error: Lock timeout after 400ms\n/);
      assert.ok(performance.now() - t0 > 390);
    } finally {
      lock.close();
    }
  } finally {
    await repo.cleanup();
  }
});

function ids(file: string): string[] {
  return file.split("\n").slice(1).filter((l) => l.trim() !== "").map((l) =>
    JSON.parse(l).id as string
  );
}
