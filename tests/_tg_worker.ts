/**
 * A worker process for concurrency and crash tests: runs `tg` commands
 * in-process (the real CLI code, without one process start per command) and
 * prints one JSON line per command as soon as it has finished (for `add`,
 * with the milliseconds it took as `ms`).
 *
 * Usage: `deno run -A tests/_tg_worker.ts <cwd> add <prefix> <count>`
 *        `deno run -A tests/_tg_worker.ts <cwd> race <seed> <id>...`
 *
 * @module
 */

import { main } from "../cli/tg.ts";
import { BufferIo } from "../cli/_io.ts";
import { prng } from "../lib/_testing/synthetic_store.ts";

const enc = new TextEncoder();

async function tgOnce(
  cwd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = new BufferIo({ cwd, env: { TG_AUTHOR: "worker" } });
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function report(obj: unknown): void {
  Deno.stdout.writeSync(enc.encode(JSON.stringify(obj) + "\n"));
}

const [cwd, mode, ...rest] = Deno.args;
if (mode === "add") {
  const [prefix, count] = rest;
  for (let i = 0; i < Number(count); i++) {
    // A lock timeout (exit 2, nothing written) is retried, as an agent would;
    // the retries are reported so tests can see them.
    let timeouts = 0;
    const t0 = performance.now();
    let r = await tgOnce(cwd!, ["--json", "add", `${prefix}-${i}`]);
    while (r.code === 2 && r.stderr.includes("Lock timeout") && timeouts < 5) {
      timeouts++;
      r = await tgOnce(cwd!, ["--json", "add", `${prefix}-${i}`]);
    }
    const ms = performance.now() - t0;
    report(
      r.code === 0
        ? { ok: true, id: JSON.parse(r.stdout).id, timeouts, ms }
        : { ok: false, timeouts, ms, ...r },
    );
  }
} else if (mode === "race") {
  const [seed, ...ids] = rest;
  const rand = prng(Number(seed));
  const order = [...ids].sort(() => rand() - 0.5);
  for (const id of order) {
    for (const cmd of rand() < 0.5 ? ["do", "done"] : ["done", "do"]) {
      const r = await tgOnce(cwd!, ["--json", cmd, id]);
      report({ cmd, id, ...r });
    }
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
