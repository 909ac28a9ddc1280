import assert from "node:assert/strict";
import { type FileSystem, MemoryFileSystem } from "../io/fs.ts";
import { FakeProcessRunner, type ProcessRunner } from "../io/process_runner.ts";
import { TaskStoreError } from "./errors.ts";
import {
  appendEvent,
  encodeEventLine,
  eventToPrettyJson,
  fitEvent,
  makeEvent,
  MAX_EVENT_LINE_BYTES,
  moveEventsForTasks,
  parseEventLine,
  readEventLines,
  readEvents,
  resolveAuthor,
  serializeEvent,
  type TaskEvent,
} from "./events.ts";

const ENC = new TextEncoder();
const DEC = new TextDecoder();
const T0 = { secs: 1776263422, nanos: 123_456_789 }; // 2026-04-15T14:30:22.123456789Z
const ACTIVE = "/s/events.jsonl";
const ARCHIVE = "/s/events.archive.jsonl";

async function memFs(): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/s");
  return fs;
}

async function read(fs: FileSystem, path: string): Promise<string | null> {
  const b = await fs.readFile(path);
  return b === null ? null : DEC.decode(b);
}

function ev(taskId: string, secs: number, text = "", status?: TaskEvent["status"]): TaskEvent {
  return makeEvent(taskId, status ? "status_transition" : "note", text, "me", {
    secs: T0.secs + secs,
    nanos: 0,
  }, status);
}

function rawEvent(fields: Record<string, unknown>): string {
  return JSON.stringify({
    v: 1,
    task_id: "tg-1",
    ts: "2026-01-01T00:00:00Z",
    author: "a",
    type: "note",
    text: "",
    ...fields,
  });
}

// --- records -------------------------------------------------------------------------

Deno.test("serializeEvent() writes fields in the tg.md §4.2 order", () => {
  const e = makeEvent(
    "tg-3k9xq",
    "status_transition",
    "waiting on API",
    "dev@example.com",
    T0,
    "blocked",
  );
  assert.equal(
    serializeEvent(e),
    '{"v":1,"task_id":"tg-3k9xq","ts":"2026-04-15T14:30:22.123456Z","author":"dev@example.com",' +
      '"type":"status_transition","text":"waiting on API","status":"blocked"}',
  );
});

Deno.test("serializeEvent() omits status for notes", () => {
  const e = makeEvent("tg-1", "note", 'say "hi"\n', "me", T0);
  assert.equal(e.status, undefined);
  assert.equal(
    serializeEvent(e),
    '{"v":1,"task_id":"tg-1","ts":"2026-04-15T14:30:22.123456Z","author":"me","type":"note","text":"say \\"hi\\"\\n"}',
  );
});

Deno.test("makeEvent() stamps six fraction digits, truncated", () => {
  assert.equal(
    makeEvent("t", "note", "", "a", { secs: 0, nanos: 999_999_999 }).ts,
    "1970-01-01T00:00:00.999999Z",
  );
  assert.equal(
    makeEvent("t", "note", "", "a", { secs: 0, nanos: 0 }).ts,
    "1970-01-01T00:00:00.000000Z",
  );
});

Deno.test("eventToPrettyJson() pretty-prints in field order", () => {
  assert.equal(
    eventToPrettyJson(makeEvent("tg-1", "note", "n", "me", T0)),
    '{\n  "v": 1,\n  "task_id": "tg-1",\n  "ts": "2026-04-15T14:30:22.123456Z",\n  "author": "me",\n  "type": "note",\n  "text": "n"\n}',
  );
  assert.ok(eventToPrettyJson(ev("tg-1", 0, "", "done")).endsWith(',\n  "status": "done"\n}'));
});

// --- append ---------------------------------------------------------------------------

Deno.test("appendEvent() appends one line per event", async () => {
  const fs = await memFs();
  const a = ev("tg-1", 0, "one");
  const b = ev("tg-2", 1, "two", "doing");
  await appendEvent(fs, ACTIVE, a);
  await appendEvent(fs, ACTIVE, b);
  assert.equal(await read(fs, ACTIVE), serializeEvent(a) + "\n" + serializeEvent(b) + "\n");
});

