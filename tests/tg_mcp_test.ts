/**
 * `tg mcp` end to end: the SDK's client spawns `tg mcp` as a subprocess and
 * talks to it over stdio. Each tool's structured content is compared with
 * what `tg <command> --json` prints on a twin of the same store, its text
 * with what `tg <command>` prints; bad input gives an error result (with
 * the CLI's message and hint) and the server goes on serving; concurrent
 * CLI writers lose nothing; `root` finds stores from anywhere; stdout
 * carries only protocol; and no other command loads the SDK.
 */

import assert from "node:assert/strict";
import { parseActiveFile } from "../lib/store/jsonl.ts";
import { REPO_ROOT, tempRepo, tgInProcess } from "./_helpers.ts";
import {
  callTool,
  connectTgMcp,
  type McpSession,
  tgMcpCommand,
  type ToolCall,
  WIRE_OPENING,
  wireExchange,
} from "./_mcp.ts";

const TOOLS = [
  "list",
  "ready",
  "next",
  "show",
  "add",
  "edit",
  "do",
  "done",
  "todo",
  "block",
  "unblock",
  "note",
  "dep_add",
  "dep_rm",
  "query",
];

const TS =
  /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})? UTC/g;

/** Runs our `tg` in-process in `dir` and asserts success; returns stdout. */
async function cli(dir: string, args: string[]): Promise<string> {
  const out = await tgInProcess(args, { cwd: dir });
  assert.equal(out.code, 0, `tg ${args.join(" ")}: ${out.stderr}`);
  return out.stdout;
}

/** `tg --json <args>` in `dir`, parsed. */
async function cliJson(dir: string, args: string[]): Promise<unknown> {
  return JSON.parse(await cli(dir, ["--json", ...args]));
}

/** A new item's ID (`tg --json add`). */
async function addItem(dir: string, ...args: string[]): Promise<string> {
  return ((await cliJson(dir, ["add", ...args])) as { id: string }).id;
}

/** A temp git repository with `tg init` done, removed afterwards. */
async function withProject(fn: (dir: string) => Promise<void>): Promise<void> {
  const repo = await tempRepo();
  try {
    await cli(repo.dir, ["init"]);
    await fn(repo.dir);
  } finally {
    await repo.cleanup();
  }
}

/** A `tg mcp` session in `cwd`, closed afterwards. */
async function withServer(cwd: string, fn: (s: McpSession) => Promise<void>): Promise<void> {
  const session = await connectTgMcp(cwd);
  try {
    await fn(session);
  } finally {
    await session.close();
  }
}

/** A successful call. */
async function ok(s: McpSession, tool: string, args: Record<string, unknown> = {}) {
  const r = await callTool(s, tool, args);
  assert.equal(r.isError, false, `${tool} ${JSON.stringify(args)}: ${r.text}`);
  return r;
}

Deno.test("tg mcp: tools/list has the 15 tools, each described, every parameter described, root on each, under 24 KB", async () => {
  await withProject(async (dir) => {
    await withServer(dir, async (s) => {
      const { tools } = await s.client.listTools();
      assert.deepEqual(tools.map((t) => t.name), TOOLS);
      const size = new TextEncoder().encode(JSON.stringify({ tools })).length;
      assert.ok(size < 24 * 1024, `tools/list is ${size} bytes`);
      for (const t of tools) {
        assert.ok(
          t.description && !t.description.includes("\n"),
          `${t.name}: one-line description`,
        );
        const props = t.inputSchema.properties as Record<string, { description?: string }>;
        assert.ok("root" in props, `${t.name} takes root`);
        assert.equal(t.inputSchema.additionalProperties, false, `${t.name} refuses unknown names`);
        for (const [name, p] of Object.entries(props)) {
          assert.ok(p.description && !p.description.includes("\n"), `${t.name}.${name} described`);
        }
        const readOnly = ["list", "ready", "next", "show", "query"].includes(t.name);
        assert.equal(t.annotations?.readOnlyHint ?? false, readOnly, `${t.name} readOnlyHint`);
      }
      const instructions = s.client.getInstructions() ?? "";
      for (const tool of ["next", "ready", "do", "note", "done", "add"]) {
        assert.ok(instructions.includes(`\`${tool}\``), `instructions name ${tool}`);
      }
      const version = (await cli(dir, ["--version"])).trim().replace(/^tg /, "");
      assert.deepEqual(s.client.getServerVersion(), { name: "tg", version });
    });
  });
});

