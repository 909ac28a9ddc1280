/**
 * Malformed stores: every command that must read the broken file fails with
 * the spec's message and exit code, and no file is changed.
 */

import assert from "node:assert/strict";
import { type Output, tempRepo, tg } from "./_helpers.ts";

const HEADER = '{"schema_version":1}\n';

function line(id: string, extra: Record<string, unknown> = {}, status = "todo"): string {
  return JSON.stringify({
    id,
    title: `Item ${id}`,
    status,
    priority: 0,
    description: null,
    tags: [],
    dependencies: [],
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    blocked_reason: null,
    blocked_from_status: null,
    claimed_by: null,
    claimed_at: null,
    parent: null,
    ...extra,
  }) + "\n";
}

interface Case {
  name: string;
  tasks: string;
  archive?: string;
  /** Commands and what each must print on stderr (exact, or a RegExp) and exit with. */
  expect: [string[], number, string | RegExp][];
}

const CASES: Case[] = [
  {
    name: "bad JSON line in tasks.jsonl",
    tasks: HEADER + line("tg-aaaaa") + "{not json\n",
    expect: [
      [["list"], 2, /^Error: Storage corruption: Malformed item on line 3: .+\n/],
      [["add", "x"], 2, /^Error: Storage corruption: Malformed item on line 3: /],
      [["ready"], 2, /^Error: Storage corruption: Malformed item on line 3: /],
      [["do", "tg-aaaaa"], 2, /^Error: Storage corruption: Malformed item on line 3: /],
      [
        ["--json", "show", "tg-aaaaa"],
        2,
        /^\{"error":"Storage corruption: Malformed item on line 3: /,
      ],
    ],
  },
  {
    name: "wrong schema_version in tasks.jsonl",
    tasks: '{"schema_version":2}\n' + line("tg-aaaaa"),
    expect: [
      [["list"], 2, /^Error: Unsupported schema version 2 \(max supported: 1\)\n/],
      [["add", "x"], 2, /^Error: Unsupported schema version 2 \(max supported: 1\)\n/],
    ],
  },
  {
    name: "wrong schema_version in archive.jsonl fails only the commands that read it",
    tasks: HEADER + line("tg-aaaaa"),
    archive: '{"schema_version":0}\n',
    expect: [
      [["list"], 0, ""],
      [["ready"], 2, /^Error: Unsupported schema version 0 \(max supported: 1\)\n/],
      [["list", "--status", "done"], 2, /^Error: Unsupported schema version 0/],
      [["done", "tg-aaaaa"], 2, /^Error: Unsupported schema version 0/],
    ],
  },
  {
    name: "invalid status",
    tasks: HEADER + line("tg-aaaaa", {}, "Todo"),
    expect: [[
      ["list"],
      2,
      /^Error: Storage corruption: Malformed item on line 2: unknown variant `Todo`, expected one of `todo`, `doing`, `done`, `blocked`/,
    ]],
  },
  {
    name: "unknown key without x- prefix in tasks.jsonl",
    tasks: HEADER + line("tg-aaaaa", { foo: 1 }),
    expect: [[
      ["list"],
      2,
      "Error: Storage corruption: Invalid extensions on line 2: Extension key 'foo' must start with 'x-' prefix. Rename to 'x-foo' or remove it.\n" +
      "hint: the store file needs repair; fix or remove the line named above (see `git diff .task-golem/`)\n",
    ]],
  },
  {
    name: "duplicate known key",
    tasks: HEADER + line("tg-aaaaa").replace('"priority":0', '"priority":0,"priority":1'),
    expect: [[
      ["list"],
      2,
      /^Error: Storage corruption: Malformed item on line 2: duplicate field `priority`/,
    ]],
  },
  {
    name: "float priority",
    tasks: HEADER + line("tg-aaaaa").replace('"priority":0', '"priority":1.0'),
    expect: [[
      ["list"],
      2,
      /^Error: Storage corruption: Malformed item on line 2: invalid type: floating point `1.0`, expected i64/,
    ]],
  },
  {
    name: "invalid UTF-8 in tasks.jsonl",
    tasks: HEADER + line("tg-aaaaa").replace("Item", "It\udc00em"),
    expect: [[["list"], 2, /^Error: stream did not contain valid UTF-8\n/]],
  },
];

async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const e of Deno.readDir(`${dir}/.task-golem`)) {
    files.set(
      e.name,
      await Deno.readTextFile(`${dir}/.task-golem/${e.name}`).catch(() => "<binary>"),
    );
  }
  return files;
}

function check(out: Output, code: number, stderr: string | RegExp, what: string): void {
  assert.equal(out.code, code, `${what}: exit ${out.code}, stderr ${out.stderr}`);
  if (typeof stderr === "string") assert.equal(out.stderr, stderr, what);
  else assert.match(out.stderr, stderr, what);
}

