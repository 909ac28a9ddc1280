import assert from "node:assert/strict";
import { BufferIo } from "./_io.ts";
import { main } from "./pg.ts";
import { VERSION } from "./_version.ts";
import { reportPgError } from "./pg/_errors.ts";
import { formatStatusTable, type StatusRow, truncateTitle } from "./pg/status.ts";
import { UsageError } from "./_args.ts";
import { PgError } from "../lib/adapter/pg_error.ts";
import { PgContext } from "./pg/_context.ts";

async function inTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pg-main-" }));
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("main() prints the version, also after global options", async () => {
  for (const argv of [["--version"], ["-V"], ["--root", "x", "--log-level", "warn", "--version"]]) {
    const io = new BufferIo();
    assert.equal(await main(argv, io), 0);
    assert.equal(io.stdout, `pg ${VERSION}\n`);
  }
});

Deno.test("main() validates --log-level case-insensitively", async () => {
  await inTemp(async (dir) => {
    const ok = new BufferIo({ cwd: dir });
    assert.equal(await main(["--log-level", "DEBUG", "status"], ok), 0);
    assert.equal(ok.stdout, "No items in backlog.\n");
    const bad = new BufferIo({ cwd: dir });
    assert.equal(await main(["status", "--log-level", "verbose"], bad), 1);
    assert.equal(
      bad.stderr,
      "Error: Invalid log level 'verbose': expected error, warn, info, or debug\n",
    );
  });
});

Deno.test("main() shows help on stdout with exit 0 and lists the exit codes", async () => {
  const io = new BufferIo();
  assert.equal(await main(["--help"], io), 0);
  assert.match(io.stdout, /Exit codes: 0 success, 1 command failure, 2 usage error\./);
  const sub = new BufferIo();
  assert.equal(await main(["advance", "--help"], sub), 0);
  assert.match(sub.stdout, /Usage: pg advance \[OPTIONS\] <ITEM_ID>/);
  assert.match(sub.stdout, /--to <PHASE>/);
  assert.match(sub.stdout, /--root <PATH>/);
});

Deno.test("PgContext takes the lock timeout from TG_LOCK_TIMEOUT and caps the retry pauses at it", async () => {
  const pauses = (env: Record<string, string>) =>
    new PgContext(new BufferIo({ env }), ".", undefined, "info").storeRetryDelaysMs();
  assert.deepEqual(pauses({}), [1000, 1000]);
  assert.deepEqual(pauses({ TG_LOCK_TIMEOUT: "5s" }), [1000, 1000]);
  assert.deepEqual(pauses({ TG_LOCK_TIMEOUT: "250ms" }), [250, 250]);
  assert.deepEqual(pauses({ TG_LOCK_TIMEOUT: "0s" }), [0, 0]);
  await inTemp(async (dir) => {
    const ctx = new PgContext(
      new BufferIo({ cwd: dir, env: { TG_LOCK_TIMEOUT: "50ms" } }),
      ".",
      undefined,
      "info",
    );
    await ctx.store().init();
    using held = await Deno.open(ctx.store().lockPath, { read: true, write: true });
    await held.lock(true);
    const t0 = performance.now();
    await assert.rejects(ctx.store().lock(() => {}), /^TaskStoreError: Lock timeout after 50ms$/);
    assert.ok(performance.now() - t0 >= 45);
  });
});

Deno.test("main() refuses an invalid TG_LOCK_TIMEOUT with exit 1 once a command uses the store", async () => {
  await inTemp(async (dir) => {
    const io = new BufferIo({ cwd: dir, env: { TG_LOCK_TIMEOUT: "5" } });
    assert.equal(await main(["status"], io), 1);
    assert.equal(
      io.stderr,
      "Error: Invalid TG_LOCK_TIMEOUT '5': time unit needed, for example 5sec or 5ms\n",
    );
    assert.equal(io.stdout, "");
  });
});

Deno.test("main() maps a missing argument to exit 2", async () => {
  const io = new BufferIo();
  assert.equal(await main(["unblock"], io), 2);
  assert.match(io.stderr, /required arguments were not provided:\n {2}<ITEM_ID>/);
});

Deno.test("reportPgError() prints user errors as they are and bugs as internal errors", async () => {
  const io = new BufferIo();
  assert.equal(await reportPgError(new PgError("ItemNotFound", "X"), io), 1);
  assert.equal(await reportPgError(new TypeError("boom"), io), 1);
  assert.equal(await reportPgError(new Deno.errors.NotFound("gone"), io), 1);
  assert.equal(await reportPgError(new UsageError("bad", "pg x", "pg"), io), 2);
  const lines = io.stderr.split("\n");
  assert.equal(lines[0], "Error: Item not found: X");
  assert.match(lines[1]!, /^Error: internal error: TypeError: boom/);
  assert.ok(io.stderr.includes("Error: gone\n"));
  assert.ok(io.stderr.includes("error: bad\n"));
});

