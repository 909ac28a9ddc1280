/**
 * `tg edit`, `tg dep` and `tg rm`: the order of changes, validation with
 * nothing written on error, and removal rules.
 */

import assert from "node:assert/strict";
import { readText } from "../_helpers.ts";
import { activeItems, fails, json, ok, run, snapshot, tsKey, withRepo, writeStore } from "./_tg.ts";

// ---------------------------------------------------------------------------
// edit, dep

Deno.test("edit applies changes in order and always bumps updated_at", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-edit1", tags: ["keep", "drop"], dependencies: ["tg-other"], "x-n": { a: 1 } },
      { id: "tg-other" },
      { id: "tg-third" },
    ], [{ id: "tg-arc01" }]);
    const out = await ok(dir, [
      "edit",
      "edit1",
      "--title",
      "New title",
      "--priority",
      "-2",
      "--description",
      "desc",
      "--rm-dep",
      "other",
      "--add-dep",
      "other",
      "--add-dep",
      "tg-arc01",
      "--add-dep",
      "arc01",
      "--add-tag",
      "new",
      "--add-tag",
      "keep",
      "--rm-tag",
      "drop",
      "--add-tag",
      "gone",
      "--rm-tag",
      "gone",
      "--set",
      "x-n.b=2",
      "--set",
      "x-n.a=",
      "--set",
      "x-m=1",
      "--parent",
      "third",
    ]);
    assert.equal(out, "Updated item: tg-edit1 - New title\n");
    const it = (await activeItems(dir)).find((i) => i.id === "tg-edit1")!;
    assert.equal(it.title, "New title");
    assert.equal(it.priority, -2);
    assert.equal(it.description, "desc");
    // rm-dep runs before add-dep, so "other" ends up present (re-added last).
    assert.deepEqual(it.dependencies, ["tg-other", "tg-arc01"]);
    // add-tag runs before rm-tag.
    assert.deepEqual(it.tags, ["keep", "new"]);
    assert.deepEqual(it["x-n"], { b: 2 });
    assert.equal(it["x-m"], 1);
    assert.equal(it.parent, "tg-third");
    assert.notEqual(it.updated_at, "2026-01-01T00:00:00Z");

    // A no-op edit still bumps updated_at and rewrites the file.
    const before = (await activeItems(dir)).find((i) => i.id === "tg-third")!;
    const j = await json(dir, ["edit", "third"]);
    assert.ok(tsKey(j.updated_at as string) > tsKey(before.updated_at as string));
    assert.deepEqual({ ...j, "updated_at": null }, { ...before, "updated_at": null });
    // The description can be emptied but not cleared.
    assert.equal((await json(dir, ["edit", "third", "--description", ""])).description, "");
  });
});

Deno.test("edit and dep: self-dependency, cycles, missing IDs, parents, and nothing written on error", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-aaaaa" },
      { id: "tg-bbbbb", dependencies: ["tg-aaaaa", "tg-ghost"], parent: "tg-aaaaa" },
      { id: "tg-ccccc", dependencies: ["tg-bbbbb"], parent: "tg-bbbbb" },
    ]);
    const before = await snapshot(dir);
    await fails(
      dir,
      ["edit", "aaaaa", "--add-dep", "aaaaa"],
      1,
      "Item cannot depend on itself: tg-aaaaa",
    );
    await fails(
      dir,
      ["dep", "add", "aaaaa", "tg-aaaaa"],
      1,
      "Item cannot depend on itself: tg-aaaaa",
    );
    await fails(
      dir,
      ["dep", "add", "aaaaa", "ccccc"],
      1,
      "Dependency cycle detected: Adding dependency tg-aaaaa -> tg-ccccc would create a cycle",
    );
    await fails(
      dir,
      ["edit", "aaaaa", "--parent", "aaaaa"],
      1,
      "Item tg-aaaaa cannot be its own parent",
    );
    await fails(
      dir,
      ["edit", "aaaaa", "--parent", "ccccc"],
      1,
      "Parent cycle detected among: tg-aaaaa, tg-ccccc",
    );
    // A dangling dependency cannot be removed: resolution fails first.
    await fails(dir, ["dep", "rm", "bbbbb", "tg-ghost"], 1, "Item not found: tg-ghost");
    await fails(dir, ["edit", "nope", "--title", "x"], 1, "Item not found: nope");
    // The title is checked before the ID.
    await fails(dir, ["edit", "nope", "--title", " "], 1, "Title cannot be empty");
    // An error after earlier changes aborts all of them.
    await fails(
      dir,
      ["edit", "aaaaa", "--title", "changed", "--add-dep", "nope"],
      1,
      "Item not found: nope",
    );
    const both = await run(dir, ["edit", "aaaaa", "--parent", "bbbbb", "--parent-clear"]);
    assert.equal(both.code, 1);
    assert.match(
      both.stderr,
      /^error: the argument '--parent <PARENT>' cannot be used with '--parent-clear'\n/,
    );
    assert.deepEqual(await snapshot(dir), before);

    // dep add/rm are edit --add-dep/--rm-dep: same output, same bump.
    assert.equal(
      await ok(dir, ["dep", "add", "ccccc", "aaaaa"]),
      "Updated item: tg-ccccc - TG-CCCCC\n",
    );
    assert.equal(
      await ok(dir, ["dep", "add", "ccccc", "aaaaa"]),
      "Updated item: tg-ccccc - TG-CCCCC\n",
    );
    let c = (await activeItems(dir)).find((i) => i.id === "tg-ccccc")!;
    assert.deepEqual(c.dependencies, ["tg-bbbbb", "tg-aaaaa"]);
    const bumped = c.updated_at as string;
    await ok(dir, ["dep", "rm", "ccccc", "bbbbb"]);
    await ok(dir, ["dep", "rm", "ccccc", "bbbbb"]);
    c = (await activeItems(dir)).find((i) => i.id === "tg-ccccc")!;
    assert.deepEqual(c.dependencies, ["tg-aaaaa"]);
    assert.ok(tsKey(c.updated_at as string) > tsKey(bumped));
    // Clearing the parent is always allowed.
    assert.equal((await json(dir, ["edit", "ccccc", "--parent-clear"])).parent, null);
  });
});