Deno.test("appendEvent() accepts a line of exactly 2048 bytes and refuses 2049", async () => {
  const fs = await memFs();
  const base = ENC.encode(serializeEvent(makeEvent("tg-1", "note", "", "me", T0)) + "\n").length;
  const fits = makeEvent("tg-1", "note", "x".repeat(MAX_EVENT_LINE_BYTES - base), "me", T0);
  await appendEvent(fs, ACTIVE, fits);
  assert.equal((await fs.readFile(ACTIVE))!.length, 2048);

  const over = makeEvent("tg-1", "note", "x".repeat(MAX_EVENT_LINE_BYTES - base + 1), "me", T0);
  await assert.rejects(appendEvent(fs, ACTIVE, over), (e) => {
    assert.ok(e instanceof TaskStoreError);
    assert.equal(e.code, "InvalidInput");
    assert.equal(e.exitCode, 1);
    assert.equal(
      e.message,
      "Event line is 2049 bytes, exceeding the 2048-byte cap by 1 bytes. Shorten the text by at least 1 bytes.",
    );
    return true;
  });
  assert.equal((await fs.readFile(ACTIVE))!.length, 2048, "nothing written");
});

Deno.test("appendEvent() measures the cap in UTF-8 bytes", async () => {
  const fs = await memFs();
  const base = ENC.encode(serializeEvent(makeEvent("tg-1", "note", "", "me", T0)) + "\n").length;
  // 1000 × "é" is 2000 bytes but only 1000 UTF-16 units.
  const e = makeEvent("tg-1", "note", "é".repeat(1000), "me", T0);
  const n = base + 2000;
  await assert.rejects(
    appendEvent(fs, "/s/new.jsonl", e),
    new RegExp(
      `^TaskStoreError: Event line is ${n} bytes, exceeding the 2048-byte cap by ${
        n - 2048
      } bytes\\. Shorten the text by at least ${n - 2048} bytes\\.$`,
    ),
  );
  assert.equal(await fs.readFile("/s/new.jsonl"), null, "the file was not even created");
});

Deno.test("appendEvent() reports a short write as StorageCorruption without retrying", async () => {
  const inner = await memFs();
  let calls = 0;
  const shortFs: FileSystem = Object.assign(Object.create(inner), {
    appendOnce: (path: string, data: Uint8Array) => {
      calls++;
      return inner.appendOnce(path, data.subarray(0, 10)).then(() => 10);
    },
  });
  const e = ev("tg-1", 0, "text");
  const m = ENC.encode(serializeEvent(e) + "\n").length;
  await assert.rejects(appendEvent(shortFs, ACTIVE, e), (err) => {
    assert.ok(err instanceof TaskStoreError);
    assert.equal(err.code, "StorageCorruption");
    assert.equal(err.exitCode, 2);
    assert.equal(
      err.message,
      `Storage corruption: Short write on events append: wrote 10 of ${m} bytes; refusing to retry to avoid torn concurrent lines.`,
    );
    return true;
  });
  assert.equal(calls, 1);
});

Deno.test("encodeEventLine() returns the line with its newline, up to the cap", () => {
  const e = ev("tg-1", 0, "hello", "doing");
  assert.deepEqual(encodeEventLine(e), ENC.encode(serializeEvent(e) + "\n"));
  const base = encodeEventLine(makeEvent("tg-1", "note", "", "me", T0)).length;
  const fits = makeEvent("tg-1", "note", "x".repeat(MAX_EVENT_LINE_BYTES - base), "me", T0);
  assert.equal(encodeEventLine(fits).length, MAX_EVENT_LINE_BYTES);
  const over = makeEvent("tg-1", "note", "é".repeat(MAX_EVENT_LINE_BYTES), "me", T0);
  const n = base + 2 * MAX_EVENT_LINE_BYTES;
  assert.throws(() => encodeEventLine(over), (e) => {
    assert.ok(e instanceof TaskStoreError);
    assert.equal(e.code, "InvalidInput");
    assert.equal(
      e.message,
      `Event line is ${n} bytes, exceeding the 2048-byte cap by ${n - 2048} bytes. ` +
        `Shorten the text by at least ${n - 2048} bytes.`,
    );
    return true;
  });
});

Deno.test("fitEvent() returns an event that fits unchanged (the same object)", () => {
  const e = ev("tg-1", 0, "short", "blocked");
  assert.equal(fitEvent(e), e);
  const base = encodeEventLine(makeEvent("tg-1", "note", "", "me", T0)).length;
  const exact = makeEvent("tg-1", "note", "x".repeat(MAX_EVENT_LINE_BYTES - base), "me", T0);
  assert.equal(fitEvent(exact), exact, "a line of exactly 2048 bytes is not shortened");
});