Deno.test("tg mcp: every tool gives the data of `tg <command> --json` and the text of `tg <command>` on a twin store", async () => {
  await withProject(async (dir) => {
    const a = await addItem(dir, "Write the parser", "--priority", "2", "--tag", "core");
    const b = await addItem(dir, "Document the parser", "--dep", a, "--tag", "docs");
    const c = await addItem(dir, "Parser tests", "--parent", a);
    const d = await addItem(dir, "Release notes", "--priority=-1");
    const twin = `${dir}/twin`;
    await Deno.mkdir(twin);
    for await (const e of Deno.readDir(`${dir}/.task-golem`)) {
      await Deno.mkdir(`${twin}/.task-golem`, { recursive: true });
      await Deno.copyFile(`${dir}/.task-golem/${e.name}`, `${twin}/.task-golem/${e.name}`);
    }
    // IDs that `add` gave in the twin, mapped to the ones it gave through the server.
    const ids = new Map<string, string>();
    const same = (data: unknown) => {
      let text = JSON.stringify(data);
      for (const [t, m] of ids) text = text.replaceAll(t, m);
      return JSON.parse(text.replace(TS, "<ts>"));
    };
    const sameText = (text: string) => {
      for (const [t, m] of ids) text = text.replaceAll(t, m);
      return text.replace(TS, "<ts>");
    };
    await withServer(dir, async (s) => {
      /** One call through the server and the same command on the twin. */
      const check = async (
        tool: string,
        args: Record<string, unknown>,
        command: string[],
        shape: (json: unknown) => unknown = (json) => json,
        text: "compare" | RegExp = "compare",
      ): Promise<ToolCall> => {
        const r = await ok(s, tool, args);
        const expected = shape(await cliJson(twin, command));
        assert.deepEqual(same(r.structured), same(expected), `${tool} ${JSON.stringify(args)}`);
        if (text === "compare") {
          assert.equal(sameText(r.text), sameText(await cli(twin, command)), `${tool} text`);
        } else {
          assert.match(r.text, text, `${tool} text`);
        }
        return r;
      };
      const items = (json: unknown) => ({ items: json });
      await check("list", {}, ["list"], items);
      await check("list", { status: "todo", tag: "core" }, [
        "list",
        "--status",
        "todo",
        "--tag",
        "core",
      ], items);
      await check("list", { parent: a }, ["list", "--parent", a], items);
      await check("ready", { limit: 2 }, ["ready", "--limit", "2"], items);
      await check("next", {}, ["next"], (item) => ({ item }));
      await check("show", { id: a.slice(3) }, ["show", a.slice(3)]);

      // add: the new items differ in their IDs only; the twin's maps to the server's.
      const addArgs = {
        title: "Benchmark the parser",
        description: "10k lines",
        priority: 1,
        deps: [a],
        tags: ["perf"],
        parent: a,
        sets: ["x-size=3", 'x-meta.owner="ann"'],
      };
      const added = await ok(s, "add", addArgs);
      const x = (added.structured as { id: string }).id;
      assert.equal(added.text, `Created item: ${x} - Benchmark the parser\n`);
      const twinAdded = await cliJson(twin, [
        "add",
        "Benchmark the parser",
        "--description",
        "10k lines",
        "--priority",
        "1",
        "--dep",
        a,
        "--tag",
        "perf",
        "--parent",
        a,
        "--set",
        "x-size=3",
        "--set",
        'x-meta.owner="ann"',
      ]) as { id: string };
      ids.set(twinAdded.id, x);
      assert.deepEqual(same(added.structured), same(twinAdded));
      assert.deepEqual((added.structured as Record<string, unknown>)["x-meta"], { owner: "ann" });

      const updated = /^Updated item: /;
      await check(
        "edit",
        {
          id: b,
          title: "Document the parser API",
          priority: 3,
          description: "For library users",
          "add_deps": [d],
          "rm_deps": [a],
          "add_tags": ["api"],
          "rm_tags": ["docs"],
          sets: ["x-size=1"],
          parent: d,
        },
        [
          "edit",
          b,
          "--title",
          "Document the parser API",
          "--priority",
          "3",
          "--description",
          "For library users",
          "--add-dep",
          d,
          "--rm-dep",
          a,
          "--add-tag",
          "api",
          "--rm-tag",
          "docs",
          "--set",
          "x-size=1",
          "--parent",
          d,
        ],
        undefined,
        updated,
      );
      await check(
        "edit",
        { id: b, "parent_clear": true },
        ["edit", b, "--parent-clear"],
        undefined,
        updated,
      );
      await check(
        "do",
        { id: a, claim: "agent-1", ttl: "1h" },
        ["do", a, "--claim", "agent-1", "--ttl", "1h"],
        undefined,
        /^Started: /,
      );
      await check(
        "note",
        { id: a, text: "Parser skeleton in place" },
        ["note", a, "Parser skeleton in place"],
        undefined,
        /^Noted: /,
      );
      const withEvents = await ok(s, "show", { id: a, events: true });
      const events = (await cli(twin, ["--json", "events", a])).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      assert.deepEqual(
        same(withEvents.structured),
        same({ ...(await cliJson(twin, ["show", a])) as object, events }),
      );
      assert.equal(sameText(withEvents.text), sameText(await cli(twin, ["show", a, "--events"])));
      assert.equal(events.length, 2);
      await check("todo", { id: a }, ["todo", a], undefined, /^Returned to todo: /);
      await check("todo", { id: a }, ["todo", a]); // the no-op
      await check(
        "block",
        { id: c, reason: "Needs the grammar" },
        ["block", c, "--reason", "Needs the grammar"],
        undefined,
        /^Blocked: /,
      );
      await check("unblock", { id: c }, ["unblock", c], undefined, /^Unblocked: /);
      await check("dep_add", { id: c, "depends_on": d }, ["dep", "add", c, d], undefined, updated);
      await check("dep_rm", { id: c, "dep_id": d }, ["dep", "rm", c, d], undefined, updated);
      await check(
        "done",
        { id: x },
        ["done", twinAdded.id],
        undefined,
        /^Done: .* \[archived\]\n$/,
      );
      await check("list", { status: "done" }, ["list", "--status", "done"], items);
      await check("ready", { "include_expired": true, "include_stale": "1s" }, [
        "ready",
        "--include-expired",
        "--include-stale",
        "1s",
      ], items);
      const sql =
        "SELECT id, title, priority, is_ready FROM task_view ORDER BY priority DESC, title";
      await check("query", { sql, timeout: 10 }, ["query", sql, "--timeout", "10"]);
      const schema = await ok(s, "query", { schema: true });
      assert.equal(schema.text, await cli(twin, ["query", "--schema"]));
      assert.deepEqual(schema.structured, { schema: schema.text });
      await check("next", {}, ["next"], (item) => ({ item }));
    });
    // The server changed its store as the CLI changed the twin.
    assert.deepEqual(same(await cliJson(dir, ["dump"])), same(await cliJson(twin, ["dump"])));
  });
});

