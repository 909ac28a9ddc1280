import assert from "node:assert/strict";
import { FixedClock } from "../../../lib/io/clock.ts";
import { MemoryFileSystem } from "../../../lib/io/fs.ts";
import { TaskStore } from "../../../lib/store/store.ts";
import { addItem } from "../../../lib/store/ops/add.ts";
import { startItem } from "../../../lib/store/ops/status.ts";
import type { BoardPatch } from "./board_data.ts";
import { BoardSource, type FsEvent, type FsWatch } from "./board_source.ts";

/** A watch the test fires by hand. */
class FakeWatch implements FsWatch {
  readonly #queue: FsEvent[] = [];
  #wake: (() => void) | null = null;
  #closed = false;
  fire(e: FsEvent): void {
    this.#queue.push(e);
    this.#wake?.();
  }
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<FsEvent> {
    while (!this.#closed) {
      const e = this.#queue.shift();
      if (e !== undefined) yield e;
      else await new Promise<void>((r) => (this.#wake = r));
    }
  }
}

async function setup(alive = true) {
  const fs = new MemoryFileSystem();
  const store = new TaskStore("/repo/.task-golem", {
    fs,
    clock: new FixedClock({ secs: 1767225600, nanos: 0 }, 1000),
    author: () => Promise.resolve("me"),
  });
  await store.init();
  const watches = new Map<string, FakeWatch>();
  const source = new BoardSource({
    store,
    pollMs: 0,
    debounceMs: 1,
    isAlive: () => Promise.resolve(alive),
    watch: (dir) => {
      if (!dir.endsWith(".task-golem")) throw new Deno.errors.NotFound(dir);
      const w = new FakeWatch();
      watches.set(dir, w);
      return w;
    },
  });
  const patches: BoardPatch[] = [];
  source.subscribe((p) => patches.push(p));
  return { fs, store, source, watches, patches };
}

Deno.test("BoardSource reads the store, then sends a patch for each change a watch reports", async () => {
  const s = await setup();
  const first = await addItem(s.store, { title: "First" });
  await s.source.start();
  assert.deepEqual(s.source.snapshot.items.map((c) => c.title), ["First"]);
  assert.deepEqual(s.source.snapshot.ready, [first.id]);
  const card = s.source.snapshot.items[0];
  s.patches.length = 0; // the first read's

  const second = await addItem(s.store, { title: "Second" });
  s.watches.get("/repo/.task-golem")!.fire({ kind: "access", paths: [s.store.tasksPath] });
  s.watches.get("/repo/.task-golem")!.fire({ kind: "modify", paths: ["/repo/.task-golem/x.tmp"] });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.patches.length, 0, "access events and other files are ignored");
  s.watches.get("/repo/.task-golem")!.fire({ kind: "modify", paths: [s.store.tasksPath] });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.patches.length, 1);
  assert.deepEqual(s.patches[0]!.upsert.map((c) => c.id), [second.id]);
  assert.equal(
    s.source.snapshot.items.find((c) => c.id === first.id),
    card,
    "an unchanged item keeps its card, wherever the new one sorts",
  );

  await startItem(s.store, first.id);
  await s.source.changed();
  const p = s.patches.at(-1)!;
  assert.deepEqual(p.upsert.map((c) => [c.id, c.status]), [[first.id, "doing"]]);
  assert.deepEqual(p.ready, [second.id]);
  const detail = await s.source.detail(first.id);
  assert.deepEqual(detail.events.map((e) => e.status), ["doing"]);
  await s.source.close();
});

Deno.test("BoardSource shows pg's run state, and a run whose process died as stopped", async () => {
  const s = await setup(false);
  await s.fs.mkdirp("/repo/.phase-golem");
  const state = {
    version: 1,
    kind: "run",
    pid: 4242,
    "started_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
    "finished_at": null,
    "halt_reason": null,
    running: [],
    recent: [],
    "items_completed": [],
    "items_blocked": [],
    commits: 0,
    "last_commit": null,
    totals: { runs: 0, "duration_ms": 0, "cost_usd": null, tokens: null },
    "by_item": {},
    "by_phase": {},
  };
  await s.fs.writeFile(
    "/repo/.phase-golem/run_state.json",
    new TextEncoder().encode(JSON.stringify(state)),
  );
  await s.source.start();
  assert.equal(s.source.snapshot.run?.pid, 4242);
  assert.equal(s.source.snapshot.run?.alive, false);
  await s.source.close();
});

Deno.test("BoardSource reports a store it cannot read and keeps the last items", async () => {
  const s = await setup();
  await addItem(s.store, { title: "Kept" });
  await s.source.start();
  const text = new TextDecoder().decode((await s.fs.readFile(s.store.tasksPath))!);
  await s.fs.writeFile(s.store.tasksPath, new TextEncoder().encode(text + "{not json\n"));
  await s.source.changed();
  assert.match(s.source.snapshot.error!, /^Cannot read \/repo\/\.task-golem\/tasks\.jsonl: /);
  assert.deepEqual(s.source.snapshot.items.map((c) => c.title), ["Kept"]);
  await s.fs.writeFile(s.store.tasksPath, new TextEncoder().encode(text));
  await s.source.changed();
  assert.equal(s.source.snapshot.error, null);
  await s.source.close();
});