Deno.test("fitEvent() shortens the text with '…' to the longest prefix that fits", () => {
  const e = makeEvent("tg-1", "status_transition", "y".repeat(3000), "me", T0, "blocked");
  const base = encodeEventLine({ ...e, text: "" }).length;
  const fitted = fitEvent(e);
  assert.notEqual(fitted, e);
  assert.equal(e.text.length, 3000, "the input is not changed");
  // "…" is three bytes; one-byte characters fill the line up to the cap exactly.
  assert.equal(encodeEventLine(fitted).length, MAX_EVENT_LINE_BYTES);
  assert.equal(fitted.text, "y".repeat(MAX_EVENT_LINE_BYTES - base - 3) + "…");
  assert.deepEqual({ ...fitted, text: "" }, { ...e, text: "" }, "only the text changes");
});

Deno.test("fitEvent() never splits a character, whatever its UTF-8 length", () => {
  for (const ch of ["é", "€", "😀"]) {
    const fitted = fitEvent(makeEvent("tg-1", "note", ch.repeat(2000), "me", T0));
    const size = encodeEventLine(fitted).length;
    assert.ok(size <= MAX_EVENT_LINE_BYTES && size > MAX_EVENT_LINE_BYTES - ENC.encode(ch).length);
    assert.ok(fitted.text.endsWith("…"));
    assert.equal(fitted.text.slice(0, -1), ch.repeat([...fitted.text].length - 1), ch);
  }
});

// --- parsing -----------------------------------------------------------------------------

Deno.test("parseEventLine() reads a v1 event and normalizes its timestamp", () => {
  const r = parseEventLine(rawEvent({ ts: "2026-01-01T00:00:00+05:00", extra: [1] }));
  assert.equal(r.kind, "event");
  if (r.kind !== "event") return;
  assert.equal(r.event.ts, "2025-12-31T19:00:00.000000Z");
  assert.equal(r.event.task_id, "tg-1");
  assert.ok(!("extra" in r.event));
});

Deno.test("parseEventLine() treats a missing or non-integer v as malformed", () => {
  const { v: _, ...noV } = JSON.parse(rawEvent({}));
  for (
    const line of [
      JSON.stringify(noV),
      rawEvent({ v: "1" }),
      rawEvent({}).replace('"v":1', '"v":1.0'),
    ]
  ) {
    const r = parseEventLine(line);
    assert.equal(r.kind, "malformed", line);
  }
});

Deno.test("parseEventLine() skips other versions and blank lines silently", () => {
  assert.deepEqual(parseEventLine(rawEvent({ v: 2 })), { kind: "skip" });
  assert.deepEqual(parseEventLine('{"v":2,"whatever":true}'), { kind: "skip" });
  assert.deepEqual(parseEventLine(""), { kind: "skip" });
  assert.deepEqual(parseEventLine("  \t"), { kind: "skip" });
});

Deno.test("parseEventLine() treats invalid v1 records as malformed", () => {
  const bad = [
    "not json",
    "[1]",
    rawEvent({ type: "comment" }),
    rawEvent({ type: "Note" }),
    rawEvent({ ts: "yesterday" }),
    rawEvent({ ts: "2026-02-30T00:00:00Z" }),
    rawEvent({ status: "Done" }),
    rawEvent({ status: 3 }),
    rawEvent({ text: undefined }),
    rawEvent({ author: 5 }),
    rawEvent({ task_id: null }),
  ];
  for (const line of bad) assert.equal(parseEventLine(line).kind, "malformed", line);
});

Deno.test("parseEventLine() keeps a status on a note and allows a transition without one", () => {
  const note = parseEventLine(rawEvent({ type: "note", status: "doing" }));
  assert.equal(note.kind === "event" && note.event.status, "doing");
  const bare = parseEventLine(rawEvent({ type: "status_transition" }));
  assert.equal(bare.kind, "event");
  assert.equal(bare.kind === "event" && bare.event.status, undefined);
  const nullStatus = parseEventLine(rawEvent({ status: null }));
  assert.equal(nullStatus.kind === "event" && nullStatus.event.status, undefined);
});

