/**
 * Black-box tests of the core `tg` commands: each test runs the real CLI in
 * a temporary git repository and checks stdout, stderr, the exit code and
 * the files, against tg.md §1–§7 (with the §9.1 fixes).
 */

import assert from "node:assert/strict";
import { type Output, readText, tempRepo, tg, TG_ENTRY } from "./_helpers.ts";

// ---------------------------------------------------------------------------
// Helpers

const HEADER = '{"schema_version":1}\n';
const ID_CHARS = "[0-9a-hjkmnp-tv-z]";

/** Runs `tg` in `dir`. */
function run(dir: string, args: string[], env?: Record<string, string>): Promise<Output> {
  return tg(args, env ? { cwd: dir, env } : { cwd: dir });
}

/** Runs `tg`, asserts exit 0 and an empty stderr, returns stdout. */
async function ok(dir: string, args: string[], env?: Record<string, string>): Promise<string> {
  const out = await run(dir, args, env);
  assert.equal(out.code, 0, `tg ${args.join(" ")} exited ${out.code}: ${out.stderr}`);
  assert.equal(out.stderr, "", `tg ${args.join(" ")} wrote to stderr`);
  return out.stdout;
}

/** Runs `tg --json …` and parses stdout. */
async function json<T = Record<string, unknown>>(dir: string, args: string[]): Promise<T> {
  return JSON.parse(await ok(dir, ["--json", ...args])) as T;
}

/**
 * Runs `tg` expecting a failure: exit `code`, nothing on stdout, and stderr
 * `Error: <message>` (optionally followed by a `hint:` line).
 */
async function fails(dir: string, args: string[], code: number, message: string): Promise<void> {
  const out = await run(dir, args);
  const what = `tg ${args.join(" ")}`;
  assert.equal(out.code, code, `${what}: exit ${out.code}, stderr ${out.stderr}`);
  assert.equal(out.stdout, "", `${what}: stdout`);
  assert.match(out.stderr, /^Error: .*\n(hint: .+\n)?$/s, what);
  assert.equal(out.stderr.split("\n")[0], `Error: ${message}`, what);
}

/** A temp repo with `tg init` done (or not); removed afterwards. */
async function withRepo(fn: (dir: string) => Promise<void>, init = true): Promise<void> {
  const repo = await tempRepo();
  try {
    if (init) await ok(repo.dir, ["init"]);
    await fn(repo.dir);
  } finally {
    await repo.cleanup();
  }
}

/** Creates an item with `tg add` and returns its ID. */
async function add(dir: string, title: string, ...flags: string[]): Promise<string> {
  const item = await json<{ id: string }>(dir, ["add", title, ...flags]);
  return item.id;
}

/** Item fields in file order, for hand-written stores. */
interface ItemFields {
  id: string;
  title?: string;
  status?: "todo" | "doing" | "done" | "blocked";
  priority?: number | bigint;
  description?: string | null;
  tags?: string[];
  dependencies?: string[];
  "created_at"?: string;
  "updated_at"?: string;
  "blocked_reason"?: string | null;
  "blocked_from_status"?: string | null;
  "claimed_by"?: string | null;
  "claimed_at"?: string | null;
  parent?: string | null;
  [ext: `x-${string}`]: unknown;
}

/** One canonical item line (simple values only). */
function line(f: ItemFields, day = 1): string {
  const ts = `2026-01-${String(day).padStart(2, "0")}T00:00:00Z`;
  const base = {
    id: f.id,
    title: f.title ?? f.id.toUpperCase(),
    status: f.status ?? "todo",
    priority: f.priority ?? 0,
    description: f.description ?? null,
    tags: f.tags ?? [],
    dependencies: f.dependencies ?? [],
    "created_at": f.created_at ?? ts,
    "updated_at": f.updated_at ?? ts,
    "blocked_reason": f.blocked_reason ?? null,
    "blocked_from_status": f.blocked_from_status ?? null,
    "claimed_by": f.claimed_by ?? null,
    "claimed_at": f.claimed_at ?? null,
    parent: f.parent ?? null,
  };
  const ext = Object.keys(f).filter((k) => k.startsWith("x-")).sort();
  const all: Record<string, unknown> = { ...base };
  for (const k of ext) all[k] = f[k as `x-${string}`];
  return JSON.stringify(all, (_, v) => typeof v === "bigint" ? `\u0000${v}` : v)
    .replace(/"\\u0000(-?\d+)"/g, "$1") + "\n";
}

/** Writes `tasks.jsonl` (sorted by ID) and `archive.jsonl` (as given). */
async function writeStore(dir: string, active: ItemFields[], archive: ItemFields[] = []) {
  const sorted = [...active].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await Deno.writeTextFile(
    `${dir}/.task-golem/tasks.jsonl`,
    HEADER + sorted.map((f) => line(f, active.indexOf(f) + 1)).join(""),
  );
  await Deno.writeTextFile(
    `${dir}/.task-golem/archive.jsonl`,
    HEADER + archive.map((f, i) => line({ status: "done", ...f }, i + 1)).join(""),
  );
}

/** The parsed lines of a JSONL file (header included for item files). */
async function jsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = (await readText(path)) ?? "";
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

/** Active items on disk. */
async function activeItems(dir: string): Promise<Record<string, unknown>[]> {
  return (await jsonl(`${dir}/.task-golem/tasks.jsonl`)).slice(1);
}

/** Archived items on disk. */
async function archivedItems(dir: string): Promise<Record<string, unknown>[]> {
  return (await jsonl(`${dir}/.task-golem/archive.jsonl`)).slice(1);
}

/** Every file of the store, for "nothing changed" checks. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for await (const e of Deno.readDir(`${dir}/.task-golem`)) {
    if (e.isFile) files[e.name] = await Deno.readTextFile(`${dir}/.task-golem/${e.name}`);
  }
  return files;
}

const ESC = "\x1b";
const TODO = `${ESC}[37mtodo${ESC}[39m`;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;

/** Chronological comparison of canonical timestamps (nanosecond precision). */
function tsKey(ts: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(ts)!;
  return m[1]! + "." + (m[2] ?? "").padEnd(9, "0");
}

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

// ---------------------------------------------------------------------------
// list