Deno.test("formatStatusTable() pads columns but never cuts them; only titles are cut", () => {
  const row: StatusRow = {
    id: "WRK-a-very-long-id",
    title: "t",
    status: "InProgress",
    phase: "implementation-phase",
    pipeline: null,
    impact: null,
    size: null,
    risk: null,
  };
  assert.equal(
    formatStatusTable([row]).split("\n")[2],
    "WRK-a-very-long-id inprogress   implementation-phase -          -        -        -        t",
  );
  assert.equal(formatStatusTable([]), "No items in backlog.\n");
});

Deno.test("truncateTitle() counts characters, not bytes (Fix B29)", () => {
  const exactly36 = "é".repeat(36);
  assert.equal(truncateTitle(exactly36), exactly36);
  assert.equal(truncateTitle("é".repeat(37)), "é".repeat(33) + "...");
  assert.equal(truncateTitle("🚀".repeat(40)), "🚀".repeat(33) + "...");
  assert.equal(truncateTitle("x".repeat(36)), "x".repeat(36));
});

Deno.test("pg status lists every active item of each fixture store", async () => {
  const { copyFixtureStore, FIXTURE_STORES } = await import("../tests/_helpers.ts");
  const { parseActiveFile } = await import("../lib/store/jsonl.ts");
  for await (const e of Deno.readDir(FIXTURE_STORES)) {
    if (!e.isDirectory) continue;
    await inTemp(async (dir) => {
      await copyFixtureStore(e.name, dir);
      const items = parseActiveFile(await Deno.readFile(`${dir}/.task-golem/tasks.jsonl`));
      const io = new BufferIo({ cwd: dir });
      assert.equal(await main(["status"], io), 0, io.stderr);
      assert.ok(io.stdout.endsWith(`\n${items.length} item(s) total\n`), e.name);
      const ids = io.stdout.split("\n").slice(2, 2 + items.length).map((l) => l.split(" ")[0]);
      assert.deepEqual([...ids].sort(), items.map((i) => i.id).sort(), e.name);
      if (e.name.startsWith("phase-golem-")) assert.equal(io.stderr, "", e.name);
    });
  }
});

Deno.test("pg status shows who holds which claim and until when (pg run --sync)", async () => {
  const { TaskStore } = await import("../lib/store/store.ts");
  const { importItems } = await import("../lib/store/ops/add.ts");
  const { newPgItem } = await import("../lib/adapter/pg_item.ts");
  const { FixedClock } = await import("../lib/io/clock.ts");
  await inTemp(async (dir) => {
    const store = new TaskStore(`${dir}/.task-golem`);
    await store.init();
    const now = "2026-01-01T00:00:00Z";
    const claimed = (id: string, by: string, expires: string) => {
      const it = newPgItem(id, `Item ${id}`, { now });
      it.claimed_by = by;
      it.claimed_at = now;
      it.extensions["x-tg-claim-lease"] = {
        agent: by,
        "claimed_at": now,
        "expires_at": expires,
      };
      return it;
    };
    await importItems(store, {
      active: [
        claimed("WRK-001", "buildbox-4242", "2026-01-01T00:35:00Z"),
        claimed("WRK-002", "w2", "2026-01-01T00:05:00Z"),
        newPgItem("WRK-003", "Item WRK-003", { now }),
      ],
    });
    const clock = new FixedClock({ secs: 1767225600 + 600, nanos: 0 }); // 00:10
    const io = new BufferIo({ cwd: dir, clock });
    assert.equal(await main(["status"], io), 0, io.stderr);
    assert.ok(
      io.stdout.endsWith(
        "\nClaims:\n" +
          "  WRK-001  buildbox-4242  until 2026-01-01T00:35:00Z (in 25m00s)\n" +
          "  WRK-002  w2             expired at 2026-01-01T00:05:00Z (another worker may " +
          "take it over)\n\n3 item(s) total\n",
      ),
      io.stdout,
    );
    const json = new BufferIo({ cwd: dir, clock });
    assert.equal(await main(["status", "--json"], json), 0);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    assert.deepEqual(rows.map((r) => r.claim ?? null), [
      {
        worker: "buildbox-4242",
        "claimed_at": now,
        "expires_at": "2026-01-01T00:35:00Z",
        expired: false,
      },
      { worker: "w2", "claimed_at": now, "expires_at": "2026-01-01T00:05:00Z", expired: true },
      null,
    ]);
    const one = new BufferIo({ cwd: dir, clock });
    assert.equal(await main(["status", "WRK-001"], one), 0);
    assert.ok(
      one.stdout.includes("\nClaimed:  by buildbox-4242, until 2026-01-01T00:35:00Z (in 25m00s)\n"),
      one.stdout,
    );
  });
});
