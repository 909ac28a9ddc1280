// deno-lint-ignore-file no-console
/**
 * `tg note`, `tg events`, `tg show --events`: outputs and errors, compared
 * with the Rust peer on the same store.
 */

import assert from "node:assert/strict";
import { rustUnavailable, tg } from "./_helpers.ts";
import { eventLine, HEADER, itemLine, storeFile, storeRepo, twin } from "./_stores.ts";

const RUST_SKIP = await rustUnavailable();
if (RUST_SKIP) console.log(`skipping Rust comparisons: ${RUST_SKIP}`);

const FIXTURE = "tg-0.3.0-generated";

Deno.test("tg events and show --events print the same tables and NDJSON as the Rust peer on the generated fixture", async () => {
  const t = await twin(FIXTURE);
  try {
    const active = JSON.parse((await t.tg(["--json", "list"])).stdout) as { id: string }[];
    const archived = JSON.parse((await t.tg(["--json", "list", "--status", "done"])).stdout) as {
      id: string;
    }[];
    assert.ok(active.length > 20 && archived.length === 3);
    let withEvents = 0;
    // Ours in-process: a hundred read-only comparisons.
    for (const { id } of [...active, ...archived]) {
      const r = await t.tgInProcess(["events", id]);
      assert.equal(r.code, 0, r.stderr);
      if (t.rust) assert.equal(r.stdout, (await t.rustTg(["events", id])).stdout, id);
      if (r.stdout === "") continue;
      withEvents++;
      for (
        const args of [["events", id, "--json"], ["--json", "events", id], ["show", id, "--events"]]
      ) {
        const o = await t.tgInProcess(args);
        assert.equal(o.code, 0, `${args.join(" ")}: ${o.stderr}`);
        if (t.rust) assert.equal(o.stdout, (await t.rustTg(args)).stdout, args.join(" "));
      }
    }
    assert.ok(withEvents >= 8, `events for ${withEvents} items`);
  } finally {
    await t.cleanup();
  }
});

