/**
 * `tg init` and finding the store: the files init writes, --force, nested
 * stores, discovery from subdirectories and the NotInitialized error.
 */

import assert from "node:assert/strict";
import { readText } from "../_helpers.ts";
import { activeItems, add, fails, HEADER, ok, run, snapshot, withRepo } from "./_tg.ts";

// ---------------------------------------------------------------------------
// init

Deno.test("init creates the store files and reports it, in text and JSON", async () => {
  await withRepo(async (dir) => {
    assert.equal(await ok(dir, ["init"]), "Initialized task-golem project at .task-golem/\n");
    const files = await snapshot(dir);
    assert.deepEqual(Object.keys(files).sort(), [
      ".gitignore",
      "archive.jsonl",
      "tasks.jsonl",
      "tasks.lock",
    ]);
    assert.equal(files["tasks.jsonl"], HEADER);
    assert.equal(files["archive.jsonl"], HEADER);
    assert.equal(files["tasks.lock"], "");
    assert.equal(files[".gitignore"], "cache.db\ncache.db-journal\ncache.db.tmp-*\n");
  }, false);
  await withRepo(async (dir) => {
    assert.equal(
      await ok(dir, ["--json", "init"]),
      '{\n  "initialized": true,\n  "path": ".task-golem/"\n}\n',
    );
  }, false);
});

Deno.test("init refuses an existing store, --force warns and replaces only the item files", async () => {
  await withRepo(async (dir) => {
    const store = `${dir}/.task-golem`;
    await fails(
      dir,
      ["init"],
      1,
      `Project already initialized at ${store}. Use --force to reinitialize.`,
    );
    const err = await run(dir, ["init", "--json"]);
    assert.equal(err.code, 1);
    assert.deepEqual(Object.entries(JSON.parse(err.stderr)).slice(0, 2), [
      ["error", `Project already initialized at ${store}. Use --force to reinitialize.`],
      ["exit_code", 1],
    ]);

    const id = await add(dir, "doomed");
    await ok(dir, ["do", id]);
    await ok(dir, ["done", id]);
    await add(dir, "also doomed");
    await Deno.writeTextFile(`${store}/config.yaml`, "id_prefix: KEEP\n");
    await Deno.writeTextFile(`${store}/.gitignore`, "mine\ncache.db");
    const eventsBefore = await readText(`${store}/events.archive.jsonl`);

    const out = await run(dir, ["init", "--force"]);
    assert.equal(out.code, 0);
    assert.equal(out.stdout, "Initialized task-golem project at .task-golem/\n");
    assert.equal(
      out.stderr,
      `Warning: Reinitializing existing project at ${store}. Existing data will be overwritten.\n`,
    );
    assert.equal(await readText(`${store}/tasks.jsonl`), HEADER);
    assert.equal(await readText(`${store}/archive.jsonl`), HEADER);
    assert.equal(await readText(`${store}/config.yaml`), "id_prefix: KEEP\n");
    assert.equal(await readText(`${store}/events.archive.jsonl`), eventsBefore);
    assert.equal(
      await readText(`${store}/.gitignore`),
      "mine\ncache.db\ncache.db-journal\ncache.db.tmp-*\n",
    );
  });
});

Deno.test("init when .task-golem is a regular file: refused, and --force fails with an I/O error", async () => {
  await withRepo(async (dir) => {
    await Deno.writeTextFile(`${dir}/.task-golem`, "not a directory");
    await fails(
      dir,
      ["init"],
      1,
      `Project already initialized at ${dir}/.task-golem. Use --force to reinitialize.`,
    );
    const out = await run(dir, ["init", "--force"]);
    assert.equal(out.code, 2);
    assert.equal(out.stdout, "");
    const lines = out.stderr.split("\n");
    assert.equal(
      lines[0],
      `Warning: Reinitializing existing project at ${dir}/.task-golem. Existing data will be overwritten.`,
    );
    assert.match(lines[1]!, /^Error: File exists \(os error 17\)/);
    assert.equal(await readText(`${dir}/.task-golem`), "not a directory");
    // Other commands do not take a file for a store.
    await fails(
      dir,
      ["list"],
      1,
      `No task-golem project found (searched from ${dir}). Run \`tg init\` to create one.`,
    );
  }, false);
});

Deno.test("init works in the working directory only and nests a new store below an existing one", async () => {
  await withRepo(async (dir) => {
    await Deno.mkdir(`${dir}/sub`);
    await add(dir, "outer");
    await ok(`${dir}/sub`, ["init"]);
    assert.equal(await readText(`${dir}/sub/.task-golem/tasks.jsonl`), HEADER);
    assert.equal(await ok(`${dir}/sub`, ["list"]), "No items found.\n");
    assert.equal((await activeItems(dir)).length, 1);
  });
});

// ---------------------------------------------------------------------------
// Root discovery

Deno.test("commands find the nearest .task-golem directory above the working directory", async () => {
  await withRepo(async (dir) => {
    await add(dir, "top");
    await Deno.mkdir(`${dir}/a/b/c`, { recursive: true });
    // A .task-golem *file* on the way up is not a store.
    await Deno.writeTextFile(`${dir}/a/.task-golem`, "");
    const out = await run(`${dir}/a/b/c`, ["--verbose", "list"]);
    assert.equal(out.code, 0);
    assert.match(out.stdout, /top\n$/);
    assert.equal(
      out.stderr,
      `[verbose] Project root: ${dir}/.task-golem\n[verbose] Loaded 1 active items\n` +
        "[verbose] Returning 1 items after filtering\n",
    );
  });
});

Deno.test("NotInitialized names the absolute working directory, in text and JSON", async () => {
  await withRepo(async (dir) => {
    await Deno.mkdir(`${dir}/deep/er`, { recursive: true });
    const cwd = `${dir}/deep/er`;
    const message =
      `No task-golem project found (searched from ${cwd}). Run \`tg init\` to create one.`;
    for (const cmd of [["list"], ["show", "x"], ["ready"], ["next"], ["do", "x"], ["add", "t"]]) {
      await fails(cwd, cmd, 1, message);
      const j = await run(cwd, [...cmd, "--json"]);
      assert.equal(j.code, 1);
      assert.equal(j.stdout, "");
      assert.equal(j.stderr, JSON.stringify({ error: message, "exit_code": 1 }) + "\n");
    }
  }, false);
});