Deno.test("list: empty store, table layout, sort order, default filter", async () => {
  await withRepo(async (dir) => {
    assert.equal(await ok(dir, ["list"]), "No items found.\n");
    assert.equal(await ok(dir, ["--json", "list"]), "[]\n");
    await writeStore(dir, [
      { id: "tg-low01", title: "Low", priority: -3 },
      { id: "tg-hi001", title: "High", priority: 10 },
      { id: "tg-mid01", title: "Mid first", priority: 5, status: "doing" },
      { id: "tg-mid02", title: "Mid second", priority: 5, status: "blocked" },
      { id: "tg-done1", title: "Done but active", status: "done" },
      { id: "HAMY-4c6vcdez", title: "Long id", priority: 12345 },
      { id: "tg-max01", title: "Max", priority: 9223372036854775807n },
    ], [{ id: "tg-arc01", title: "Archived" }]);
    assert.equal(
      await ok(dir, ["list"]),
      [
        "ID          STATUS    PRI  TITLE",
        "tg-max01    todo     9223372036854775807  Max",
        "HAMY-4c6vcdez  todo     12345  Long id",
        "tg-hi001    todo       10  High",
        "tg-mid01    doing       5  Mid first",
        "tg-mid02    blocked     5  Mid second",
        "tg-low01    todo       -3  Low",
        "",
      ].join("\n"),
    );
    const ids = (await json<{ id: string }[]>(dir, ["list"])).map((i) => i.id);
    assert.deepEqual(ids, [
      "tg-max01",
      "HAMY-4c6vcdez",
      "tg-hi001",
      "tg-mid01",
      "tg-mid02",
      "tg-low01",
    ]);
  });
});

Deno.test("list filters: --status, --blocked, --tag, --parent; --status done reads the archive", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-aaaaa", tags: ["Red", "blue"] },
      { id: "tg-bbbbb", status: "doing", tags: ["red"], parent: "tg-aaaaa" },
      { id: "tg-ccccc", status: "blocked", parent: "tg-aaaaa" },
      { id: "tg-ddddd", parent: "tg-ccccc" },
      { id: "tg-eeeee", status: "done", tags: ["red"] },
    ], [{ id: "tg-zzzzz", tags: ["red"], parent: "tg-aaaaa" }, { id: "tg-yyyyy" }]);
    const ids = async (...args: string[]) =>
      (await json<{ id: string }[]>(dir, ["list", ...args])).map((i) => i.id);
    assert.deepEqual(await ids("--status", "todo"), ["tg-aaaaa", "tg-ddddd"]);
    assert.deepEqual(await ids("--status", "doing"), ["tg-bbbbb"]);
    assert.deepEqual(await ids("--status", "blocked"), ["tg-ccccc"]);
    assert.deepEqual(await ids("--blocked"), ["tg-ccccc"]);
    assert.deepEqual(await ids("--status", "done"), ["tg-zzzzz", "tg-yyyyy"]);
    assert.deepEqual(await ids("--status", "done", "--tag", "red"), ["tg-zzzzz"]);
    assert.deepEqual(await ids("--tag", "red"), ["tg-bbbbb"]);
    assert.deepEqual(await ids("--tag", "Red"), ["tg-aaaaa"]);
    assert.deepEqual(await ids("--tag", "RED"), []);
    assert.deepEqual(await ids("--parent", "aaaaa"), ["tg-bbbbb", "tg-ccccc"]);
    assert.deepEqual(await ids("--parent", "aaaaa", "--status", "done"), ["tg-zzzzz"]);
    assert.deepEqual(await ids("--parent", "yyyyy"), []);
    assert.deepEqual(await ids("--parent", "aaaaa", "--tag", "red", "--status", "doing"), [
      "tg-bbbbb",
    ]);
    assert.equal(await ok(dir, ["list", "--parent", "ddddd"]), "No items found.\n");
    await fails(dir, ["list", "--parent", "nope"], 1, "Item not found: nope");
  });
});

Deno.test("list: argument errors", async () => {
  await withRepo(async (dir) => {
    await fails(
      dir,
      ["list", "--blocked", "--status", "todo"],
      1,
      "--blocked cannot be combined with --status; --blocked is sugar for --status blocked",
    );
    await fails(
      dir,
      ["list", "--status", "Todo"],
      1,
      "Invalid status 'Todo'. Valid values: todo, doing, done, blocked",
    );
    await fails(
      dir,
      ["list", "--status", ""],
      1,
      "Invalid status ''. Valid values: todo, doing, done, blocked",
    );
    const twice = await run(dir, ["list", "--tag", "a", "--tag", "b"]);
    assert.equal(twice.code, 1);
    assert.match(
      twice.stderr,
      /^error: the argument '--tag <TAG>' cannot be used multiple times\n/,
    );
  });
});

Deno.test("list truncates long titles at a character boundary within 47 bytes", async () => {
  await withRepo(async (dir) => {
    const exact50 = "Exactly fifty bytes of ASCII title text, no cut...";
    assert.equal(new TextEncoder().encode(exact50).length, 50);
    const long = "An ASCII title that is longer than fifty bytes and gets truncated";
    // Byte 47 falls inside the "é" at bytes 46..47 (upstream panics here).
    const split = "a".repeat(46) + "é tail";
    const emoji = "🚀".repeat(14); // 4 bytes each: boundary at 44
    const cjk = "日本語のタイトル日本語のタイトル日本語のタイトル"; // 3 bytes each: 45
    await writeStore(dir, [
      { id: "tg-a0001", title: exact50, priority: 5 },
      { id: "tg-a0002", title: long, priority: 4 },
      { id: "tg-a0003", title: split, priority: 3 },
      { id: "tg-a0004", title: emoji, priority: 2 },
      { id: "tg-a0005", title: cjk, priority: 1 },
    ]);
    const expected = [
      "ID          STATUS    PRI  TITLE",
      `tg-a0001    todo        5  ${exact50}`,
      "tg-a0002    todo        4  An ASCII title that is longer than fifty bytes ...",
      `tg-a0003    todo        3  ${"a".repeat(46)}...`,
      `tg-a0004    todo        2  ${"🚀".repeat(11)}...`,
      "tg-a0005    todo        1  日本語のタイトル日本語のタイト...",
      "",
    ].join("\n");
    assert.equal(await ok(dir, ["list"]), expected);
    assert.equal(await ok(dir, ["ready"]), expected);
    // JSON and next keep the full title.
    assert.equal((await json<{ title: string }[]>(dir, ["list"]))[2]!.title, split);
    assert.equal(await ok(dir, ["next"]), `tg-a0001 [todo] (p:5) ${exact50}\n`);
  });
});

Deno.test("list --verbose reports the store, what was loaded and what is returned", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }, { id: "tg-bbbbb", status: "doing" }], [
      { id: "tg-zzzzz" },
    ]);
    const out = await run(dir, ["list", "--verbose", "--status", "doing"]);
    assert.equal(out.code, 0);
    assert.equal(
      out.stderr,
      `[verbose] Project root: ${dir}/.task-golem\n[verbose] Loaded 2 active items\n` +
        "[verbose] Returning 1 items after filtering\n",
    );
    const done = await run(dir, ["--verbose", "--json", "list", "--status", "done"]);
    assert.equal(
      done.stderr,
      `[verbose] Project root: ${dir}/.task-golem\n[verbose] Loaded 1 items from archive\n` +
        "[verbose] Returning 1 items after filtering\n",
    );
    assert.equal(JSON.parse(done.stdout)[0].id, "tg-zzzzz");
  });
});