Deno.test("tg mcp: bad input to every tool gives an error result (store errors with the CLI's message and hint) and the server goes on", async () => {
  await withProject(async (dir) => {
    const a = await addItem(dir, "Parser");
    const b = await addItem(dir, "Docs", "--dep", a);
    const blocked = await addItem(dir, "Blocked one");
    await cli(dir, ["block", blocked, "--reason", "later"]);
    await withServer(dir, async (s) => {
      /** The server still answers. */
      const alive = async () => assert.equal((await ok(s, "next")).isError, false);
      /** Arguments the schema refuses: an error result (or a protocol error). */
      const refused = async (tool: string, args: Record<string, unknown>) => {
        let r: ToolCall | undefined;
        try {
          r = await callTool(s, tool, args);
        } catch (e) {
          assert.match(String(e), /Invalid|invalid|validation/, `${tool} ${JSON.stringify(args)}`);
        }
        if (r !== undefined) {
          assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}: ${r.text}`);
          assert.match(r.text, /Input validation error/, `${tool} ${JSON.stringify(args)}`);
        }
        await alive();
      };
      /** What the store refuses: the CLI's error (`--json`), as text and structured content. */
      const likeCli = async (tool: string, args: Record<string, unknown>, command: string[]) => {
        const r = await callTool(s, tool, args);
        const out = await tgInProcess(["--json", ...command], { cwd: dir });
        assert.notEqual(out.code, 0, `tg ${command.join(" ")} should fail`);
        const expected = JSON.parse(out.stderr) as { error: string; hint?: string };
        assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}: ${r.text}`);
        assert.deepEqual(r.structured, expected, `${tool} ${JSON.stringify(args)}`);
        assert.equal(
          r.text,
          `Error: ${expected.error}` + (expected.hint ? `\nhint: ${expected.hint}` : ""),
        );
        await alive();
        return expected;
      };
      /** An error of the server's own (no CLI equivalent). */
      const fails = async (tool: string, args: Record<string, unknown>, message: RegExp) => {
        const r = await callTool(s, tool, args);
        assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}: ${r.text}`);
        assert.match(r.text, message);
        await alive();
      };

      await refused("list", { status: "nope" });
      await refused("list", { tag: 3 });
      await refused("list", { bogus: 1 });
      await likeCli("list", { parent: "zzzzz" }, ["list", "--parent", "zzzzz"]);
      await refused("ready", { limit: -1 });
      await refused("ready", { limit: "2" });
      await likeCli("ready", { "include_stale": "soon" }, ["ready", "--include-stale", "soon"]);
      await refused("next", { extra: true });
      await refused("show", {});
      await refused("show", { id: 5 });
      const notFound = await likeCli("show", { id: "zzzzz" }, ["show", "zzzzz"]);
      assert.match(notFound.hint ?? "", /tg list/);
      await likeCli("show", { id: "tg-" }, ["show", "tg-"]);
      await refused("add", {});
      await refused("add", { title: "x", priority: 1.5 });
      await refused("add", { title: "x", dependencies: [a] });
      await likeCli("add", { title: "" }, ["add", ""]);
      await likeCli("add", { title: "x", deps: ["zzzzz"] }, ["add", "x", "--dep", "zzzzz"]);
      await likeCli("add", { title: "x", sets: ["nokey"] }, ["add", "x", "--set", "nokey"]);
      await refused("edit", { title: "x" });
      await fails("edit", { id: a, parent: b, "parent_clear": true }, /cannot be used together/);
      const cycle = await likeCli("edit", { id: a, "add_deps": [b] }, ["edit", a, "--add-dep", b]);
      assert.match(cycle.error, /^Dependency cycle detected/);
      await refused("do", { id: 7 });
      await likeCli("do", { id: "zzzzz" }, ["do", "zzzzz"]);
      await likeCli("do", { id: a, ttl: "soon", claim: "me" }, [
        "do",
        a,
        "--claim",
        "me",
        "--ttl",
        "soon",
      ]);
      await ok(s, "do", { id: a, claim: "agent-1" });
      const claimed = await likeCli("do", { id: a, claim: "agent-2" }, [
        "do",
        a,
        "--claim",
        "agent-2",
      ]);
      assert.match(claimed.error, /agent-1/);
      await refused("done", { id: [a] });
      const transition = await likeCli("done", { id: blocked }, ["done", blocked]);
      assert.match(transition.hint ?? "", /tg unblock/);
      await refused("todo", {});
      await likeCli("todo", { id: "zzzzz" }, ["todo", "zzzzz"]);
      await refused("block", { id: a, reason: 5 });
      await likeCli("block", { id: "zzzzz" }, ["block", "zzzzz"]);
      await refused("unblock", { id: null });
      await likeCli("unblock", { id: "zzzzz" }, ["unblock", "zzzzz"]);
      await refused("note", { id: a });
      await likeCli("note", { id: a, text: "" }, ["note", a, ""]);
      await refused("dep_add", { id: a });
      await likeCli("dep_add", { id: a, "depends_on": a }, ["dep", "add", a, a]);
      await likeCli("dep_add", { id: a, "depends_on": b }, ["dep", "add", a, b]);
      await refused("dep_rm", { id: a });
      await likeCli("dep_rm", { id: b, "dep_id": "zzzzz" }, ["dep", "rm", b, "zzzzz"]);
      await fails("query", {}, /^Error: query requires sql \(or schema: true\)$/);
      await refused("query", { sql: "SELECT 1", timeout: -1 });
      const denied = await likeCli("query", { sql: "DELETE FROM tasks" }, [
        "query",
        "DELETE FROM tasks",
      ]);
      assert.match(denied.error, /^Query denied by sandbox/);
      await likeCli("query", { sql: "SELEC 1" }, ["query", "SELEC 1"]);
      await likeCli("query", { sql: "SELECT 1; SELECT 2" }, ["query", "SELECT 1; SELECT 2"]);
      // A statement past its timeout: its worker is stopped and the server goes on (as tg query).
      const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) " +
        "SELECT count(*) FROM c";
      await fails("query", { sql: endless, timeout: 1 }, /^Error: Query exceeded timeout of 1s\./);
      await assert.rejects(callTool(s, "rm", { id: a }), /rm/);
      await alive();
      assert.equal(s.stderr(), "", "nothing logged for user errors");
    });
    // Nothing that failed changed the store.
    const items = await cliJson(dir, ["list"]) as { id: string; status: string }[];
    assert.deepEqual(items.map((i) => i.id).sort(), [a, b, blocked].sort());
  });
});

/** Adds through the server, retrying a lock timeout as an agent would; returns the new ID. */
async function mcpAdd(s: McpSession, title: string): Promise<string> {
  for (let attempt = 0;; attempt++) {
    const r = await callTool(s, "add", { title });
    if (r.isError && r.text.includes("Lock timeout") && attempt < 5) continue;
    assert.equal(r.isError, false, `add ${title}: ${r.text}`);
    return (r.structured as { id: string }).id;
  }
}

/** Runs `tests/_tg_worker.ts <dir> add <prefix> <count>` (our CLI's code) and returns the IDs. */
async function cliWorker(dir: string, prefix: string, count: number): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "-A",
      `${REPO_ROOT}/tests/_tg_worker.ts`,
      dir,
      "add",
      prefix,
      String(count),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const reports = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(reports.every((r) => r.ok), JSON.stringify(reports.find((r) => !r.ok)));
  return reports.map((r) => r.id as string);
}

Deno.test("tg mcp: adds through the server and two CLI writers at once keep all 80 items", async () => {
  await withProject(async (dir) => {
    await withServer(dir, async (s) => {
      const viaMcp = async () => {
        const ids: string[] = [];
        // Four calls in flight at a time, as agents with parallel tool calls make them.
        for (let i = 0; i < 40; i += 4) {
          ids.push(
            ...await Promise.all([0, 1, 2, 3].map((k) => mcpAdd(s, `m-${i + k}`))),
          );
        }
        return ids;
      };
      const reported = (await Promise.all([
        viaMcp(),
        cliWorker(dir, "c0", 20),
        cliWorker(dir, "c1", 20),
      ])).flat();
      assert.equal(new Set(reported).size, 80);
      const active = parseActiveFile(await Deno.readFile(`${dir}/.task-golem/tasks.jsonl`));
      assert.deepEqual(new Set(active.map((it) => it.id)), new Set(reported));
      const titles = new Set(active.map((it) => it.title));
      for (let i = 0; i < 40; i++) assert.ok(titles.has(`m-${i}`), `m-${i}`);
      for (let i = 0; i < 20; i++) assert.ok(titles.has(`c0-${i}`) && titles.has(`c1-${i}`));
      const listed = await ok(s, "list");
      assert.equal((listed.structured as { items: unknown[] }).items.length, 80);
    });
  });
});

Deno.test("tg mcp: a server started outside any project serves calls with root; a root without a store gives the CLI's error", async () => {
  const outside = await tempRepo(false);
  try {
    await withProject(async (dir) => {
      await Deno.mkdir(`${dir}/src/deep`, { recursive: true });
      const a = await addItem(dir, "Found from below");
      await withServer(outside.dir, async (s) => {
        // No root: the server's directory, which has no store.
        const none = await callTool(s, "list");
        const cliNone = await tgInProcess(["--json", "list"], { cwd: outside.dir });
        assert.equal(none.isError, true);
        assert.deepEqual(none.structured, JSON.parse(cliNone.stderr));
        assert.match(
          none.text,
          /^Error: No task-golem project found \(searched from .*\)\. Run `tg init`/,
        );
        // A root inside the project: the store is found upwards, as the CLI finds it.
        const expected = { items: await cliJson(dir, ["list"]) };
        for (const root of [dir, `${dir}/src/deep`, `file://${dir}/src`]) {
          assert.deepEqual((await ok(s, "list", { root })).structured, expected, root);
        }
        const relative = `../${dir.split("/").at(-1)}/src`;
        assert.deepEqual((await ok(s, "list", { root: relative })).structured, expected);
        const b = (await ok(s, "add", { title: "Added from afar", deps: [a], root: dir }))
          .structured as { id: string; dependencies: string[] };
        assert.deepEqual(b.dependencies, [a]);
        await ok(s, "do", { id: a, claim: "agent", root: `${dir}/src` });
        assert.equal(
          ((await ok(s, "next", { root: dir })).structured as { item: unknown }).item,
          null,
        );
        // A root that has no store: the CLI's error, as `tg` run there gives it.
        const empty = `${outside.dir}/empty`;
        await Deno.mkdir(empty);
        const r = await callTool(s, "show", { id: a, root: empty });
        const cliEmpty = await tgInProcess(["--json", "show", a], { cwd: empty });
        assert.equal(cliEmpty.code, 1);
        assert.equal(r.isError, true);
        assert.deepEqual(r.structured, JSON.parse(cliEmpty.stderr));
        // A root that does not exist, or is a file.
        const missing = await callTool(s, "list", { root: `${outside.dir}/nope` });
        assert.equal(missing.isError, true);
        assert.equal(
          missing.text,
          `Error: Cannot use root "${outside.dir}/nope": no such directory`,
        );
        const file = await callTool(s, "list", { root: `${dir}/.task-golem/tasks.jsonl` });
        assert.match(file.text, /^Error: Cannot use root ".*": not a directory$/);
        await ok(s, "list", { root: dir });
      });
    });
  } finally {
    await outside.cleanup();
  }
});