// ---------------------------------------------------------------------------
// rm

Deno.test("rm: children block removal even with --force; dependents need --force", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-paren", title: "Parent" },
      { id: "tg-kid01", parent: "tg-paren" },
      { id: "tg-kid02", parent: "tg-paren" },
      { id: "tg-targt", title: "Target" },
      { id: "tg-dep01", dependencies: ["tg-targt", "tg-other"] },
      { id: "tg-dep02", dependencies: ["tg-targt"] },
      { id: "tg-other" },
    ], [{ id: "tg-arc01" }]);
    await ok(dir, ["do", "targt"]);
    const events = await readText(`${dir}/.task-golem/events.jsonl`);
    const before = await snapshot(dir);
    for (const flags of [[], ["--force"], ["--force", "--clear-deps"]]) {
      await fails(
        dir,
        ["rm", "paren", ...flags],
        1,
        "Item tg-paren has children and cannot be removed: tg-kid01, tg-kid02",
      );
    }
    const message =
      "Item tg-targt is depended on by: tg-dep01, tg-dep02. Use --force to remove anyway, or --force --clear-deps to also remove this ID from dependents' dep lists";
    await fails(dir, ["rm", "targt"], 1, message);
    await fails(dir, ["rm", "targt", "--clear-deps"], 1, message);
    await fails(dir, ["rm", "arc01"], 1, "Item not found: arc01");
    assert.deepEqual(await snapshot(dir), before);

    const j = await ok(dir, ["--json", "rm", "targt", "--force", "--clear-deps"]);
    assert.equal(
      j,
      '{\n  "removed": "tg-targt",\n  "cleared_deps_from": [\n    "tg-dep01",\n    "tg-dep02"\n  ]\n}\n',
    );
    const items = await activeItems(dir);
    assert.equal(items.find((i) => i.id === "tg-targt"), undefined);
    const d1 = items.find((i) => i.id === "tg-dep01")!;
    assert.deepEqual(d1.dependencies, ["tg-other"]);
    // Dependents are not re-stamped.
    assert.equal(d1.updated_at, "2026-01-05T00:00:00Z");
    // The removed item's events stay.
    assert.equal(await readText(`${dir}/.task-golem/events.jsonl`), events);
    assert.equal(await ok(dir, ["--json", "rm", "kid01"]), '{\n  "removed": "tg-kid01"\n}\n');
    assert.equal(await ok(dir, ["rm", "kid02", "--clear-deps"]), "Removed item: tg-kid02\n");
    // --force alone leaves the reference dangling.
    await ok(dir, ["dep", "add", "dep02", "other"]);
    assert.equal(await ok(dir, ["rm", "other", "--force"]), "Removed item: tg-other\n");
    assert.deepEqual(
      (await activeItems(dir)).find((i) => i.id === "tg-dep01")!.dependencies,
      ["tg-other"],
    );
    await writeStore(dir, [{ id: "tg-x0001" }, { id: "tg-x0002", dependencies: ["tg-x0001"] }]);
    assert.equal(
      await ok(dir, ["rm", "x0001", "--force", "--clear-deps"]),
      "Removed item: tg-x0001 (cleared deps from: tg-x0002)\n",
    );
  });
});