// ---------------------------------------------------------------------------
// show

Deno.test("show: every detail line, in order, and the bare item in JSON", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      {
        id: "tg-full1",
        title: "Full",
        status: "blocked",
        priority: 7,
        description: "line1\nline2",
        tags: ["t1", "t2"],
        dependencies: ["tg-min01", "tg-gone1"],
        created_at: "2026-11-25T17:28:12.729998493Z",
        updated_at: "2026-11-25T17:28:12.734Z",
        blocked_reason: "why not",
        blocked_from_status: "doing",
        claimed_by: "agent-7",
        claimed_at: "2026-11-25T17:28:12.730Z",
        parent: "tg-min01",
        "x-b": 1,
        "x-a": { z: 1, a: [true, null] },
        "x-s": "hello",
        "x-f": 1.5,
      },
      { id: "tg-min01", title: "Minimal", created_at: "2026-01-01T00:00:00.120500Z" },
    ]);
    assert.equal(
      await ok(dir, ["show", "full1"]),
      [
        "ID:          tg-full1",
        "Title:       Full",
        "Status:      blocked",
        "Priority:    7",
        "Description: line1",
        "line2",
        "Tags:        t1, t2",
        "Deps:        tg-min01, tg-gone1",
        "Block reason:why not",
        "Claimed by:  agent-7",
        "Created:     2026-11-25 17:28:12.729998493 UTC",
        "Updated:     2026-11-25 17:28:12.734 UTC",
        'x-a: {"a":[true,null],"z":1}',
        "x-b: 1",
        "x-f: 1.5",
        'x-s: "hello"',
        "",
      ].join("\n"),
    );
    assert.equal(
      await ok(dir, ["show", "min01"]),
      [
        "ID:          tg-min01",
        "Title:       Minimal",
        "Status:      todo",
        "Priority:    0",
        "Created:     2026-01-01 00:00:00.120500 UTC",
        "Updated:     2026-01-02 00:00:00 UTC",
        "Children:",
        "  tg-full1    blocked     7  Full",
        "",
      ].join("\n"),
    );
    const j = await ok(dir, ["--json", "show", "full1", "--events"]);
    const parsed = JSON.parse(j);
    assert.equal(parsed.id, "tg-full1");
    assert.equal(parsed.parent, "tg-min01");
    assert.deepEqual(Object.keys(parsed).slice(14), ["x-a", "x-b", "x-f", "x-s"]);
    assert.ok(
      j.includes('\n  "x-a": {\n    "a": [\n      true,\n      null\n    ],\n    "z": 1\n  },\n'),
      j,
    );
  });
});

Deno.test("show: at most ten children by priority then ID, then '(k more)'; archived items too", async () => {
  await withRepo(async (dir) => {
    const kids: ItemFields[] = [];
    for (let i = 1; i <= 12; i++) {
      kids.push({
        id: `tg-kid${String(i).padStart(2, "0")}`,
        title: `Kid ${i}`,
        priority: i % 3,
        parent: "tg-arc01",
        status: i === 4 ? "doing" : "todo",
      });
    }
    await writeStore(dir, kids, [{ id: "tg-arc01", title: "Archived parent" }]);
    const out = await ok(dir, ["show", "arc01"]);
    assert.equal(
      out,
      [
        "ID:          tg-arc01",
        "Title:       Archived parent",
        "Status:      done",
        "Priority:    0",
        "Created:     2026-01-01 00:00:00 UTC",
        "Updated:     2026-01-01 00:00:00 UTC",
        "Children:",
        "  tg-kid02    todo        2  Kid 2",
        "  tg-kid05    todo        2  Kid 5",
        "  tg-kid08    todo        2  Kid 8",
        "  tg-kid11    todo        2  Kid 11",
        "  tg-kid01    todo        1  Kid 1",
        "  tg-kid04    doing       1  Kid 4",
        "  tg-kid07    todo        1  Kid 7",
        "  tg-kid10    todo        1  Kid 10",
        "  tg-kid03    todo        0  Kid 3",
        "  tg-kid06    todo        0  Kid 6",
        "  (2 more)",
        "",
      ].join("\n"),
    );
  });
});

Deno.test("show prefers the active item when an ID is also archived, and --events appends the log", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-twin1", title: "Active copy" }], [
      { id: "tg-twin1", title: "Archived copy" },
    ]);
    assert.match(await ok(dir, ["show", "twin1"]), /^ID: {10}tg-twin1\nTitle: {7}Active copy\n/);
    // No events yet: nothing is appended.
    assert.equal(await ok(dir, ["show", "twin1", "--events"]), await ok(dir, ["show", "twin1"]));
    await ok(dir, ["do", "twin1"], { TG_AUTHOR: "  alice  " });
    await ok(dir, ["block", "twin1", "--reason", "waiting"]);
    const out = await ok(dir, ["show", "twin1", "--events"]);
    const lines = out.split("\n");
    const at = lines.indexOf(
      "TIMESTAMP                    AUTHOR                    TYPE               STATUS   TEXT",
    );
    assert.ok(at > 0, out);
    assert.match(lines[at - 1]!, /^Updated: /);
    assert.match(
      lines[at + 1]!,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z {2}alice {21}status_transition {2}doing {4}$/,
    );
    assert.match(
      lines[at + 2]!,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z {2}tester {20}status_transition {2}blocked {2}waiting$/,
    );
    assert.equal(lines.length, at + 4);
  });
});

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

// ---------------------------------------------------------------------------
// Status transitions (tg.md §2.6, §2.7)

const STATES: ItemFields[] = [
  { id: "tg-stodo", title: "T" },
  { id: "tg-sdoin", title: "D", status: "doing" },
  {
    id: "tg-sblkd",
    title: "B",
    status: "blocked",
    blocked_from_status: "doing",
    blocked_reason: "r",
  },
  { id: "tg-sdone", title: "X", status: "done" },
];
const ARCHIVED: ItemFields = { id: "tg-sarch", title: "A" };

type Expect =
  | { applied: string; status: string }
  | { idempotent: string }
  | { error: string };

