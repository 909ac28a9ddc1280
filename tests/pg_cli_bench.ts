// Whole-process `pg` timings: `pg status` on a 10k-item store (target ≤ 150 ms) and
// `pg migrate` of the largest fixture backlog (target ≤ 300 ms), each a fresh
// `deno run` as a user would start it.

import { newPgItem } from "../lib/adapter/pg_item.ts";
import { PgItem } from "../lib/adapter/pg_item.ts";
import { FixedClock } from "../lib/io/clock.ts";
import { FIXTURES, tempRepo } from "./_helpers.ts";
import { makeStore, PG_ENTRY } from "./_pg.ts";

const DENO = Deno.execPath();
const ARGS = [
  "run",
  "--quiet",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  PG_ENTRY,
];

async function pgRun(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command(DENO, {
    args: [...ARGS, ...args],
    cwd,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
}

const statusRepo = await tempRepo();
const clock = new FixedClock({ secs: 1767225600, nanos: 0 }, 1_000);
const statuses = ["New", "Scoping", "Ready", "InProgress", "Blocked"] as const;
const items = Array.from({ length: 10_000 }, (_, i) => {
  const item = newPgItem(`WRK-${i.toString(36).padStart(5, "0")}`, `Item number ${i}`, {
    now: "2026-01-01T00:00:00Z",
  });
  const pg = new PgItem(item, { clock });
  const s = statuses[i % statuses.length]!;
  if (s === "Blocked") pg.setBlockedReason("waiting");
  pg.setStatus(s);
  pg.setImpact((["low", "medium", "high"] as const)[i % 3]!);
  if (s === "InProgress") pg.setPhase("build");
  return item;
});
await makeStore(statusRepo.dir, items);

const migrateRepo = await tempRepo();
const dir = `${FIXTURES}/backlog-yaml`;
let largest = { name: "", size: 0 };
for await (const e of Deno.readDir(dir)) {
  const size = (await Deno.stat(`${dir}/${e.name}`)).size;
  if (size > largest.size && !e.name.includes("INBOX")) largest = { name: e.name, size };
}

Deno.bench({ name: "pg --version (process start)", group: "pg", baseline: true }, async () => {
  await pgRun(["--version"], statusRepo.dir);
});

Deno.bench({ name: "pg status, 10k items", group: "pg" }, async () => {
  await pgRun(["status"], statusRepo.dir);
});

Deno.bench({ name: `pg migrate ${largest.name}`, group: "pg" }, async (b) => {
  await Deno.remove(`${migrateRepo.dir}/.task-golem`, { recursive: true }).catch(() => {});
  await Deno.copyFile(`${dir}/${largest.name}`, `${migrateRepo.dir}/BACKLOG.yaml`);
  b.start();
  await pgRun(["--log-level", "error", "migrate"], migrateRepo.dir);
  b.end();
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(statusRepo.dir, { recursive: true });
  Deno.removeSync(migrateRepo.dir, { recursive: true });
});
