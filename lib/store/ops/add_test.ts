import assert from "node:assert/strict";
import type { RandomBytes } from "../id.ts";
import { type Item, serializeItem } from "../item.ts";
import {
  ENC,
  eventLog,
  item,
  lines,
  rejectsWith,
  seed,
  setup,
  writesNothing,
} from "../../_testing/store_fixtures.ts";
import { addItem, addItems, importItems } from "./add.ts";

/** Randomness that fills each ID with one byte value after the other: `0` → `00000`. */
function sequence(...values: number[]): RandomBytes {
  let i = 0;
  return (buf) => buf.fill(values[Math.min(i++, values.length - 1)]!);
}

function done(id: string): Item {
  const it = item(id);
  it.status = "done";
  return it;
}

/** Runs `fn`, which must fail, and checks that nothing was written. */

// --- addItem ------------------------------------------------------------------------------------

Deno.test("addItem() adds a todo item with a fresh ID and writes no event", async () => {
  const s = await setup();
  const it = await addItem(s.store, {
    title: "Write the parser",
    description: "All of it",
    priority: 3n,
    tags: ["core", "core", "parser"],
  });
  assert.match(it.id, /^tg-[0-9a-hjkmnp-tv-z]{5}$/);
  assert.equal(it.status, "todo");
  assert.equal(it.priority, 3n);
  assert.equal(it.description, "All of it");
  assert.deepEqual(it.tags, ["core", "parser"]);
  assert.deepEqual(it.dependencies, []);
  assert.equal(it.parent, null);
  assert.equal(it.created_at, "2026-01-01T00:00:00Z");
  assert.equal(it.updated_at, it.created_at);
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"]);
  assert.deepEqual((await lines(s.mem, s.store.tasksPath)).slice(1), [serializeItem(it)]);
  assert.equal(await s.mem.readFile(s.store.eventsPath), null);
});

Deno.test("addItem() validates the title before anything else", async () => {
  const s = await setup();
  await writesNothing(s, async () => {
    await rejectsWith(addItem(s.store, { title: "  " }), "InvalidInput", "Title cannot be empty");
    await rejectsWith(
      addItem(s.store, { title: "two\nlines" }),
      "InvalidInput",
      "Title must be a single line (no newlines)",
    );
    await rejectsWith(
      addItems(s.store, [{ title: "fine" }, { title: "carriage\rreturn" }]),
      "InvalidInput",
      "Title must be a single line (no newlines)",
    );
  });
});

Deno.test("addItem() resolves dependencies (active or archived) and the parent from typed input", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [item("tg-abcde"), item("tg-abxyz")],
    archived: [done("tg-old01")],
  });
  const child = await addItem(s.store, {
    title: "Child",
    deps: ["abc", "tg-abcde", "old"], // a bare suffix, an exact ID, an archived prefix
    parent: "abx",
  });
  assert.deepEqual(child.dependencies, ["tg-abcde", "tg-old01"], "duplicates dropped");
  assert.equal(child.parent, "tg-abxyz");
  // Setting the parent bumps updated_at (a second clock reading).
  assert.equal(child.created_at, "2026-01-01T00:00:00Z");
  assert.equal(child.updated_at, "2026-01-01T00:00:00.000001Z");
  const saved = (await s.store.loadActive()).find((it) => it.id === child.id);
  assert.deepEqual(saved, child);
});

Deno.test("addItem() refuses unknown, ambiguous and archived-parent references, writing nothing", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [item("tg-abcde"), item("tg-abxyz")],
    archived: [done("tg-old01")],
  });
  await writesNothing(s, async () => {
    await rejectsWith(
      addItem(s.store, { title: "T", deps: ["nope"] }),
      "ItemNotFound",
      "Item not found: nope",
    );
    await rejectsWith(
      addItem(s.store, { title: "T", deps: ["ab"] }),
      "AmbiguousId",
      `Ambiguous ID prefix 'ab': matches ["tg-abcde", "tg-abxyz"]`,
    );
    await rejectsWith(
      addItem(s.store, { title: "T", parent: "tg-old01" }),
      "ItemNotFound",
      "Item not found: tg-old01",
    );
  });
});

