/**
 * Conformance on real stores written by upstream `tg` (tg.md §10.6): every
 * store under `tests/fixtures/upstream/tg-stores/` (vendored from
 * `../shared/fixtures`) loads cleanly, a rewrite without changes is
 * byte-identical, and changing one item changes only its line.
 */

import assert from "node:assert/strict";
import { FixedClock } from "../lib/io/clock.ts";
import { DenoFileSystem } from "../lib/io/fs.ts";
import { loadStoreConfig } from "../lib/store/config.ts";
import { parseEventLine, serializeEvent } from "../lib/store/events.ts";
import { compareCodePoints, quoteJsonString } from "../lib/store/json.ts";
import { parseItemLine, serializeItem } from "../lib/store/item.ts";
import { encodeItemsFile, parseActiveFile } from "../lib/store/jsonl.ts";
import { addItem, importItems } from "../lib/store/ops/add.ts";
import { editItem } from "../lib/store/ops/edit.ts";
import { removeItem } from "../lib/store/ops/remove.ts";
import { startItem } from "../lib/store/ops/status.ts";
import { updateItem } from "../lib/store/ops/update.ts";
import { TaskStore } from "../lib/store/store.ts";

const FIXTURES = new URL("./fixtures/upstream/tg-stores/", import.meta.url);
const ITEM_FILES = ["tasks.jsonl", "archive.jsonl", "archive-pruned.jsonl"];
const EVENT_FILES = ["events.jsonl", "events.archive.jsonl"];
const DEC = new TextDecoder();
/** What the fixed clock of {@linkcode copyStore} reads. */
const NOW = "2027-01-15T08:00:00.123456789Z";