for (const c of CASES) {
  Deno.test(`malformed store: ${c.name}`, async () => {
    const repo = await tempRepo(false);
    try {
      await Deno.mkdir(`${repo.dir}/.task-golem`);
      const enc = new TextEncoder();
      let tasks = enc.encode(c.tasks);
      if (c.name.includes("UTF-8")) {
        // Replace the lone surrogate's encoding with a raw invalid byte.
        const s = c.tasks.replace("\udc00", "\u0001");
        tasks = enc.encode(s);
        tasks[tasks.indexOf(1)] = 0xff;
      }
      await Deno.writeFile(`${repo.dir}/.task-golem/tasks.jsonl`, tasks);
      await Deno.writeTextFile(`${repo.dir}/.task-golem/archive.jsonl`, c.archive ?? HEADER);
      await Deno.writeTextFile(`${repo.dir}/.task-golem/tasks.lock`, "");
      const before = await snapshot(repo.dir);
      for (const [args, code, stderr] of c.expect) {
        check(await tg(args, { cwd: repo.dir }), code, stderr, args.join(" "));
        assert.deepEqual(await snapshot(repo.dir), before, `${args.join(" ")} changed files`);
      }
    } finally {
      await repo.cleanup();
    }
  });
}

Deno.test("malformed store: an empty tasks.jsonl is an empty store", async () => {
  const repo = await tempRepo(false);
  try {
    await Deno.mkdir(`${repo.dir}/.task-golem`);
    await Deno.writeTextFile(`${repo.dir}/.task-golem/tasks.jsonl`, "");
    await Deno.writeTextFile(`${repo.dir}/.task-golem/archive.jsonl`, "");
    check(await tg(["list"], { cwd: repo.dir }), 0, "", "list");
    const add = await tg(["add", "first"], { cwd: repo.dir });
    assert.equal(add.code, 0, add.stderr);
    const text = await Deno.readTextFile(`${repo.dir}/.task-golem/tasks.jsonl`);
    assert.ok(text.startsWith(HEADER));
    assert.equal(text.split("\n").length, 3);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("malformed store: a truncated archive tail is skipped with a warning and repaired by the next append", async () => {
  const repo = await tempRepo(false);
  try {
    const dir = `${repo.dir}/.task-golem`;
    await Deno.mkdir(dir);
    await Deno.writeTextFile(`${dir}/tasks.jsonl`, HEADER + line("tg-bbbbb"));
    const torn = line("tg-aaaaa", {}, "done").slice(0, 40);
    await Deno.writeTextFile(`${dir}/archive.jsonl`, HEADER + line("tg-zzzzz", {}, "done") + torn);
    await Deno.writeTextFile(`${dir}/tasks.lock`, "");
    const list = await tg(["list", "--status", "done"], { cwd: repo.dir });
    assert.equal(list.code, 0);
    assert.match(list.stderr, /^Warning: skipping malformed archive line 3: /);
    assert.match(list.stdout, /tg-zzzzz/);
    const done = await tg(["done", "tg-bbbbb"], { cwd: repo.dir });
    assert.equal(done.code, 0, done.stderr);
    const archive = await Deno.readTextFile(`${dir}/archive.jsonl`);
    const lines = archive.split("\n");
    assert.equal(lines[2], torn, "the torn fragment stays on its own line");
    assert.match(lines[3]!, /^\{"id":"tg-bbbbb",.*"status":"done"/);
    assert.equal(lines[4], "");
    const after = await tg(["--json", "list", "--status", "done"], { cwd: repo.dir });
    assert.deepEqual(JSON.parse(after.stdout).map((i: { id: string }) => i.id).sort(), [
      "tg-bbbbb",
      "tg-zzzzz",
    ]);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("malformed store: duplicate IDs are kept, listed, and survive a rewrite", async () => {
  const repo = await tempRepo(false);
  try {
    const dir = `${repo.dir}/.task-golem`;
    await Deno.mkdir(dir);
    const a1 = line("tg-aaaaa");
    const a2 = line("tg-aaaaa").replace("Item tg-aaaaa", "Second copy");
    await Deno.writeTextFile(`${dir}/tasks.jsonl`, HEADER + a1 + a2);
    await Deno.writeTextFile(`${dir}/archive.jsonl`, HEADER);
    await Deno.writeTextFile(`${dir}/tasks.lock`, "");
    const list = await tg(["--json", "list"], { cwd: repo.dir });
    assert.equal(JSON.parse(list.stdout).length, 2);
    const show = await tg(["--json", "show", "tg-aaaaa"], { cwd: repo.dir });
    assert.equal(JSON.parse(show.stdout).title, "Item tg-aaaaa", "first wins");
    const amb = await tg(["show", "aaa"], { cwd: repo.dir });
    assert.equal(amb.code, 1);
    assert.match(
      amb.stderr,
      /^Error: Ambiguous ID prefix 'aaa': matches \["tg-aaaaa", "tg-aaaaa"\]\n/,
    );
    assert.equal((await tg(["add", "other"], { cwd: repo.dir })).code, 0);
    const text = await Deno.readTextFile(`${dir}/tasks.jsonl`);
    assert.ok(text.includes(a1) && text.includes(a2), "both copies rewritten byte-identically");
  } finally {
    await repo.cleanup();
  }
});
