/**
 * `tg add`: the created item, every flag, ID resolution of --dep and
 * --parent, --set values and errors, and config.yaml's id_prefix/id_len.
 */

import assert from "node:assert/strict";
import { readText } from "../_helpers.ts";
import {
  activeItems,
  add,
  fails,
  ID_CHARS,
  json,
  ok,
  RFC3339,
  run,
  snapshot,
  tsKey,
  withRepo,
  writeStore,
} from "./_tg.ts";

// ---------------------------------------------------------------------------
// add

Deno.test("add creates a todo item: message, JSON shape, ID format, timestamps", async () => {
  await withRepo(async (dir) => {
    const text = await ok(dir, ["add", "  Fix the login  "]);
    const m = new RegExp(`^Created item: (tg-${ID_CHARS}{5}) - {3}Fix the login {2}\\n$`).exec(
      text,
    );
    assert.ok(m, text);
    const raw = await ok(dir, ["--json", "add", "Second"]);
    const item = JSON.parse(raw);
    assert.deepEqual(Object.keys(item), [
      "id",
      "title",
      "status",
      "priority",
      "description",
      "tags",
      "dependencies",
      "created_at",
      "updated_at",
      "blocked_reason",
      "blocked_from_status",
      "claimed_by",
      "claimed_at",
      "parent",
    ]);
    assert.match(item.id, new RegExp(`^tg-${ID_CHARS}{5}$`));
    assert.equal(item.status, "todo");
    assert.equal(item.priority, 0);
    assert.equal(item.created_at, item.updated_at);
    assert.match(item.created_at, RFC3339);
    for (const k of ["description", "blocked_reason", "blocked_from_status", "claimed_by"]) {
      assert.equal(item[k], null, k);
    }
    assert.ok(raw.startsWith('{\n  "id": "') && raw.endsWith("\n}\n"), "pretty JSON");
    const onDisk = await activeItems(dir);
    assert.deepEqual(onDisk.find((i) => i.id === item.id), item);
    // The title is stored untrimmed.
    assert.equal(onDisk.find((i) => i.id === m![1])!.title, "  Fix the login  ");
    // No event for add.
    assert.equal(await readText(`${dir}/.task-golem/events.jsonl`), null);
  });
});

Deno.test("add with every flag: description, priority, deps, tags, sets, parent", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-par01" }, { id: "tg-dep01" }], [{ id: "tg-arc01" }]);
    const item = await json(dir, [
      "add",
      "Everything",
      "--description",
      "line 1\nline 2",
      "--priority=-5",
      "--dep",
      "dep01",
      "--dep",
      "tg-dep01",
      "--dep",
      "tg-arc",
      "--tag",
      "b",
      "--tag",
      "a",
      "--tag",
      "b",
      "--set",
      "x-n=42",
      "--set",
      "x-obj.k=v",
      "--parent",
      "par01",
    ]);
    assert.equal(item.description, "line 1\nline 2");
    assert.equal(item.priority, -5);
    assert.deepEqual(item.dependencies, ["tg-dep01", "tg-arc01"]);
    assert.deepEqual(item.tags, ["b", "a"]);
    assert.equal(item["x-n"], 42);
    assert.deepEqual(item["x-obj"], { k: "v" });
    assert.equal(item.parent, "tg-par01");
    // Setting the parent re-stamps updated_at after created_at.
    assert.ok(tsKey(item.updated_at as string) > tsKey(item.created_at as string));
    // `--priority -5` works too, and so does an empty description.
    const neg = await json(dir, ["add", "Neg", "--priority", "-7", "--description", ""]);
    assert.equal(neg.priority, -7);
    assert.equal(neg.description, "");
    const max = await json(dir, ["add", "Max", "--priority", "9223372036854775807"]);
    assert.equal(
      (await ok(dir, ["show", max.id as string])).split("\n")[3],
      "Priority:    9223372036854775807",
    );
  });
});