Deno.test("addItem() applies extensions, then sets, and copies what it was given", async () => {
  const s = await setup();
  const ext = { "x-meta": { n: 1n } };
  const it = await addItem(s.store, {
    title: "T",
    extensions: ext,
    sets: ["x-meta.m=2", "x-flag=true", "x-name=hello"],
  });
  (ext["x-meta"] as { n: bigint }).n = 99n;
  const saved = await s.store.getItem(it.id);
  assert.equal(
    JSON.stringify(saved!.extensions, (_, v) => (typeof v === "bigint" ? Number(v) : v)),
    '{"x-flag":true,"x-meta":{"m":2,"n":1},"x-name":"hello"}',
  );
});

Deno.test("addItem() refuses a bad --set and a bad extension key, writing nothing", async () => {
  const s = await setup();
  await writesNothing(s, async () => {
    await rejectsWith(
      addItem(s.store, { title: "T", sets: ["x-ok=1", "novalue"] }),
      "InvalidInput",
      "Invalid --set format 'novalue': expected KEY=VALUE or KEY= (to delete)",
    );
    await rejectsWith(
      addItem(s.store, { title: "T", extensions: { foo: 1n } }),
      "InvalidInput",
      "Extension key 'foo' must start with 'x-' prefix. Rename to 'x-foo' or remove it.",
    );
    await rejectsWith(
      addItem(s.store, { title: "T", extensions: { status: "done" } }),
      "InvalidInput",
      "Extension key 'status' collides with a known Item field name.",
    );
  });
});

Deno.test("addItem() uses the prefix option, else id_prefix and id_len of config.yaml", async () => {
  const s = await setup();
  await s.mem.writeFile(s.store.configPath, ENC.encode("id_prefix: HAMY\nid_len: 8\n"));
  const configured = await addItem(s.store, { title: "A" });
  assert.match(configured.id, /^HAMY-[0-9a-hjkmnp-tv-z]{8}$/);
  const explicit = await addItem(s.store, { title: "B" }, { prefix: "WRK" });
  assert.match(explicit.id, /^WRK-[0-9a-hjkmnp-tv-z]{8}$/);
  const several = await addItems(s.store, [{ title: "C" }, { title: "D" }], { prefix: "X" });
  assert.ok(several.every((it) => /^X-[0-9a-z]{8}$/.test(it.id)));
});

Deno.test("addItems() with prefix and length does not read config.yaml", async () => {
  const s = await setup();
  await s.mem.writeFile(s.store.configPath, ENC.encode("id_len: [not, a, number]\n"));
  const [it] = await addItems(s.store, [{ title: "A" }], { prefix: "WRK", length: 4 });
  assert.match(it!.id, /^WRK-[0-9a-hjkmnp-tv-z]{4}$/);
  await rejectsWith(
    addItem(s.store, { title: "B" }, { prefix: "WRK" }),
    "InvalidInput",
    /^Invalid config\.yaml: /,
  );
  const short = await addItem(s.store, { title: "C" }, { prefix: "X", length: 3 });
  assert.match(short.id, /^X-[0-9a-z]{3}$/);
});

// --- addItems: IDs --------------------------------------------------------------------------------

Deno.test("addItems() adds several items in one write, in request order", async () => {
  const s = await setup();
  await seed(s, "tg-base0");
  const added = await addItems(s.store, [{ title: "One" }, { title: "Two", tags: ["t"] }, {
    title: "Three",
  }]);
  assert.deepEqual(added.map((it) => it.title), ["One", "Two", "Three"]);
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"]);
  assert.equal((await s.store.loadActive()).length, 4);
  assert.equal(await s.mem.readFile(s.store.eventsPath), null);
  assert.deepEqual(await addItems(s.store, []), []);
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"], "no items, no write");
});