const MATRIX: Record<string, Record<string, Expect>> = {
  do: {
    "tg-stodo": { applied: "Started: tg-stodo - T [doing]", status: "doing" },
    "tg-sdoin": { idempotent: "doing" },
    "tg-sblkd": { error: "Invalid transition: blocked cannot transition to doing" },
    "tg-sdone": { error: "Invalid transition: done cannot transition to doing" },
    "tg-sarch": { error: "Item not found: tg-sarch" },
  },
  done: {
    "tg-stodo": { applied: "Done: tg-stodo - T [archived]", status: "done" },
    "tg-sdoin": { applied: "Done: tg-sdoin - D [archived]", status: "done" },
    "tg-sblkd": { error: "Invalid transition: blocked cannot transition to done" },
    "tg-sdone": { idempotent: "done" },
    "tg-sarch": { idempotent: "done" },
  },
  todo: {
    "tg-stodo": { idempotent: "todo" },
    "tg-sdoin": { applied: "Returned to todo: tg-sdoin - D", status: "todo" },
    "tg-sblkd": { error: "Invalid transition: blocked cannot transition to todo" },
    "tg-sdone": { error: "Invalid transition: done cannot transition to todo" },
    "tg-sarch": { error: "Item not found: tg-sarch" },
  },
  block: {
    "tg-stodo": { applied: "Blocked: tg-stodo - T", status: "blocked" },
    "tg-sdoin": { applied: "Blocked: tg-sdoin - D", status: "blocked" },
    "tg-sblkd": { idempotent: "blocked" },
    "tg-sdone": { error: "Invalid transition: done cannot transition to blocked" },
    "tg-sarch": { error: "Item not found: tg-sarch" },
  },
  unblock: {
    "tg-stodo": { error: "Cannot unblock: item status is 'todo', expected 'blocked'" },
    "tg-sdoin": { error: "Cannot unblock: item status is 'doing', expected 'blocked'" },
    "tg-sblkd": { applied: "Unblocked: tg-sblkd - B [doing]", status: "doing" },
    "tg-sdone": { error: "Cannot unblock: item status is 'done', expected 'blocked'" },
    "tg-sarch": { error: "Item not found: tg-sarch" },
  },
};

Deno.test("transition matrix: every command on every status, text and JSON", async () => {
  await withRepo(async (dir) => {
    for (const [cmd, row] of Object.entries(MATRIX)) {
      for (const [id, expect] of Object.entries(row)) {
        for (const jsonMode of [false, true]) {
          await writeStore(dir, STATES, [ARCHIVED]);
          for (const f of ["events.jsonl", "events.archive.jsonl"]) {
            await Deno.remove(`${dir}/.task-golem/${f}`).catch(() => {});
          }
          const before = await snapshot(dir);
          const args = jsonMode ? [cmd, id, "--json"] : [cmd, id];
          const what = `tg ${args.join(" ")}`;
          const out = await run(dir, args);
          if ("error" in expect) {
            assert.equal(out.code, 1, what);
            assert.equal(out.stdout, "", what);
            const first = out.stderr.split("\n")[0]!;
            if (jsonMode) assert.equal(JSON.parse(first).error, expect.error, what);
            else assert.equal(first, `Error: ${expect.error}`, what);
            assert.deepEqual(await snapshot(dir), before, what);
          } else if ("idempotent" in expect) {
            assert.equal(out.code, 0, what);
            assert.equal(out.stderr, "", what);
            assert.equal(
              out.stdout,
              jsonMode
                ? `{\n  "idempotent": true,\n  "previous_state": "${expect.idempotent}"\n}\n`
                : `Already ${expect.idempotent} (no change)\n`,
              what,
            );
            assert.deepEqual(await snapshot(dir), before, what);
          } else {
            assert.equal(out.code, 0, `${what}: ${out.stderr}`);
            assert.equal(out.stderr, "", what);
            if (jsonMode) {
              const item = JSON.parse(out.stdout);
              assert.equal(item.id, id, what);
              assert.equal(item.status, expect.status, what);
            } else {
              assert.equal(out.stdout, expect.applied + "\n", what);
            }
            const events = await jsonl(`${dir}/.task-golem/events.jsonl`);
            const archived = await jsonl(`${dir}/.task-golem/events.archive.jsonl`);
            const all = [...events, ...archived];
            assert.equal(all.length, 1, what);
            assert.deepEqual(
              { ...all[0], ts: "" },
              {
                v: 1,
                "task_id": id,
                ts: "",
                author: "tester",
                type: "status_transition",
                text: "",
                status: expect.status,
              },
              what,
            );
            assert.match(all[0]!.ts as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
          }
        }
      }
    }
  });
});

Deno.test("transitions: field effects of do, todo, block, unblock", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa", title: "A" }, { id: "tg-bbbbb", title: "B" }]);
    const a1 = await json(dir, ["do", "aaaaa", "--claim", "agent-α"]);
    assert.equal(a1.status, "doing");
    assert.equal(a1.claimed_by, "agent-α");
    assert.equal(a1.claimed_at, a1.updated_at, "one instant for claim and update");
    // Block from doing: remembers doing, clears the claim.
    const a2 = await json(dir, ["block", "aaaaa", "--reason", 'waiting on "API" — #42']);
    assert.equal(a2.status, "blocked");
    assert.equal(a2.blocked_from_status, "doing");
    assert.equal(a2.blocked_reason, 'waiting on "API" — #42');
    assert.equal(a2.claimed_by, null);
    assert.equal(a2.claimed_at, null);
    // Blocking again is a no-op that keeps the first reason.
    assert.equal(
      await ok(dir, ["block", "aaaaa", "--reason", "other"]),
      "Already blocked (no change)\n",
    );
    assert.equal(
      (await activeItems(dir)).find((i) => i.id === "tg-aaaaa")!.blocked_reason,
      'waiting on "API" — #42',
    );
    // Unblock restores doing (claims are not restored) and clears both block fields.
    const a3 = await json(dir, ["unblock", "aaaaa"]);
    assert.equal(a3.status, "doing");
    assert.equal(a3.blocked_reason, null);
    assert.equal(a3.blocked_from_status, null);
    assert.equal(a3.claimed_by, null);
    // todo clears claims.
    await ok(dir, ["do", "aaaaa", "--claim", "bot"]);
    const a4 = await json(dir, ["todo", "aaaaa"]);
    assert.equal(a4.status, "todo");
    assert.equal(a4.claimed_by, null);
    assert.equal(a4.claimed_at, null);
    // Block from todo with an empty reason; unblock goes back to todo.
    const b1 = await json(dir, ["block", "bbbbb", "--reason", ""]);
    assert.equal(b1.blocked_reason, "");
    assert.equal(b1.blocked_from_status, "todo");
    assert.match(await ok(dir, ["show", "bbbbb"]), /\nBlock reason:\n/);
    assert.equal(await ok(dir, ["unblock", "bbbbb"]), "Unblocked: tg-bbbbb - B [todo]\n");
    // A blocked item without blocked_from_status unblocks to todo.
    await writeStore(dir, [{ id: "tg-ccccc", title: "C", status: "blocked" }]);
    assert.equal(await ok(dir, ["unblock", "ccccc"]), "Unblocked: tg-ccccc - C [todo]\n");
    // Events: one per applied transition, the block reason as text.
    const events = await jsonl(`${dir}/.task-golem/events.jsonl`);
    assert.deepEqual(
      events.map((e) => [e.task_id, e.status, e.text]),
      [
        ["tg-aaaaa", "doing", ""],
        ["tg-aaaaa", "blocked", 'waiting on "API" — #42'],
        ["tg-aaaaa", "doing", ""],
        ["tg-aaaaa", "todo", ""],
        ["tg-bbbbb", "blocked", ""],
        ["tg-bbbbb", "todo", ""],
        ["tg-ccccc", "todo", ""],
      ],
    );
  });
});