Deno.test("readEventLines() warns once per file, then with '(also)'", async () => {
  const fs = await memFs();
  const good = serializeEvent(ev("tg-1", 0));
  await fs.writeFile(
    ACTIVE,
    ENC.encode(
      [good, "", "garbage", rawEvent({ v: 2 }), rawEvent({ type: "x" }), good].join("\n") + "\n",
    ),
  );
  const warnings: string[] = [];
  const lines = await readEventLines(fs, ACTIVE, (m) => warnings.push(m));
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^Warning: \/s\/events\.jsonl: skipping malformed line 3: .+/);
  assert.match(warnings[1]!, /^ {2}\(also\) skipping malformed line 5: unknown variant `x`/);
  assert.deepEqual(lines.map((l) => [l.line, l.event !== null]), [
    [1, true],
    [3, false],
    [4, false],
    [5, false],
    [6, true],
  ]);
  // A second read warns again, starting over with "Warning:".
  const again: string[] = [];
  await readEventLines(fs, ACTIVE, (m) => again.push(m));
  assert.ok(again[0]!.startsWith("Warning: "));
});

Deno.test("readEvents() returns valid events sorted by ts, stable", async () => {
  const fs = await memFs();
  const a = ev("tg-1", 5, "late");
  const b = ev("tg-1", 1, "early-1");
  const c = ev("tg-1", 1, "early-2");
  await fs.writeFile(ACTIVE, ENC.encode([a, b, c].map(serializeEvent).join("\n") + "\nbad\n"));
  const events = await readEvents(fs, ACTIVE, () => {});
  assert.deepEqual(events.map((e) => e.text), ["early-1", "early-2", "late"]);
  assert.deepEqual(await readEvents(fs, "/s/missing.jsonl", () => assert.fail("no warning")), []);
});

// --- moving to the archive log ----------------------------------------------------------------

Deno.test("moveEventsForTasks() moves a task's events and keeps other lines verbatim", async () => {
  const fs = await memFs();
  const mine2 = serializeEvent(ev("tg-a", 9, "later", "done"));
  const mine1 = serializeEvent(ev("tg-a", 1, "earlier", "doing"));
  const other =
    '{"v":1,"task_id":"tg-b","ts":"2026-01-01T00:00:00+05:00","author":"x","type":"note","text":"kept","extra":1}';
  const future = '{"v":2,"task_id":"tg-a","payload":"unknown"}';
  const junk = "torn {";
  await fs.writeFile(ACTIVE, ENC.encode([mine2, other, "", future, mine1, junk].join("\n") + "\n"));
  const warnings: string[] = [];
  const n = await moveEventsForTasks(
    fs,
    ACTIVE,
    ARCHIVE,
    new Set(["tg-a"]),
    (m) => warnings.push(m),
  );
  assert.equal(n, 2);
  assert.equal(await read(fs, ARCHIVE), mine1 + "\n" + mine2 + "\n", "moved in time order");
  assert.equal(await read(fs, ACTIVE), [other, future, junk].join("\n") + "\n");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^Warning: \/s\/events\.jsonl: skipping malformed line 6: /);
});

Deno.test("moveEventsForTasks() keeps a line that is not UTF-8 byte for byte", async () => {
  const fs = await memFs();
  const mine = serializeEvent(ev("tg-a", 1));
  const bad = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]); // "{", two invalid bytes, "}"
  const bytes = new Uint8Array([...ENC.encode(mine + "\n"), ...bad, 0x0a]);
  await fs.writeFile(ACTIVE, bytes);
  const warnings: string[] = [];
  assert.equal(
    await moveEventsForTasks(fs, ACTIVE, ARCHIVE, new Set(["tg-a"]), (m) => warnings.push(m)),
    1,
  );
  assert.deepEqual(await fs.readFile(ACTIVE), new Uint8Array([...bad, 0x0a]));
  assert.match(warnings[0]!, /skipping malformed line 2: stream did not contain valid UTF-8/);
});

Deno.test("moveEventsForTasks() appends after existing archive lines", async () => {
  const fs = await memFs();
  const old = serializeEvent(ev("tg-z", 0, "old"));
  await fs.writeFile(ARCHIVE, ENC.encode(old + "\n"));
  const mine = serializeEvent(ev("tg-a", 1));
  await fs.writeFile(ACTIVE, ENC.encode(mine + "\n"));
  assert.equal(await moveEventsForTasks(fs, ACTIVE, ARCHIVE, new Set(["tg-a"]), () => {}), 1);
  assert.equal(await read(fs, ARCHIVE), old + "\n" + mine + "\n");
  assert.equal(await read(fs, ACTIVE), "", "an empty file when nothing remains");
});