Deno.test("tg mcp: a 2025 client's exchange on the wire: only JSON-RPC on stdout, tools/list under 24 KB, closing stdin ends the server", async () => {
  await withProject(async (dir) => {
    const a = await addItem(dir, "On the wire");
    const { command, args } = tgMcpCommand();
    const call = (id: number, name: string, args: Record<string, unknown>) => ({
      id,
      method: "tools/call",
      params: { name, arguments: args },
    });
    const wire = await wireExchange(command, [...args, "--verbose"], dir, [
      ...WIRE_OPENING,
      { id: 2, method: "tools/list" },
      call(3, "show", { id: a }),
      call(4, "show", { id: "zzzzz" }),
      call(5, "note", { id: a, text: "hi" }),
    ]);
    assert.equal(wire.code, 0, "ends by itself when stdin closes");
    assert.deepEqual([...wire.answers.keys()].sort(), [1, 2, 3, 4, 5]);
    assert.equal(wire.stdout.length, 5, "nothing but the five answers on stdout");
    const result = (id: number) => {
      const msg = JSON.parse(wire.answers.get(id)!);
      assert.equal(msg.jsonrpc, "2.0");
      return msg.result;
    };
    assert.equal(result(1).protocolVersion, "2025-06-18");
    const listBytes = new TextEncoder().encode(JSON.stringify(result(2))).length;
    assert.ok(listBytes < 24 * 1024, `tools/list: ${listBytes} bytes`);
    assert.equal(result(3).structuredContent.id, a);
    assert.equal(result(4).isError, true);
    assert.equal(result(5).structuredContent.text, "hi");
    assert.match(wire.stderr, /\[verbose\] show: ok \(\d+ ms\)\n/);
    assert.match(wire.stderr, /\[verbose\] show: error: Item not found: zzzzz/);
  });
});