Deno.test("claims: conflicts, re-claims without an event, idempotent do", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-aaaaa", title: "A" },
      { id: "tg-bbbbb", title: "B", status: "doing" },
    ]);
    await ok(dir, ["do", "aaaaa", "--claim", "alice"]);
    const events = () => jsonl(`${dir}/.task-golem/events.jsonl`);
    assert.equal((await events()).length, 1);
    const before = await snapshot(dir);
    await fails(dir, ["do", "aaaaa", "--claim", "bob"], 1, "Already claimed by alice");
    assert.deepEqual(await snapshot(dir), before);
    // Same agent: refreshed claim, output of an applied do, no event.
    assert.equal(
      await ok(dir, ["do", "aaaaa", "--claim", "alice"]),
      "Started: tg-aaaaa - A [doing]\n",
    );
    const it = (await activeItems(dir)).find((i) => i.id === "tg-aaaaa")!;
    assert.ok(tsKey(it.claimed_at as string) <= tsKey(it.updated_at as string));
    assert.notEqual(it.updated_at, JSON.parse(before["tasks.jsonl"]!.split("\n")[1]!).updated_at);
    assert.equal((await events()).length, 1);
    // Without --claim on doing: a no-op.
    assert.equal(await ok(dir, ["do", "aaaaa"]), "Already doing (no change)\n");
    // Claiming an unclaimed doing item: set, no event.
    const b = await json(dir, ["do", "bbbbb", "--claim", "carol"]);
    assert.equal(b.claimed_by, "carol");
    assert.equal((await events()).length, 1);
    // done clears the claim.
    const done = await json(dir, ["done", "aaaaa"]);
    assert.equal(done.claimed_by, null);
    assert.equal(done.claimed_at, null);
  });
});

Deno.test("done archives the item and moves its events; other events stay", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa", title: "A" }, { id: "tg-bbbbb", title: "B" }]);
    await ok(dir, ["do", "aaaaa"]);
    await ok(dir, ["do", "bbbbb"]);
    assert.equal(await ok(dir, ["done", "aaaaa"]), "Done: tg-aaaaa - A [archived]\n");
    assert.deepEqual((await activeItems(dir)).map((i) => i.id), ["tg-bbbbb"]);
    const archived = await archivedItems(dir);
    assert.equal(archived.length, 1);
    assert.equal(archived[0]!.status, "done");
    assert.deepEqual(
      (await jsonl(`${dir}/.task-golem/events.archive.jsonl`)).map((e) => [e.task_id, e.status]),
      [["tg-aaaaa", "doing"], ["tg-aaaaa", "done"]],
    );
    assert.deepEqual(
      (await jsonl(`${dir}/.task-golem/events.jsonl`)).map((e) => [e.task_id, e.status]),
      [["tg-bbbbb", "doing"]],
    );
    // Done again (archived only): a no-op; show still finds it in the archive.
    assert.equal(await ok(dir, ["done", "tg-aaaaa"]), "Already done (no change)\n");
    assert.match(await ok(dir, ["show", "aaaaa"]), /\nStatus: {6}done\n/);
    // The archive grows in completion order.
    await ok(dir, ["done", "bbbbb"]);
    assert.deepEqual((await archivedItems(dir)).map((i) => i.id), ["tg-aaaaa", "tg-bbbbb"]);
    assert.equal(await readText(`${dir}/.task-golem/events.jsonl`), "");
  });
});

Deno.test("done refuses an item with active children (tg.md 9.1 item 12)", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-paren", title: "P" },
      { id: "tg-kid02", parent: "tg-paren", status: "done" },
      { id: "tg-kid01", parent: "tg-paren" },
    ]);
    const before = await snapshot(dir);
    await fails(
      dir,
      ["done", "paren"],
      1,
      "Item tg-paren has children and cannot be completed: tg-kid01, tg-kid02",
    );
    const j = await run(dir, ["--json", "done", "paren"]);
    assert.deepEqual(Object.entries(JSON.parse(j.stderr)).slice(0, 2), [
      ["error", "Item tg-paren has children and cannot be completed: tg-kid01, tg-kid02"],
      ["exit_code", 1],
    ]);
    assert.deepEqual(await snapshot(dir), before);
    await ok(dir, ["rm", "kid01"]);
    await ok(dir, ["edit", "kid02", "--parent-clear"]);
    assert.equal(await ok(dir, ["done", "paren"]), "Done: tg-paren - P [archived]\n");
  });
});

Deno.test("the event is written before tasks.jsonl: a failed event append changes nothing", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }, { id: "tg-bbbbb", status: "doing" }]);
    // A directory where the event log should be makes the append fail.
    await Deno.mkdir(`${dir}/.task-golem/events.jsonl`);
    const before = await snapshot(dir);
    for (
      const args of [["do", "aaaaa"], ["done", "bbbbb"], ["block", "aaaaa"], ["todo", "bbbbb"]]
    ) {
      const out = await run(dir, args);
      assert.equal(out.code, 2, args.join(" "));
      assert.match(out.stderr, /^Error: Is a directory \(os error 21\)/);
      assert.deepEqual(await snapshot(dir), before, args.join(" "));
    }
  });
});

Deno.test("an event line over 2048 bytes fails before anything is written", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }]);
    const before = await snapshot(dir);
    // The record around the text is 138 bytes here ("tester", tg-aaaaa, blocked).
    await fails(
      dir,
      ["block", "aaaaa", "--reason", "r".repeat(2000)],
      1,
      "Event line is 2138 bytes, exceeding the 2048-byte cap by 90 bytes. Shorten the text by at least 90 bytes.",
    );
    await fails(
      dir,
      ["block", "aaaaa", "--reason", "é".repeat(1000)],
      1,
      "Event line is 2138 bytes, exceeding the 2048-byte cap by 90 bytes. Shorten the text by at least 90 bytes.",
    );
    assert.deepEqual(await snapshot(dir), before);
    await ok(dir, ["block", "aaaaa", "--reason", "r".repeat(1910)]);
    const line = (await readText(`${dir}/.task-golem/events.jsonl`))!;
    assert.equal(new TextEncoder().encode(line).length, 2048);
  });
});

// ---------------------------------------------------------------------------
// ready, next

