// deno-lint-ignore-file no-console
/**
 * Claims that expire (`tg do --claim A --ttl D`, `claim_ttl` in
 * `config.yaml`): the lease field, take-over of an expired claim with a note
 * event, `ready --include-expired`, the marks in `list`/`show`, and stores
 * without leases behaving exactly like the Rust peer.
 */

import assert from "node:assert/strict";
import { FixedClock } from "../lib/io/clock.ts";
import { rustUnavailable, tg, tgInProcess } from "./_helpers.ts";
import { HEADER, itemLine, storeFile, storeRepo, twin } from "./_stores.ts";

const RUST_SKIP = await rustUnavailable();
if (RUST_SKIP) console.log(`skipping Rust comparisons: ${RUST_SKIP}`);

interface Lease {
  agent: string;
  "claimed_at": string;
  "expires_at": string;
}

async function item(dir: string, id: string): Promise<Record<string, unknown>> {
  const r = await tg(["--json", "show", id], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function secondsBetween(a: string, b: string): number {
  return (Date.parse(b) - Date.parse(a)) / 1000;
}

/** A doing item claimed by `bot-a` whose lease expired a minute after 2026-01-01. */
const EXPIRED = itemLine("tg-exp", {
  status: "doing",
  priority: 5,
  "claimed_by": "bot-a",
  "claimed_at": "2026-01-01T00:00:00Z",
  "x-tg-claim-lease": {
    agent: "bot-a",
    "claimed_at": "2026-01-01T00:00:00Z",
    "expires_at": "2026-01-01T00:01:00Z",
  },
});

Deno.test("tg do --claim --ttl stores a lease bound to the claim; a live claim still blocks other agents", async () => {
  const repo = await storeRepo({
    "tasks.jsonl": HEADER + itemLine("tg-a"),
    "archive.jsonl": HEADER,
  });
  try {
    const r = await tg(["do", "tg-a", "--claim", "bot-a", "--ttl", "1h 30m"], { cwd: repo.dir });
    assert.deepEqual([r.code, r.stdout], [0, "Started: tg-a - Item tg-a [doing]\n"]);
    const it = await item(repo.dir, "tg-a");
    const lease = it["x-tg-claim-lease"] as Lease;
    assert.deepEqual(Object.keys(lease), ["agent", "claimed_at", "expires_at"]);
    assert.equal(lease.agent, "bot-a");
    assert.equal(lease.claimed_at, it.claimed_at);
    assert.equal(secondsBetween(lease.claimed_at, lease.expires_at), 5400);
    const other = await tg(["do", "tg-a", "--claim", "bot-b"], { cwd: repo.dir });
    assert.equal(other.code, 1);
    assert.match(other.stderr, /^Error: Already claimed by bot-a\n/);
    const show = await tg(["show", "tg-a"], { cwd: repo.dir });
    assert.match(
      show.stdout,
      /^Claimed by: {2}bot-a \(expires \d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]* UTC\)$/m,
    );
    // the same agent refreshes its claim and lease without an event
    const events = await storeFile(repo, "events.jsonl");
    const again = await tg(["do", "tg-a", "--claim", "bot-a", "--ttl", "2m"], { cwd: repo.dir });
    assert.equal(again.code, 0);
    const lease2 = (await item(repo.dir, "tg-a"))["x-tg-claim-lease"] as Lease;
    assert.equal(secondsBetween(lease2.claimed_at, lease2.expires_at), 120);
    assert.equal(await storeFile(repo, "events.jsonl"), events);
    // leaving doing clears claim and lease
    assert.equal((await tg(["todo", "tg-a"], { cwd: repo.dir })).code, 0);
    const cleared = await item(repo.dir, "tg-a");
    assert.equal(cleared.claimed_by, null);
    assert.ok(!("x-tg-claim-lease" in cleared));
  } finally {
    await repo.cleanup();
  }
});

Deno.test("an expired claim (1s TTL) no longer blocks: another agent takes it over with a note event", async () => {
  const repo = await storeRepo({
    "tasks.jsonl": HEADER + itemLine("tg-a"),
    "archive.jsonl": HEADER,
  });
  // In-process, so the clock can be moved instead of waiting for the lease to run out.
  const at = (millis: number) => ({
    cwd: repo.dir,
    clock: new FixedClock({
      secs: 1772323200 + Math.floor(millis / 1000),
      nanos: (millis % 1000) * 1e6,
    }),
  });
  try {
    assert.equal(
      (await tgInProcess(["do", "tg-a", "--claim", "bot-a", "--ttl", "1s"], at(0))).code,
      0,
    );
    // Still live just before the lease ends.
    const early = await tgInProcess(["do", "tg-a", "--claim", "bot-b", "--ttl", "10m"], at(900));
    assert.equal(early.code, 1);
    assert.match(early.stderr, /^Error: Already claimed by bot-a\n/);
    const take = await tgInProcess(["do", "tg-a", "--claim", "bot-b", "--ttl", "10m"], at(1100));
    assert.equal(take.code, 0, take.stderr);
    assert.equal(take.stdout, "Started: tg-a - Item tg-a [doing]\n");
    assert.equal(
      take.stderr,
      "Note: the claim of bot-a expired at 2026-03-01 00:00:01 UTC; bot-b took it over\n",
    );
    const it = await item(repo.dir, "tg-a");
    assert.equal(it.claimed_by, "bot-b");
    assert.equal((it["x-tg-claim-lease"] as Lease).agent, "bot-b");
    const ev = await tg(["events", "tg-a", "--json"], { cwd: repo.dir });
    const notes = ev.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)).filter((e) =>
      e.type === "note"
    );
    assert.equal(notes.length, 1);
    assert.match(
      notes[0].text,
      /^Claim taken over by bot-b: the claim of bot-a expired at \d{4}-.+Z$/,
    );
    assert.equal(notes[0].ts, "2026-03-01T00:00:01.100000Z");
  } finally {
    await repo.cleanup();
  }
});

