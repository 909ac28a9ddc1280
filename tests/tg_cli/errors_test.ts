/**
 * Errors: every error class as one JSON object on stderr, exit codes 1 and
 * 2, and usage errors with what to do.
 */

import assert from "node:assert/strict";
import { HEADER, ok, run, snapshot, withRepo, writeStore } from "./_tg.ts";

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

Deno.test("TG_LOCK_TIMEOUT: the lock wait of every locked command; an invalid value is a user error", async () => {
  await withRepo(async (dir) => {
    await writeStore(dir, [{ id: "tg-aaaaa" }]);
    const before = await snapshot(dir);
    const invalid: [string, string][] = [
      ["5", "Invalid TG_LOCK_TIMEOUT '5': time unit needed, for example 5sec or 5ms"],
      [
        "1 parsec",
        `Invalid TG_LOCK_TIMEOUT '1 parsec': unknown time unit "parsec", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)`,
      ],
    ];
    for (const [value, message] of invalid) {
      const env = { TG_LOCK_TIMEOUT: value };
      // Every command that opens the store refuses it, read-only ones included.
      for (const args of [["do", "aaaaa"], ["list"]]) {
        const out = await run(dir, args, env);
        assert.deepEqual(out, { code: 1, stdout: "", stderr: `Error: ${message}\n` }, value);
        const j = await run(dir, ["--json", ...args], env);
        assert.equal(j.code, 1);
        assert.deepEqual(JSON.parse(j.stderr), { error: message, "exit_code": 1 });
      }
      // Commands that do not touch the store are unaffected.
      assert.match(await ok(dir, ["--version"], env), /^tg /);
      assert.match(await ok(dir, ["completions", "bash"], env), /_tg/);
    }
    assert.deepEqual(await snapshot(dir), before);
    // An empty value means the default.
    assert.equal(
      await ok(dir, ["do", "aaaaa"], { TG_LOCK_TIMEOUT: "" }),
      "Started: tg-aaaaa - TG-AAAAA [doing]\n",
    );
    // A valid one is the wait before `Lock timeout after …`, with the duration as given.
    using lock = await Deno.open(`${dir}/.task-golem/tasks.lock`, { read: true, write: true });
    await lock.lock(true);
    const waits: [string, string, number][] = [
      ["150ms", "150ms", 150],
      ["0.2s", "200ms", 200],
      ["0s", "0s", 0],
    ];
    for (const [value, shown, ms] of waits) {
      const t0 = performance.now();
      const out = await run(dir, ["todo", "aaaaa"], { TG_LOCK_TIMEOUT: value });
      const waited = performance.now() - t0;
      assert.equal(out.code, 2, value);
      assert.match(out.stderr, new RegExp(`^Error: Lock timeout after ${shown}\n`), value);
      assert.ok(waited >= ms - 5, `${value}: gave up after ${waited} ms`);
    }
  });
});