Deno.test("add validates the title before looking for the store", async () => {
  await withRepo(async (dir) => {
    await fails(dir, ["add", ""], 1, "Title cannot be empty");
    await fails(dir, ["add", " \t "], 1, "Title cannot be empty");
    await fails(dir, ["add", "two\nlines"], 1, "Title must be a single line (no newlines)");
    await fails(dir, ["add", "carriage\rreturn"], 1, "Title must be a single line (no newlines)");
    await fails(
      dir,
      ["add", "fine"],
      1,
      `No task-golem project found (searched from ${dir}). Run \`tg init\` to create one.`,
    );
  }, false);
});

Deno.test("add resolves --dep among active and archived items and --parent among active ones", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-act01" }, { id: "tg-act02" }], [{ id: "tg-arc01" }]);
    const before = await snapshot(dir);
    await fails(dir, ["add", "x", "--dep", "nope"], 1, "Item not found: nope");
    await fails(dir, ["add", "x", "--parent", "arc01"], 1, "Item not found: arc01");
    await fails(dir, ["add", "x", "--parent", "nope"], 1, "Item not found: nope");
    await fails(
      dir,
      ["add", "x", "--dep", "act"],
      1,
      `Ambiguous ID prefix 'act': matches ["tg-act01", "tg-act02"]`,
    );
    assert.deepEqual(await snapshot(dir), before);
    const item = await json(dir, ["add", "x", "--dep", "arc01", "--parent", "act02"]);
    assert.deepEqual(item.dependencies, ["tg-arc01"]);
    assert.equal(item.parent, "tg-act02");
  });
});

Deno.test("add --set: grammar errors, and nothing is written", async () => {
  await withRepo(async (dir) => {
    const before = await snapshot(dir);
    const cases: [string, string][] = [
      ["novalue", "Invalid --set format 'novalue': expected KEY=VALUE or KEY= (to delete)"],
      ["=1", "Extension key cannot be empty"],
      [".x-a=1", "Extension key cannot be empty"],
      ["y=1", "Extension key must start with 'x-', got 'y'"],
      ["X-a=1", "Extension key must start with 'x-', got 'X-a'"],
      ["x-a..b=1", "Extension key has empty segment: 'x-a..b'"],
      ["x-a.=1", "Extension key has empty segment: 'x-a.'"],
    ];
    for (const [set, message] of cases) {
      await fails(dir, ["add", "t", "--set", set], 1, message);
    }
    assert.deepEqual(await snapshot(dir), before);
  });
});