/**
 * The modules of `entry`'s graph reached through code imports: static ones
 * (what a `deno run` of it loads before any dynamic import), or with
 * `dynamic` also every literal `import()` (what Deno builds a graph of when
 * the program starts).
 */
async function codeModules(
  entry: string,
  dynamic: boolean,
  also: string[] = [],
): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
    }[];
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [...info.roots, ...also.map((p) => new URL(p, `file://${REPO_ROOT}/`).href)];
  while (stack.length > 0) {
    const s = info.redirects[stack.at(-1)!] ?? stack.at(-1)!;
    stack.pop();
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of bySpecifier.get(s)?.dependencies ?? []) {
      if (d.code && (dynamic || !d.isDynamic)) stack.push(d.code.specifier);
    }
  }
  return [...seen];
}

Deno.test("tg's other commands load no MCP SDK and no zod, and Deno's start-up graph of tg has neither", async () => {
  const version = await codeModules("cli/tg.ts", false);
  const list = await codeModules("cli/tg.ts", false, ["cli/tg/_context.ts", "cli/tg/list.ts"]);
  for (const modules of [version, list]) {
    assert.deepEqual(modules.filter((m) => !m.startsWith("file:")), []);
  }
  // Every literal import() is in the graph Deno builds when tg starts: tg mcp's is not literal.
  const graph = await codeModules("cli/tg.ts", true);
  assert.deepEqual(graph.filter((m) => /modelcontextprotocol|zod|_mcp|\/mcp\.ts/.test(m)), []);
  const server = await codeModules("cli/tg/mcp.ts", false);
  assert.ok(
    server.some((m) => m.includes("@modelcontextprotocol/server")),
    "the test sees npm imports",
  );
  assert.ok(server.some((m) => m.includes("zod")));
});