async function listStores(): Promise<string[] | null> {
  try {
    const names: string[] = [];
    for await (const e of Deno.readDir(FIXTURES)) if (e.isDirectory) names.push(e.name);
    return names.sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

interface Copy {
  /** The temp `.task-golem` directory. */
  dir: string;
  /** The fixture's original bytes by file name (files that exist only). */
  original: Map<string, Uint8Array>;
  store: TaskStore;
  warnings: string[];
  cleanup(): Promise<void>;
}

/** Copies a fixture store into a fresh temp `.task-golem` and opens it. */
async function copyStore(name: string): Promise<Copy> {
  const root = await Deno.makeTempDir({ prefix: "golem-fixture-" });
  const dir = `${root}/.task-golem`;
  await Deno.mkdir(dir);
  const original = new Map<string, Uint8Array>();
  for await (const e of Deno.readDir(new URL(`${name}/`, FIXTURES))) {
    if (!e.isFile) continue;
    const bytes = await Deno.readFile(new URL(`${name}/${e.name}`, FIXTURES));
    original.set(e.name, bytes);
    await Deno.writeFile(`${dir}/${e.name}`, bytes);
  }
  const warnings: string[] = [];
  const store = new TaskStore(dir, {
    fs: new DenoFileSystem(),
    clock: new FixedClock({ secs: 1800000000, nanos: 123456789 }),
    warn: (m) => warnings.push(m),
    author: () => Promise.resolve("conformance@example.com"),
  });
  return {
    dir,
    original,
    store,
    warnings,
    cleanup: () => Deno.remove(root, { recursive: true }),
  };
}

async function withCopy(name: string, fn: (c: Copy) => Promise<void> | void): Promise<void> {
  const c = await copyStore(name);
  try {
    await fn(c);
  } finally {
    await c.cleanup();
  }
}

function splitLines(bytes: Uint8Array): string[] {
  const text = DEC.decode(bytes);
  assert.ok(text.endsWith("\n"), "file ends with a newline");
  return text.slice(0, -1).split("\n");
}

async function readLines(path: string): Promise<string[]> {
  return splitLines(await Deno.readFile(path));
}

/** Indices where two line lists differ (they must have the same length). */
function changedLines(before: string[], after: string[]): number[] {
  assert.equal(after.length, before.length, "same number of lines");
  return before.flatMap((l, i) => (l === after[i] ? [] : [i]));
}

const stores = await listStores();

if (stores === null || stores.length === 0) {
  Deno.test({
    name: `fixture stores (not found at ${FIXTURES.pathname})`,
    ignore: true,
    fn: () => {},
  });
} else {
  for (const name of stores) defineStoreTests(name);
}

function defineStoreTests(name: string): void {
  Deno.test(`fixture ${name}: every item line re-serializes byte-identically`, async () => {
    await withCopy(name, ({ original }) => {
      let checked = 0;
      for (const file of ITEM_FILES) {
        const bytes = original.get(file);
        if (!bytes) continue;
        const lines = splitLines(bytes);
        assert.equal(lines[0], '{"schema_version":1}', `${file} header`);
        lines.slice(1).forEach((line, i) => {
          assert.equal(serializeItem(parseItemLine(line)), line, `${file} line ${i + 2}`);
          checked++;
        });
      }
      assert.ok(checked > 0);
    });
  });

  Deno.test(`fixture ${name}: TaskStore loads it without warnings`, async () => {
    await withCopy(name, async ({ original, store, warnings }) => {
      const active = await store.loadActive();
      const archive = await store.loadArchive();
      const pruned = await store.loadPruned();
      const count = (file: string) => {
        const b = original.get(file);
        return b ? splitLines(b).length - 1 : 0;
      };
      assert.equal(active.length, count("tasks.jsonl"));
      assert.equal(archive.length, count("archive.jsonl"));
      assert.equal(pruned.length, count("archive-pruned.jsonl"));
      for (const it of [...active, ...archive, ...pruned]) await store.eventsFor(it.id);
      assert.deepEqual(warnings, []);
      // tasks.jsonl is sorted by ID, as upstream writes it.
      const ids = active.map((it) => it.id);
      assert.deepEqual(ids, [...ids].sort(compareCodePoints));
    });
  });

  Deno.test(`fixture ${name}: a no-op write does not rewrite tasks.jsonl`, async () => {
    await withCopy(name, async ({ dir, original, store }) => {
      const tasks = `${dir}/tasks.jsonl`;
      const before = await Deno.stat(tasks);
      const ids = (await store.loadActive()).map((it) => it.id);
      for (const id of new Set([ids[0]!, ids[Math.floor(ids.length / 2)]!, ids.at(-1)!])) {
        const r = await updateItem(store, id, () => {});
        assert.equal(r.archived, false);
      }
      assert.deepEqual(await Deno.readFile(tasks), original.get("tasks.jsonl"));
      assert.equal((await Deno.stat(tasks)).ino, before.ino, "a no-op write did not rewrite");
      const events = await Deno.readFile(`${dir}/events.jsonl`).catch(() => null);
      assert.deepEqual(events, original.get("events.jsonl") ?? null, "no event was written");
    });
  });

  Deno.test(`fixture ${name}: re-encoding and a whole-file rewrite are byte-identical`, async () => {
    await withCopy(name, async ({ dir, original, store }) => {
      const tasks = `${dir}/tasks.jsonl`;
      const bytes = original.get("tasks.jsonl")!;
      assert.deepEqual(encodeItemsFile(parseActiveFile(bytes)), bytes);

      // Take out an item nothing hangs under, then bring it back as it was:
      // two whole-file writes that end where they started.
      const before = await Deno.stat(tasks);
      const items = await store.loadActive();
      const parents = new Set(items.map((it) => it.parent));
      const leaf = items.find((it) => !parents.has(it.id))!;
      await removeItem(store, leaf.id, { force: true });
      const shrunk = await readLines(tasks);
      assert.equal(shrunk.length, splitLines(bytes).length - 1);
      assert.ok(!shrunk.includes(serializeItem(leaf)));
      const between = await Deno.stat(tasks);
      assert.notEqual(between.ino, before.ino, "the remove replaced the file");
      await importItems(store, { active: [leaf] });
      assert.notEqual((await Deno.stat(tasks)).ino, between.ino, "the import replaced the file");
      assert.deepEqual(await Deno.readFile(tasks), bytes);

      // Archives are rewritten in file order (append order), not sorted.
      for (const file of ["archive.jsonl", "archive-pruned.jsonl"]) {
        const bytes = original.get(file);
        if (!bytes) continue;
        const items = file === "archive.jsonl"
          ? await store.loadArchive()
          : await store.loadPruned();
        assert.deepEqual(encodeItemsFile(items), bytes, file);
      }
    });
  });

  Deno.test(`fixture ${name}: event lines re-serialize byte-identically`, async () => {
    await withCopy(name, ({ original }) => {
      for (const file of EVENT_FILES) {
        const bytes = original.get(file);
        if (!bytes) continue;
        splitLines(bytes).forEach((line, i) => {
          const r = parseEventLine(line);
          assert.equal(r.kind, "event", `${file} line ${i + 1}`);
          if (r.kind === "event") {
            assert.equal(serializeEvent(r.event), line, `${file} line ${i + 1}`);
          }
        });
      }
    });
  });

  Deno.test(`fixture ${name}: changing one item's title changes only its line`, async () => {
    await withCopy(name, async ({ dir, store }) => {
      const tasks = `${dir}/tasks.jsonl`;
      const items = await store.loadActive();
      for (const index of new Set([0, Math.floor(items.length / 2), items.length - 1])) {
        const id = items[index]!.id;
        const title = `Changed title ${index} — ✓`;
        // One-item write: only the line is spliced; updated_at stays as it was.
        const before = await readLines(tasks);
        const old = parseItemLine(before[index + 1]!);
        await updateItem(store, id, (it) => void (it.title = title));
        const after = await readLines(tasks);
        assert.deepEqual(changedLines(before, after), [index + 1]);
        assert.equal(
          after[index + 1],
          before[index + 1]!.replace(
            `,"title":${quoteJsonString(old.title)},`,
            `,"title":${quoteJsonString(title)},`,
          ),
        );

        // Whole-file write (tg edit): the same, and updated_at is bumped.
        const edited = `${title} (edited)`;
        await editItem(store, { id, title: edited });
        const final = await readLines(tasks);
        assert.deepEqual(changedLines(after, final), [index + 1]);
        assert.equal(
          final[index + 1],
          after[index + 1]!
            .replace(`,"title":${quoteJsonString(title)},`, `,"title":${quoteJsonString(edited)},`)
            .replace(`,"updated_at":"${old.updated_at}"`, `,"updated_at":"${NOW}"`),
        );
        assert.equal(parseItemLine(final[index + 1]!).updated_at, NOW);
      }
    });
  });

  Deno.test(`fixture ${name}: a status change rewrites only that item's line`, async () => {
    await withCopy(name, async ({ dir, store }) => {
      const tasks = `${dir}/tasks.jsonl`;
      const before = await readLines(tasks);
      const items = await store.loadActive();
      const index = items.findIndex((it) => it.status === "todo");
      if (index < 0) return; // no todo item in this snapshot
      const outcome = await startItem(store, items[index]!.id);
      assert.ok(outcome.changed);
      const after = await readLines(tasks);
      assert.deepEqual(changedLines(before, after), [index + 1]);
      const changed = parseItemLine(after[index + 1]!);
      assert.equal(changed.status, "doing");
      assert.equal(changed.updated_at, NOW);
      const events = await readLines(`${dir}/events.jsonl`);
      const last = JSON.parse(events.at(-1)!);
      assert.equal(last.task_id, changed.id);
      assert.equal(last.status, "doing");
    });
  });

  Deno.test(`fixture ${name}: adding and removing an item restores tasks.jsonl`, async () => {
    await withCopy(name, async ({ dir, original, store }) => {
      const added = await addItem(store, { title: "Temporary" });
      const grown = await readLines(`${dir}/tasks.jsonl`);
      assert.equal(grown.length, splitLines(original.get("tasks.jsonl")!).length + 1);
      assert.ok(grown.includes(serializeItem(added)));
      await removeItem(store, added.id);
      assert.deepEqual(await Deno.readFile(`${dir}/tasks.jsonl`), original.get("tasks.jsonl"));
    });
  });

  Deno.test(`fixture ${name}: config.yaml, when present, loads`, async () => {
    await withCopy(name, async ({ dir, original }) => {
      const config = await loadStoreConfig(new DenoFileSystem(), dir);
      assert.equal(config.fromFile, original.has("config.yaml"));
      if (name === "tg-0.3.0-generated") {
        assert.deepEqual(config, { idPrefix: "HAMY", idLen: 8, claimTtl: null, fromFile: true });
      }
    });
  });
}
