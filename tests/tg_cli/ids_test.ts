/**
 * ID resolution (tg.md §3.2 with the 9.1 item 1 fix): exact, bare suffix,
 * configured prefix, unique prefix, ambiguity, duplicates.
 */

import assert from "node:assert/strict";
import { fails, HEADER, json, line, ok, withRepo, writeStore } from "./_tg.ts";

// ---------------------------------------------------------------------------
// ID resolution (tg.md §3.2 with the 9.1 item 1 fix)

Deno.test("ID resolution: exact, bare suffix, configured prefix, unique prefix, ambiguity", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-abcde", title: "tg one" },
      { id: "tg-abxyz", title: "tg two" },
      { id: "HAMY-k7m2p9q4", title: "hamy" },
      { id: "abcde", title: "bare exact" },
    ], [{ id: "tg-zz002", title: "arch b" }, { id: "tg-zz001", title: "arch a" }]);
    const title = async (input: string) => (await json(dir, ["show", input])).title;
    assert.equal(await title("tg-abcde"), "tg one");
    // An exact match wins over the tg- form.
    assert.equal(await title("abcde"), "bare exact");
    assert.equal(await title("abx"), "tg two");
    assert.equal(await title("tg-abx"), "tg two");
    assert.equal(await title("HAMY-k7"), "hamy");
    await fails(dir, ["show", "k7m2p9q4"], 1, "Item not found: k7m2p9q4");
    await Deno.writeTextFile(`${dir}/.task-golem/config.yaml`, "id_prefix: HAMY\n");
    assert.equal(await title("k7m2p9q4"), "hamy");
    assert.equal(await title("k7m"), "hamy");
    // Case-sensitive, no Crockford folding.
    await fails(dir, ["show", "TG-ABCDE"], 1, "Item not found: TG-ABCDE");
    await fails(dir, ["show", "hamy-k7"], 1, "Item not found: hamy-k7");
    // Ambiguity lists active IDs in file order, then archived ones sorted.
    await fails(
      dir,
      ["show", "tg-"],
      1,
      `Ambiguous ID prefix 'tg-': matches ["tg-abcde", "tg-abxyz", "tg-zz001", "tg-zz002"]`,
    );
    await fails(
      dir,
      ["show", "ab"],
      1,
      `Ambiguous ID prefix 'ab': matches ["abcde", "tg-abcde", "tg-abxyz"]`,
    );
    // An empty ID is refused even when one item would match.
    await writeStore(dir, [{ id: "tg-only1" }]);
    await fails(dir, ["show", ""], 1, "Item ID cannot be empty");
    await fails(dir, ["do", ""], 1, "Item ID cannot be empty");
  });
});

Deno.test("ID resolution: duplicate IDs in tasks.jsonl are listed per occurrence; the archive counts once", async () => {
  await withRepo(async (dir) => {
    const dup = line({ id: "tg-a1", title: "first" }) + line({ id: "tg-a1", title: "second" });
    await Deno.writeTextFile(`${dir}/.task-golem/tasks.jsonl`, HEADER + dup);
    await Deno.writeTextFile(
      `${dir}/.task-golem/archive.jsonl`,
      HEADER + line({ id: "tg-zz9", status: "done" }) + line({ id: "tg-zz9", status: "done" }),
    );
    await fails(dir, ["show", "tg-a"], 1, `Ambiguous ID prefix 'tg-a': matches ["tg-a1", "tg-a1"]`);
    assert.equal((await json(dir, ["show", "tg-a1"])).title, "first");
    assert.equal((await json(dir, ["show", "zz"])).id, "tg-zz9");
    assert.equal(await ok(dir, ["done", "zz"]), "Already done (no change)\n");
  });
});