Deno.test("moveEventsForTasks() does nothing when the task has no events", async () => {
  const fs = await memFs();
  const content = serializeEvent(ev("tg-b", 0)) + "\n\n";
  await fs.writeFile(ACTIVE, ENC.encode(content));
  const before = await fs.stat(ACTIVE);
  assert.equal(await moveEventsForTasks(fs, ACTIVE, ARCHIVE, new Set(["tg-a"]), () => {}), 0);
  assert.deepEqual(await fs.stat(ACTIVE), before);
  assert.equal(await read(fs, ACTIVE), content);
  assert.equal(await fs.readFile(ARCHIVE), null);
  assert.equal(
    await moveEventsForTasks(fs, "/s/none.jsonl", ARCHIVE, new Set(["tg-a"]), () => {}),
    0,
  );
});

Deno.test("moveEventsForTasks() moves the events of two tasks in one pass, in time order", async () => {
  const fs = await memFs();
  const a1 = serializeEvent(ev("tg-a", 1, "", "doing"));
  const b1 = serializeEvent(ev("tg-b", 2, "", "doing"));
  const c1 = serializeEvent(ev("tg-c", 3, "stays"));
  const a2 = serializeEvent(ev("tg-a", 4, "", "done"));
  const b0 = serializeEvent(ev("tg-b", 0, "first note"));
  await fs.writeFile(ACTIVE, ENC.encode([a1, b1, c1, a2, b0].join("\n") + "\n"));
  const moved = await moveEventsForTasks(fs, ACTIVE, ARCHIVE, new Set(["tg-a", "tg-b"]), () => {});
  assert.equal(moved, 4);
  assert.equal(await read(fs, ARCHIVE), [b0, a1, b1, a2].join("\n") + "\n");
  assert.equal(await read(fs, ACTIVE), c1 + "\n");
  // A set naming a task with no events moves only the others'.
  assert.equal(
    await moveEventsForTasks(fs, ACTIVE, ARCHIVE, new Set(["tg-x", "tg-c"]), () => {}),
    1,
  );
  assert.equal(await read(fs, ACTIVE), "");
  assert.equal(await moveEventsForTasks(fs, ACTIVE, ARCHIVE, new Set(), () => {}), 0);
});

// --- author ------------------------------------------------------------------------------------

Deno.test("resolveAuthor() prefers a non-blank TG_AUTHOR, trimmed", async () => {
  const runner = new FakeProcessRunner([{ stdout: "git@example.com\n" }]);
  assert.equal(
    await resolveAuthor({ env: (k) => (k === "TG_AUTHOR" ? " bot " : undefined), runner }),
    "bot",
  );
  assert.equal(runner.calls.length, 0);
});

Deno.test("resolveAuthor() falls back to git config user.email, trimmed", async () => {
  for (const tgAuthor of [undefined, "", "   "]) {
    const runner = new FakeProcessRunner([{ stdout: "  dev@example.com \n" }]);
    const got = await resolveAuthor({ env: () => tgAuthor, runner, cwd: "/repo" });
    assert.equal(got, "dev@example.com");
    assert.equal(runner.calls.length, 1);
    const call = runner.calls[0]!;
    assert.equal(call.cmd, "git");
    assert.deepEqual(call.args, ["config", "user.email"]);
    assert.equal(call.options.cwd, "/repo");
    assert.equal(call.options.timeoutMs, 2000);
  }
});

Deno.test("resolveAuthor() says unknown when git fails, times out or prints nothing", async () => {
  const throwing: ProcessRunner = { run: () => Promise.reject(new Deno.errors.NotFound("git")) };
  const cases: ProcessRunner[] = [
    new FakeProcessRunner([{ code: 1, stdout: "x@example.com" }]),
    new FakeProcessRunner([{ code: -1, timedOut: true, stdout: "x@example.com" }]),
    new FakeProcessRunner([{ stdout: " \n" }]),
    throwing,
  ];
  for (const runner of cases) {
    assert.equal(await resolveAuthor({ env: () => undefined, runner }), "unknown");
  }
});