Deno.test("addItems() draws again when an ID is taken by an earlier item of the batch", async () => {
  const s = await setup({ random: sequence(0, 0, 1) });
  const [a, b] = await addItems(s.store, [{ title: "A" }, { title: "B" }]);
  assert.equal(a!.id, "tg-00000");
  assert.equal(b!.id, "tg-11111");
});

Deno.test("addItems() draws again when an ID is active or archived", async () => {
  const s = await setup({ random: sequence(0, 1, 2) });
  await importItems(s.store, { active: [item("tg-00000")], archived: [done("tg-11111")] });
  assert.equal((await addItem(s.store, { title: "New" })).id, "tg-22222");
});

Deno.test("addItems() gives up after ten collisions, writing nothing", async () => {
  const s = await setup({ random: sequence(0) });
  await seed(s, "tg-00000");
  await writesNothing(s, () =>
    rejectsWith(
      addItems(s.store, [{ title: "A" }]),
      "IdCollisionExhausted",
      "ID collision exhausted after 10 attempts",
    ));
});

Deno.test("addItems() adds nothing when one request fails", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  await writesNothing(s, () =>
    rejectsWith(
      addItems(s.store, [{ title: "Good" }, { title: "Bad", deps: ["tg-missing"] }]),
      "ItemNotFound",
      "Item not found: tg-missing",
    ));
  assert.deepEqual((await s.store.loadActive()).map((it) => it.id), ["tg-a"]);
});

// --- importItems ----------------------------------------------------------------------------------

Deno.test("importItems() brings items in as they are, without events", async () => {
  const s = await setup();
  const doing = item("tg-b");
  doing.status = "doing";
  doing.claimed_by = "agent";
  doing.claimed_at = "2026-01-01T00:00:00Z";
  const old1 = done("tg-z");
  const old2 = done("tg-y");
  await importItems(s.store, { active: [doing, item("tg-a")], archived: [old1, old2] });
  assert.deepEqual(s.fs.log, [
    "append archive.jsonl",
    "append archive.jsonl",
    "rewrite tasks.jsonl",
  ]);
  assert.deepEqual((await lines(s.mem, s.store.tasksPath)).slice(1), [
    serializeItem(item("tg-a")),
    serializeItem(doing),
  ]);
  assert.deepEqual((await lines(s.mem, s.store.archivePath)).slice(1), [
    serializeItem(old1),
    serializeItem(old2),
  ]);
  assert.deepEqual(await eventLog(s.mem, s.store.eventsPath), []);
  s.fs.log.length = 0;
  await importItems(s.store, {});
  await importItems(s.store, { active: [], archived: [] });
  assert.deepEqual(s.fs.log, []);
});

Deno.test("importItems() refuses an ID the store or the batch already has, writing nothing", async () => {
  const s = await setup();
  await importItems(s.store, { active: [item("tg-a")], archived: [done("tg-old")] });
  await writesNothing(s, async () => {
    const cases: [{ active?: Item[]; archived?: Item[] }, string][] = [
      [{ active: [item("tg-new"), item("tg-a")] }, "tg-a"],
      [{ archived: [done("tg-a")] }, "tg-a"],
      [{ active: [item("tg-old")] }, "tg-old"],
      [{ active: [item("tg-x")], archived: [done("tg-x")] }, "tg-x"],
      [{ active: [item("tg-y"), item("tg-y")] }, "tg-y"],
    ];
    for (const [batch, dup] of cases) {
      await rejectsWith(
        importItems(s.store, batch),
        "InvalidInput",
        `Item ID already exists: ${dup}`,
      );
    }
  });
});

Deno.test("importItems() refuses an item with a bad extension key, writing nothing", async () => {
  const s = await setup();
  const bad = item("tg-a");
  bad.extensions["phase"] = "build";
  await writesNothing(s, () =>
    rejectsWith(
      importItems(s.store, { active: [item("tg-ok")], archived: [bad] }),
      "InvalidInput",
      "Item tg-a: Extension key 'phase' must start with 'x-' prefix. Rename to 'x-phase' or remove it.",
    ));
});