Deno.test("tg events: merged from both logs in time order, nothing for no events, NDJSON re-serialized, control characters stripped only on a terminal", async () => {
  const repo = await storeRepo({
    "tasks.jsonl": HEADER + itemLine("tg-a") + itemLine("tg-b"),
    "archive.jsonl": HEADER,
    "events.jsonl": eventLine("tg-a", "2026-01-03T00:00:00.000000Z", "note", "third") +
      eventLine("tg-a", "2026-01-01T00:00:00+05:00", "status_transition", "", "doing") +
      '{"v":1,"task_id":"tg-a","ts":"2026-01-04T00:00:00Z","author":"bell\\u0007","type":"note","text":"x\\u001b[31my","extra":1}\n',
    "events.archive.jsonl": eventLine("tg-a", "2026-01-02T00:00:00.000000Z", "note", "second"),
  });
  try {
    const r = await tg(["events", "a"], { cwd: repo.dir });
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      "TIMESTAMP                    AUTHOR                    TYPE               STATUS   TEXT\n" +
        "2025-12-31T19:00:00.000000Z  x                         status_transition  doing    \n" +
        "2026-01-02T00:00:00.000000Z  x                         note               -        second\n" +
        "2026-01-03T00:00:00.000000Z  x                         note               -        third\n" +
        "2026-01-04T00:00:00.000000Z  bell\u0007                     note               -        x\u001b[31my\n",
    );
    const json = await tg(["events", "tg-a", "--json"], { cwd: repo.dir });
    const lines = json.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.equal(
      lines[0],
      '{"v":1,"task_id":"tg-a","ts":"2025-12-31T19:00:00.000000Z","author":"x","type":"status_transition","text":"","status":"doing"}',
    );
    assert.equal(
      lines[3],
      '{"v":1,"task_id":"tg-a","ts":"2026-01-04T00:00:00.000000Z","author":"bell\\u0007","type":"note","text":"x\\u001b[31my"}',
    );
    const none = await tg(["events", "tg-b"], { cwd: repo.dir });
    assert.deepEqual([none.code, none.stdout, none.stderr], [0, "", ""]);
    const missing = await tg(["events", "nope", "--json"], { cwd: repo.dir });
    assert.deepEqual([missing.code, missing.stderr.split("\n")[0]], [
      1,
      '{"error":"Item not found: nope","exit_code":1,"hint":"run `tg list` to see active IDs (`tg list --status done` for archived ones)"}',
    ]);
    // on a terminal, the table drops control characters from author and text
    const { tgOnTerminal } = await import("./_pty.ts");
    const tty = await tgOnTerminal(["events", "tg-a"], repo.dir);
    if (tty !== null) {
      assert.ok(tty.includes("bell                      note"), JSON.stringify(tty));
      assert.ok(tty.includes("x[31my"), JSON.stringify(tty));
    } else console.log("skipping the terminal check: script(1) is not available");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("tg note appends a note (human and JSON), rejects empty text and archived tasks like the Rust peer", async () => {
  const files = {
    "tasks.jsonl": HEADER + itemLine("tg-a"),
    "archive.jsonl": HEADER + itemLine("tg-z", { status: "done" }),
  };
  const t = await twin(files);
  try {
    const r = await t.tg(["note", "a", "first note"]);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, "Noted: tg-a - first note\n", ""]);
    const j = await t.tg(["--json", "note", "tg-a", "line1\nline2"]);
    const ev = JSON.parse(j.stdout);
    assert.deepEqual(Object.keys(ev), ["v", "task_id", "ts", "author", "type", "text"]);
    assert.deepEqual([ev.task_id, ev.author, ev.type, ev.text], [
      "tg-a",
      "tester",
      "note",
      "line1\nline2",
    ]);
    assert.match(ev.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.ok(j.stdout.startsWith('{\n  "v": 1,\n  "task_id": "tg-a",\n'));
    const log = (await storeFile(t.ours, "events.jsonl"))!.trimEnd().split("\n");
    assert.equal(log.length, 2);
    assert.match(
      log[0]!,
      /^\{"v":1,"task_id":"tg-a","ts":"[^"]+","author":"tester","type":"note","text":"first note"\}$/,
    );
    const ws = await t.tg(["note", "tg-a", "   "]);
    assert.deepEqual([ws.code, ws.stdout], [0, "Noted: tg-a -    \n"]);
    const cases: [string[], string][] = [
      [["note", "tg-a", ""], "Error: note text cannot be empty\n"],
      [
        ["note", "tg-z", "x"],
        "Error: Cannot add note to archived task tg-z: notes are only permitted on active tasks\n",
      ],
      [
        ["note", "tg-a", "x".repeat(2100)],
        "Error: Event line is 2202 bytes, exceeding the 2048-byte cap by 154 bytes. Shorten the text by at least 154 bytes.\n",
      ],
    ];
    for (const [args, err] of cases) {
      const o = await t.tg(args);
      assert.deepEqual([o.code, o.stderr], [1, err], args[1]);
      if (t.rust) {
        const rr = await t.rustTg(args);
        assert.deepEqual([rr.code, rr.stderr], [1, err], `rust ${args[1]}`);
      }
    }
    assert.equal((await storeFile(t.ours, "events.jsonl"))!.trimEnd().split("\n").length, 3);
    if (t.rust) {
      const rr = await t.rustTg(["note", "a", "first note"]);
      assert.equal(rr.stdout, r.stdout);
    }
  } finally {
    await t.cleanup();
  }
});

Deno.test("tg note takes the store lock (upstream appended without it)", async () => {
  const repo = await storeRepo({
    "tasks.jsonl": HEADER + itemLine("tg-a"),
    "archive.jsonl": HEADER,
  });
  try {
    const lock = await Deno.open(`${repo.dir}/.task-golem/tasks.lock`, { read: true, write: true });
    await lock.lock(true);
    // While the lock is held, note waits for it (here only 300 ms) and writes nothing.
    const t0 = performance.now();
    const held = await tg(["note", "tg-a", "waits"], {
      cwd: repo.dir,
      env: { TG_LOCK_TIMEOUT: "300ms" },
    });
    assert.ok(performance.now() - t0 >= 290);
    assert.equal(held.code, 2);
    assert.match(held.stderr, /^Error: Lock timeout after 300ms\n/);
    assert.equal(
      await storeFile(repo, "events.jsonl"),
      null,
      "nothing written while the lock is held",
    );
    // Once the lock is free, the note goes through.
    lock.close();
    const r = await tg(["note", "tg-a", "waits"], { cwd: repo.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match((await storeFile(repo, "events.jsonl"))!, /"text":"waits"/);
  } finally {
    await repo.cleanup();
  }
});