Deno.test("ready --include-expired lists doing items with expired claims after the ready ones; list and show mark them", async () => {
  const repo = await storeRepo({
    "tasks.jsonl": HEADER + itemLine("tg-a", { priority: 1 }) + EXPIRED +
      itemLine("tg-live", {
        status: "doing",
        "claimed_by": "bot-c",
        "claimed_at": "2026-01-01T00:00:00Z",
        "x-tg-claim-lease": {
          agent: "bot-c",
          "claimed_at": "2026-01-01T00:00:00Z",
          "expires_at": "9999-01-01T00:00:00Z",
        },
      }) +
      itemLine("tg-stale-lease", {
        status: "doing",
        "claimed_by": "bot-d",
        "claimed_at": "2026-02-01T00:00:00Z",
        // a lease of an earlier claim (e.g. the claim was renewed by a tool that ignores leases)
        "x-tg-claim-lease": {
          agent: "bot-d",
          "claimed_at": "2026-01-01T00:00:00Z",
          "expires_at": "2026-01-01T00:01:00Z",
        },
      }),
    "archive.jsonl": HEADER,
  });
  try {
    const plain = await tg(["ready"], { cwd: repo.dir });
    assert.equal(
      plain.stdout,
      "ID          STATUS    PRI  TITLE\ntg-a        todo        1  Item tg-a\n",
    );
    const r = await tg(["--verbose", "ready", "--include-expired"], { cwd: repo.dir });
    assert.equal(
      r.stdout,
      "ID          STATUS    PRI  TITLE\ntg-a        todo        1  Item tg-a\n" +
        "tg-exp      doing       5  Item tg-exp  [claim of bot-a expired]\n",
    );
    assert.match(r.stderr, /^\[verbose\] Including 1 expired-claim doing items$/m);
    const limited = await tg([
      "--json",
      "ready",
      "--include-expired",
      "--include-stale",
      "0s",
      "--limit",
      "2",
    ], {
      cwd: repo.dir,
    });
    assert.deepEqual(JSON.parse(limited.stdout).map((i: { id: string }) => i.id), [
      "tg-a",
      "tg-exp",
    ]);
    const list = await tg(["list"], { cwd: repo.dir });
    assert.match(
      list.stdout,
      /^tg-exp {6}doing {7}5 {2}Item tg-exp {2}\[claim of bot-a expired\]$/m,
    );
    assert.match(list.stdout, /^tg-live {5}doing {7}0 {2}Item tg-live$/m);
    assert.match(list.stdout, /^tg-stale-lease {2}doing {7}0 {2}Item tg-stale-lease$/m);
    const show = await tg(["show", "tg-exp"], { cwd: repo.dir });
    assert.match(show.stdout, /^Claimed by: {2}bot-a \(expired 2026-01-01 00:01:00 UTC\)$/m);
    const stale = await tg(["show", "tg-stale-lease"], { cwd: repo.dir });
    assert.match(stale.stdout, /^Claimed by: {2}bot-d$/m);
    // a lease that belongs to an earlier claim does not make the claim expire
    const blocked = await tg(["do", "tg-stale-lease", "--claim", "bot-e"], { cwd: repo.dir });
    assert.match(blocked.stderr, /^Error: Already claimed by bot-d\n/);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("claim_ttl in config.yaml is the default TTL; --ttl overrides it; bad values are clear errors", async () => {
  const repo = await storeRepo({
    "tasks.jsonl": HEADER + itemLine("tg-a") + itemLine("tg-b") + itemLine("tg-c"),
    "archive.jsonl": HEADER,
    "config.yaml": "# team defaults\nclaim_ttl: 45m\n",
  });
  try {
    assert.equal((await tg(["do", "tg-a", "--claim", "x"], { cwd: repo.dir })).code, 0);
    const a = (await item(repo.dir, "tg-a"))["x-tg-claim-lease"] as Lease;
    assert.equal(secondsBetween(a.claimed_at, a.expires_at), 2700);
    assert.equal(
      (await tg(["do", "tg-b", "--claim", "x", "--ttl", "10s"], { cwd: repo.dir })).code,
      0,
    );
    const b = (await item(repo.dir, "tg-b"))["x-tg-claim-lease"] as Lease;
    assert.equal(secondsBetween(b.claimed_at, b.expires_at), 10);
    // without --claim nothing expires
    assert.equal((await tg(["do", "tg-c"], { cwd: repo.dir })).code, 0);
    assert.ok(!("x-tg-claim-lease" in await item(repo.dir, "tg-c")));
    // YAML forms the fast path does not take
    await Deno.writeTextFile(
      `${repo.dir}/.task-golem/config.yaml`,
      'claim_ttl: "1h 30m"\nid_len: 6\n',
    );
    assert.equal((await tg(["do", "tg-c", "--claim", "y"], { cwd: repo.dir })).code, 0);
    const c = (await item(repo.dir, "tg-c"))["x-tg-claim-lease"] as Lease;
    assert.equal(secondsBetween(c.claimed_at, c.expires_at), 5400);
    const errors: [string[], string, string][] = [
      [
        ["do", "tg-a", "--ttl", "5m"],
        "",
        "Error: --ttl needs --claim AGENT (only claims expire)\n",
      ],
      [
        ["do", "tg-a", "--claim", "x", "--ttl", "soon"],
        "",
        "Error: Invalid duration 'soon': expected number at 0\n",
      ],
      [
        ["do", "tg-a", "--claim", "x", "--ttl", "0s"],
        "",
        "Error: Invalid duration '0s': a claim TTL must be longer than zero\n",
      ],
      [
        ["do", "tg-a", "--claim", "x"],
        "claim_ttl: 30\n",
        "Error: Invalid config.yaml: claim_ttl: invalid duration '30': time unit needed, for example 30sec or 30ms\n",
      ],
    ];
    for (const [args, config, err] of errors) {
      if (config) await Deno.writeTextFile(`${repo.dir}/.task-golem/config.yaml`, config);
      const r = await tg(args, { cwd: repo.dir });
      assert.deepEqual([r.code, r.stderr], [1, err], args.join(" "));
    }
    // an invalid claim_ttl does not break commands that do not use it
    assert.equal((await tg(["add", "still fine"], { cwd: repo.dir })).code, 0);
  } finally {
    await repo.cleanup();
  }
});

Deno.test("without TTL data, do/todo/block and the lists behave exactly like the Rust peer", async () => {
  const t = await twin("tg-0.3.0-generated");
  try {
    const cmds = [
      ["do", "tg-0f8v3", "--claim", "agent-x"],
      ["do", "tg-93599", "--claim", "agent-x"],
      ["do", "tg-93599", "--claim", "agent-α"],
      ["do", "tg-bvbns", "--claim", "agent-y"],
      ["ready", "--include-stale", "0s"],
      ["list"],
      ["show", "tg-93599"],
      ["block", "tg-bvbns", "--reason", "r"],
      ["todo", "tg-0f8v3"],
    ];
    for (const args of cmds) {
      const r = await t.tg(args);
      if (t.rust) {
        const rr = await t.rustTg(args);
        const human = (o: string) => o.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]* UTC/g, "T");
        assert.deepEqual([r.code, human(r.stdout)], [rr.code, human(rr.stdout)], args.join(" "));
      }
    }
    const tasks = (await storeFile(t.ours, "tasks.jsonl"))!;
    assert.ok(!tasks.includes("x-tg-claim-lease"));
    if (t.rust) {
      // same lines apart from timestamps
      const strip = (s: string) => s.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "T");
      assert.equal(strip(tasks), strip((await storeFile(t.rust, "tasks.jsonl"))!));
    }
  } finally {
    await t.cleanup();
  }
});

Deno.test("the Rust peer keeps the lease field untouched when it rewrites the store", async () => {
  const t = await twin({
    "tasks.jsonl": HEADER + EXPIRED + itemLine("tg-other"),
    "archive.jsonl": HEADER,
  });
  try {
    if (!t.rust) return;
    assert.equal((await t.rustTg(["edit", "tg-other", "--title", "renamed"])).code, 0);
    const line = (await storeFile(t.rust, "tasks.jsonl"))!.split("\n")[1];
    assert.equal(line + "\n", EXPIRED);
    // and our take-over works on a store the Rust peer wrote
    await Deno.copyFile(
      `${t.rust.dir}/.task-golem/tasks.jsonl`,
      `${t.ours.dir}/.task-golem/tasks.jsonl`,
    );
    assert.equal((await t.tg(["do", "tg-exp", "--claim", "bot-z"])).code, 0);
    assert.equal((await t.rustTg(["list"])).code, 0);
  } finally {
    await t.cleanup();
  }
});