Deno.test("ready: todo items whose dependencies are archived or done, warnings for missing ones", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-r0001", title: "Ready low", priority: 1 },
      { id: "tg-r0002", title: "Ready via archive", priority: 5, dependencies: ["tg-arc01"] },
      { id: "tg-r0003", title: "Ready via active done", priority: 5, dependencies: ["tg-done1"] },
      { id: "tg-n0001", title: "Waits on todo", priority: 9, dependencies: ["tg-r0001"] },
      { id: "tg-n0002", title: "Ghost dep", priority: 9, dependencies: ["tg-ghost", "tg-gho2"] },
      { id: "tg-n0003", title: "Met then ghost", dependencies: ["tg-arc01", "tg-gho3"] },
      { id: "tg-n0004", title: "Doing", status: "doing", priority: 9 },
      { id: "tg-n0005", title: "Blocked", status: "blocked", priority: 9 },
      { id: "tg-done1", status: "done", priority: 9 },
    ], [{ id: "tg-arc01" }, { id: "tg-arc01" }]);
    const out = await run(dir, ["--verbose", "ready"]);
    assert.equal(out.code, 0);
    assert.equal(
      out.stdout,
      [
        "ID          STATUS    PRI  TITLE",
        "tg-r0002    todo        5  Ready via archive",
        "tg-r0003    todo        5  Ready via active done",
        "tg-r0001    todo        1  Ready low",
        "",
      ].join("\n"),
    );
    assert.equal(
      out.stderr,
      [
        `[verbose] Project root: ${dir}/.task-golem`,
        "[verbose] Loaded 9 active items, 1 archive IDs",
        "Warning: item tg-n0002 has unmet dependency 'tg-ghost' (not found in active or archive)",
        "Warning: item tg-n0003 has unmet dependency 'tg-gho3' (not found in active or archive)",
        "[verbose] Ready queue: 3 items",
        "",
      ].join("\n"),
    );
    const next = await run(dir, ["--verbose", "next"]);
    assert.equal(next.stdout, "tg-r0002 [todo] (p:5) Ready via archive\n");
    assert.equal(
      next.stderr,
      out.stderr.split("\n").slice(0, 4).join("\n") + "\n",
    );
    const j = await run(dir, ["--json", "next"]);
    assert.equal(JSON.parse(j.stdout).id, "tg-r0002");
    const jr = await run(dir, ["--json", "ready"]);
    assert.equal(JSON.parse(jr.stdout).length, 3);
    // Warnings stay plain text in JSON mode.
    assert.equal(jr.stderr, out.stderr.split("\n").slice(2, 4).join("\n") + "\n");
  });
});

Deno.test("ready: --include-stale appends old doing items, --limit applies last", async () => {
  await withRepo(async (dir) => {
    const fresh = new Date().toISOString();
    await writeStore(dir, [
      { id: "tg-t0001", title: "Todo", priority: 1 },
      { id: "tg-t0002", title: "Todo 2" },
      { id: "tg-d0001", title: "Old doing", status: "doing" },
      { id: "tg-d0002", title: "Older doing, higher", status: "doing", priority: 3 },
      { id: "tg-d0003", title: "Fresh doing", status: "doing", updated_at: fresh },
    ]);
    const ids = async (...args: string[]) =>
      (await json<{ id: string }[]>(dir, ["ready", ...args])).map((i) => i.id);
    assert.deepEqual(await ids(), ["tg-t0001", "tg-t0002"]);
    assert.deepEqual(await ids("--include-stale", "1h"), [
      "tg-t0001",
      "tg-t0002",
      "tg-d0002",
      "tg-d0001",
    ]);
    assert.deepEqual(await ids("--include-stale", "1h 30m"), await ids("--include-stale=1.5h"));
    assert.deepEqual(await ids("--include-stale", "0s", "--limit", "3"), [
      "tg-t0001",
      "tg-t0002",
      "tg-d0002",
    ]);
    assert.deepEqual(await ids("--include-stale", "200000y"), ["tg-t0001", "tg-t0002"]);
    // Too far back for the calendar: nothing is stale (upstream crashed, tg.md 9.1 item 14).
    assert.deepEqual(await ids("--include-stale", "300000y"), ["tg-t0001", "tg-t0002"]);
    assert.equal(await ok(dir, ["ready", "--limit", "0"]), "No items ready\n");
    assert.equal(
      await ok(dir, ["ready", "--include-stale", "0s", "--limit", "0"]),
      "No items ready\n",
    );
    const v = await run(dir, ["--verbose", "ready", "--include-stale", "0s", "--limit", "1"]);
    assert.equal(
      v.stderr,
      [
        `[verbose] Project root: ${dir}/.task-golem`,
        "[verbose] Loaded 5 active items, 0 archive IDs",
        "[verbose] Including 3 stale doing items",
        "[verbose] Ready queue: 1 items",
        "",
      ].join("\n"),
    );
    assert.equal(v.stdout, "ID          STATUS    PRI  TITLE\ntg-t0001    todo        1  Todo\n");
  });
});

Deno.test("ready: invalid and oversized --include-stale durations", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-t0001", dependencies: ["tg-ghost"] }]);
    const cases: [string, string][] = [
      ["bogus", "Invalid duration 'bogus': expected number at 0"],
      ["10", "Invalid duration '10': time unit needed, for example 10sec or 10ms"],
      ["-1h", "Invalid duration '-1h': expected number at 0"],
      ["", "Invalid duration '': value was empty"],
      ["1.h", "Invalid duration '1.h': invalid character at 1"],
      [
        "1x",
        "Invalid duration '1x': unknown time unit \"x\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)",
      ],
      [
        "18446744073709551616s",
        "Invalid duration '18446744073709551616s': number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)",
      ],
      [
        "1000000000y",
        "Duration too large: Source duration value is out of range for the target type",
      ],
    ];
    for (const [d, message] of cases) {
      const out = await run(dir, ["ready", `--include-stale=${d}`]);
      assert.equal(out.code, 1, d);
      assert.equal(out.stdout, "", d);
      // The queue is computed first, so its warnings come before the error.
      assert.equal(
        out.stderr.split("\n").slice(0, 2).join("\n"),
        "Warning: item tg-t0001 has unmet dependency 'tg-ghost' (not found in active or archive)\n" +
          `Error: ${message}`,
        d,
      );
    }
  });
});

Deno.test("next: full title, no colour, 'No items ready', JSON null", async () => {
  await withRepo(async (dir) => {
    assert.equal(await ok(dir, ["next"]), "No items ready\n");
    assert.equal(await ok(dir, ["--json", "next"]), "null\n");
    assert.equal(await ok(dir, ["ready"]), "No items ready\n");
    assert.equal(await ok(dir, ["--json", "ready"]), "[]\n");
    const title = "A very long title that would be truncated in a table, but not by next";
    await writeStore(dir, [{ id: "tg-n0001", title, priority: -4 }]);
    assert.equal(
      await ok(dir, ["next"], { FORCE_COLOR: "1" }),
      `tg-n0001 [todo] (p:-4) ${title}\n`,
    );
  });
});