Deno.test("add --set: JSON-or-string values, nesting, deletes, normalization", async () => {
  await withRepo(async (dir) => {
    const sets: [string, string][] = [
      ["x-int", "42"],
      ["x-ws", " 42 "],
      ["x-u64", "18446744073709551615"],
      ["x-big", "18446744073709551616"],
      ["x-f", "1.0"],
      ["x-e", "1e16"],
      ["x-small", "0.000001"],
      ["x-negzero", "-0"],
      ["x-lossy", "9007199254740993.0"],
      ["x-lossy2", "-1.5e-300"],
      ["x-over", "1e400"],
      ["x-zeros", "007"],
      ["x-bool", "true"],
      ["x-True", "True"],
      ["x-null", "null"],
      ["x-str", '"quoted"'],
      ["x-plain", "plain text"],
      ["x-esc", '"a\\u0041\\/"'],
      ["x-arr", '[1,"two",null,{"b":2,"a":1}]'],
      ["x-obj", '{"zeta":1,"10":2,"9":3,"a":{"d":1,"c":2},"a":{"y":0}}'],
      ["x-bad", "[1,"],
      ["x-", "bare"],
      ["x-p.a.b", "1"],
      ["x-p.a.c", "2"],
      ["x-gone.k", "1"],
      ["x-gone.k", ""],
      ["x-over2", "1"],
      ["x-over2.now", "object"],
      ["x-missing.path", ""],
    ];
    const id = await add(dir, "values", ...sets.flatMap(([k, v]) => ["--set", `${k}=${v}`]));
    const raw = (await readText(`${dir}/.task-golem/tasks.jsonl`))!.split("\n")[1]!;
    const ext = raw.slice(raw.indexOf(',"parent":null,') + ',"parent":null,'.length, -1);
    assert.equal(
      ext,
      [
        `"x-":"bare"`,
        `"x-True":"True"`,
        `"x-arr":[1,"two",null,{"a":1,"b":2}]`,
        `"x-bad":"[1,"`,
        `"x-big":1.8446744073709552e+19`,
        `"x-bool":true`,
        `"x-e":1e+16`,
        `"x-esc":"aA/"`,
        `"x-f":1.0`,
        `"x-int":42`,
        `"x-lossy":9007199254740994.0`,
        `"x-lossy2":-1.4999999999999998e-300`,
        `"x-negzero":-0.0`,
        `"x-null":null`,
        `"x-obj":{"10":2,"9":3,"a":{"y":0},"zeta":1}`,
        `"x-over":"1e400"`,
        `"x-over2":{"now":"object"}`,
        `"x-p":{"a":{"b":1,"c":2}}`,
        `"x-plain":"plain text"`,
        `"x-small":1e-6`,
        `"x-str":"quoted"`,
        `"x-u64":18446744073709551615`,
        `"x-ws":42`,
        `"x-zeros":"007"`,
      ].join(","),
    );
    // show prints each extension as compact JSON, strings quoted.
    const show = await ok(dir, ["show", id]);
    assert.match(show, /\nx-obj: \{"10":2,"9":3,"a":\{"y":0\},"zeta":1\}\nx-over: "1e400"\n/);
  });
});

Deno.test("add --set: too deep a value is refused (127 levels) or kept as text (128)", async () => {
  await withRepo(async (dir) => {
    const before = await snapshot(dir);
    const deep127 = "[".repeat(127) + "]".repeat(127);
    const out = await run(dir, ["add", "deep", "--set", `x-d=${deep127}`]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /^Error: Extension 'x-d' would be nested 127 levels deep/);
    assert.deepEqual(await snapshot(dir), before);
    const deep128 = "[".repeat(128) + "]".repeat(128);
    const item = await json(dir, ["add", "deep", "--set", `x-d=${deep128}`]);
    assert.equal(item["x-d"], deep128);
    const deep126 = "[".repeat(126) + "]".repeat(126);
    const ok126 = await json(dir, ["add", "deep", "--set", `x-d=${deep126}`]);
    assert.ok(Array.isArray(ok126["x-d"]));
    // Every line written stays readable.
    assert.equal((await json<unknown[]>(dir, ["list"])).length, 2);
  });
});

Deno.test("add uses id_prefix and id_len from config.yaml; a bad config fails only add", async () => {
  await withRepo(async (dir) => {
    await Deno.writeTextFile(`${dir}/.task-golem/config.yaml`, "id_prefix: HAMY\nid_len: 8\n");
    const id = await add(dir, "custom");
    assert.match(id, new RegExp(`^HAMY-${ID_CHARS}{8}$`));
    await Deno.writeTextFile(`${dir}/.task-golem/config.yaml`, "id_len: 2\n");
    await fails(dir, ["add", "x"], 1, "id_len must be between 3 and 12 (default: 5)");
    await Deno.writeTextFile(`${dir}/.task-golem/config.yaml`, 'id_len: "5"\n');
    const bad = await run(dir, ["add", "x"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Error: Invalid config\.yaml: id_len: invalid type: string "5"/);
    // Other commands ignore the config.
    assert.match(await ok(dir, ["list"]), /custom\n$/);
    assert.match(await ok(dir, ["show", id]), /^ID: {10}HAMY-/);
    await Deno.writeTextFile(`${dir}/.task-golem/config.yaml`, "---\n");
    assert.match(await add(dir, "defaults"), new RegExp(`^tg-${ID_CHARS}{5}$`));
  });
});