// ---------------------------------------------------------------------------
// Colours

Deno.test("colours: FORCE_COLOR colours status words, padded by visible width; never in JSON", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-c0001", title: "Todo", priority: 4, parent: "tg-c0004" },
      { id: "tg-c0002", title: "Doing", priority: 3, status: "doing" },
      { id: "tg-c0003", title: "Blocked", priority: 2, status: "blocked" },
      { id: "tg-c0004", title: "Parent", priority: 1 },
    ], [{ id: "tg-c0005", title: "Done" }]);
    const env = { FORCE_COLOR: "1" };
    assert.equal(
      await ok(dir, ["list"], env),
      [
        "ID          STATUS    PRI  TITLE",
        "tg-c0001    \x1b[37mtodo\x1b[39m        4  Todo",
        "tg-c0002    \x1b[33mdoing\x1b[39m       3  Doing",
        "tg-c0003    \x1b[31mblocked\x1b[39m     2  Blocked",
        "tg-c0004    \x1b[37mtodo\x1b[39m        1  Parent",
        "",
      ].join("\n"),
    );
    assert.equal(
      await ok(dir, ["list", "--status", "done"], env),
      "ID          STATUS    PRI  TITLE\ntg-c0005    \x1b[32mdone\x1b[39m        0  Done\n",
    );
    const show = await ok(dir, ["show", "c0004"], env);
    assert.ok(show.includes(`\nStatus:      ${TODO}\n`), show);
    assert.ok(show.endsWith(`\nChildren:\n  tg-c0001    ${TODO}        4  Todo\n`), show);
    assert.ok((await ok(dir, ["ready"], env)).includes(TODO));
    for (const args of [["list"], ["show", "c0001"], ["ready"], ["next"], ["do", "c0001"]]) {
      assert.ok(!(await ok(dir, ["--json", ...args], env)).includes(ESC), args.join(" "));
    }
    const colored = async (env: Record<string, string>) =>
      (await ok(dir, ["list"], env)).includes(`${ESC}[33m`);
    // FORCE_COLOR wins over NO_COLOR; 0/false do not force.
    assert.equal(await colored({ FORCE_COLOR: "", NO_COLOR: "1" }), true);
    assert.equal(await colored({ CLICOLOR_FORCE: "1" }), true);
    assert.equal(await colored({ FORCE_COLOR: "0" }), false);
    assert.equal(await colored({ FORCE_COLOR: "false" }), false);
    // Not a terminal: no colours, whatever TERM says; NO_COLOR always off.
    assert.equal(await colored({ NO_COLOR: "", TERM: "xterm" }), false);
    assert.equal(await colored({ IGNORE_IS_TERMINAL: "1", TERM: "xterm", NO_COLOR: "1" }), false);
    assert.equal(await colored({ IGNORE_IS_TERMINAL: "1", TERM: "dumb", NO_COLOR: "0" }), false);
    assert.equal(await colored({ IGNORE_IS_TERMINAL: "1", TERM: "xterm", NO_COLOR: "0" }), true);
  });
});

/** Runs `tg list` on a pseudo-terminal (util-linux `script`), or `null` without it. */
async function listOnTty(dir: string, env: Record<string, string>): Promise<string | null> {
  try {
    const cmd = [Deno.execPath(), "run", "--quiet", "-A", TG_ENTRY, "list"].join(" ");
    const out = await new Deno.Command("script", {
      args: ["-qec", cmd, "/dev/null"],
      cwd: dir,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: Deno.env.get("HOME") ?? "/",
        ...env,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return out.code === 0 ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return null;
  }
}

Deno.test("colours on a terminal follow TERM and NO_COLOR", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-c0001", title: "Todo" }]);
    const colored = await listOnTty(dir, { TERM: "xterm" });
    if (colored === null) {
      // deno-lint-ignore no-console
      console.log("skipped: util-linux `script` is not available to provide a terminal");
      return;
    }
    assert.ok(colored.includes(`tg-c0001    ${TODO}        0  Todo`), colored);
    const plain = async (env: Record<string, string>) =>
      !(await listOnTty(dir, env))!.includes(`${ESC}[3`);
    assert.equal(await plain({ TERM: "xterm", NO_COLOR: "1" }), true);
    assert.equal(await plain({ TERM: "dumb" }), true);
    assert.equal(await plain({}), true);
    assert.equal(await plain({ COLORTERM: "truecolor" }), false);
  });
});

// ---------------------------------------------------------------------------
// Errors as JSON

Deno.test("every error class: one JSON object on stderr with --json before or after the command", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [
      { id: "tg-aaaaa", title: "A" },
      { id: "tg-aabbb", title: "B", dependencies: ["tg-aaaaa"], parent: "tg-aaaaa" },
      { id: "tg-blkd1", status: "blocked" },
      { id: "tg-doin1", status: "doing", claimed_by: "alice" },
    ]);
    const cases: [string[], number, string][] = [
      [["show", "nope"], 1, "Item not found: nope"],
      [["show", "aa"], 1, `Ambiguous ID prefix 'aa': matches ["tg-aaaaa", "tg-aabbb"]`],
      [["show", ""], 1, "Item ID cannot be empty"],
      [["do", "blkd1"], 1, "Invalid transition: blocked cannot transition to doing"],
      [["unblock", "aaaaa"], 1, "Cannot unblock: item status is 'todo', expected 'blocked'"],
      [["do", "doin1", "--claim", "bob"], 1, "Already claimed by alice"],
      [
        ["dep", "add", "aaaaa", "aabbb"],
        1,
        "Dependency cycle detected: Adding dependency tg-aaaaa -> tg-aabbb would create a cycle",
      ],
      [
        ["rm", "aabbb"],
        1,
        "Item tg-aabbb is depended on by: tg-aabbb. Use --force to remove anyway, or --force --clear-deps to also remove this ID from dependents' dep lists",
      ],
      [["edit", "aaaaa", "--parent", "aaaaa"], 1, "Item tg-aaaaa cannot be its own parent"],
      [
        ["edit", "aaaaa", "--parent", "aabbb"],
        1,
        "Parent cycle detected among: tg-aaaaa, tg-aabbb",
      ],
      [["rm", "aaaaa"], 1, "Item tg-aaaaa has children and cannot be removed: tg-aabbb"],
      [["add", ""], 1, "Title cannot be empty"],
      [
        ["list", "--status", "x"],
        1,
        "Invalid status 'x'. Valid values: todo, doing, done, blocked",
      ],
    ];
    // (rm aabbb: nothing depends on it, so replace that case's store below.)
    cases.splice(7, 1);
    const before = await snapshot(dir);
    for (const [args, code, message] of cases) {
      for (const argv of [["--json", ...args], [...args, "--json"]]) {
        const out = await run(dir, argv);
        const what = argv.join(" ");
        assert.equal(out.code, code, what);
        assert.equal(out.stdout, "", what);
        assert.ok(out.stderr.endsWith("\n") && !out.stderr.slice(0, -1).includes("\n"), what);
        const obj = JSON.parse(out.stderr);
        assert.deepEqual(Object.keys(obj).slice(0, 2), ["error", "exit_code"], what);
        assert.equal(obj.error, message, what);
        assert.equal(obj.exit_code, code, what);
        assert.ok(Object.keys(obj).length === 2 || typeof obj.hint === "string", what);
      }
    }
    assert.deepEqual(await snapshot(dir), before);

    // DependentExists.
    await writeStore(dir, [{ id: "tg-aaaaa" }, { id: "tg-bbbbb", dependencies: ["tg-aaaaa"] }]);
    const dep = await run(dir, ["rm", "aaaaa", "--json"]);
    assert.equal(dep.code, 1);
    assert.equal(
      JSON.parse(dep.stderr).error,
      "Item tg-aaaaa is depended on by: tg-bbbbb. Use --force to remove anyway, or --force --clear-deps to also remove this ID from dependents' dep lists",
    );

    // System errors exit 2: corruption, unsupported schema, I/O.
    await Deno.writeTextFile(`${dir}/.task-golem/tasks.jsonl`, HEADER + "{oops\n");
    const bad = await run(dir, ["--json", "list"]);
    assert.equal(bad.code, 2);
    assert.match(JSON.parse(bad.stderr).error, /^Storage corruption: Malformed item on line 2: /);
    assert.equal(JSON.parse(bad.stderr).exit_code, 2);
    await Deno.writeTextFile(`${dir}/.task-golem/tasks.jsonl`, '{"schema_version":2}\n');
    const schema = await run(dir, ["list", "--json"]);
    assert.equal(schema.code, 2);
    assert.equal(
      JSON.parse(schema.stderr).error,
      "Unsupported schema version 2 (max supported: 1)",
    );
    await writeStore(dir, [{ id: "tg-aaaaa" }]);
    await Deno.mkdir(`${dir}/.task-golem/events.jsonl`);
    const io = await run(dir, ["do", "aaaaa", "--json"]);
    assert.equal(io.code, 2);
    assert.match(JSON.parse(io.stderr).error, /^Is a directory \(os error 21\)/);
    assert.equal(JSON.parse(io.stderr).exit_code, 2);
  });
});

Deno.test("usage errors exit 1 with what to do; with --json they are a JSON object", async () => {
  await withRepo(async (dir) => {
    const cases: [string[], RegExp][] = [
      [["list", "--bogus"], /^error: unexpected argument '--bogus' found\n\n {2}tip: /],
      [["add", "x", "--tags", "a"], /tip: a similar argument exists: '--tag'/],
      [
        ["lsit"],
        /^error: unrecognized subcommand 'lsit'\n\n {2}tip: a similar subcommand exists: 'list'/,
      ],
      [["show"], /^error: the following required arguments were not provided:\n {2}<ID>\n/],
      [
        ["add", "x", "--priority", "high"],
        /^error: invalid value 'high' for '--priority <PRIORITY>'/,
      ],
      [["add", "x", "--priority=9223372036854775808"], /number too large to fit in target type/],
      [["ready", "--limit", "-1"], /^error: invalid value '-1' for '--limit <LIMIT>'/],
      [
        ["add", "x", "--description", "-d"],
        /tip: to pass '-d' as the value, write '--description=-d'/,
      ],
      [["add", "x", "y"], /^error: unexpected argument 'y' found/],
      [["help", "nope"], /^error: unrecognized subcommand 'nope'/],
      [["dep"], /^Manage dependencies\n\nUsage: tg dep \[OPTIONS\] <COMMAND>/],
    ];
    for (const [args, stderr] of cases) {
      const out = await run(dir, args);
      assert.equal(out.code, 1, args.join(" "));
      assert.equal(out.stdout, "", args.join(" "));
      assert.match(out.stderr, stderr, args.join(" "));
      const j = await run(dir, ["--json", ...args]);
      assert.equal(j.code, 1);
      const obj = JSON.parse(j.stderr);
      assert.deepEqual(Object.keys(obj), ["error", "exit_code"], args.join(" "));
      assert.equal(obj.exit_code, 1);
      assert.match(obj.error, /; usage: tg .*; run 'tg.* --help' for details$/);
    }
    // No subcommand: the help text on stderr.
    const bare = await run(dir, []);
    assert.equal(bare.code, 1);
    assert.match(bare.stderr, /^Agent-native work tracker\n\nUsage: tg \[OPTIONS\] <COMMAND>\n/);
    // Help itself succeeds on stdout.
    for (const args of [["--help"], ["-h"], ["help"], ["help", "add"], ["add", "--help"]]) {
      const out = await run(dir, args);
      assert.equal(out.code, 0, args.join(" "));
      assert.equal(out.stderr, "");
      assert.match(out.stdout, /^.+\n\nUsage: tg /);
    }
    assert.match(
      await ok(dir, ["help", "dep", "add"]),
      /Usage: tg dep add \[OPTIONS\] <ID> <DEPENDS_ON>/,
    );
    assert.match(await ok(dir, ["--version"]), /^tg \d+\.\d+\.\d+\n$/);
  });
});

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

Deno.test("event author: TG_AUTHOR trimmed, else the repository's git user.email", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }, { id: "tg-bbbbb" }]);
    await ok(dir, ["do", "aaaaa"], { TG_AUTHOR: " \tbot one \n" });
    await ok(dir, ["do", "bbbbb"], { TG_AUTHOR: "   " });
    const events = await jsonl(`${dir}/.task-golem/events.jsonl`);
    assert.deepEqual(events.map((e) => e.author), ["bot one", "test@example.com"]);
    assert.deepEqual(Object.keys(events[0]!), [
      "v",
      "task_id",
      "ts",
      "author",
      "type",
      "text",
      "status",
    ]);
  });
});

Deno.test("--verbose changes nothing for commands other than list, ready and next", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }, { id: "tg-bbbbb" }]);
    for (const args of [["show", "aaaaa"], ["--json", "show", "aaaaa"]]) {
      const plain = await run(dir, args);
      const verbose = await run(dir, ["--verbose", ...args]);
      assert.deepEqual(verbose, plain, args.join(" "));
    }
    const out = await run(dir, ["--verbose", "do", "bbbbb"]);
    assert.equal(out.stderr, "");
    assert.equal(out.stdout, "Started: tg-bbbbb - TG-BBBBB [doing]\n");
  });
});
