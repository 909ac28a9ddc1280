// deno-lint-ignore-file no-console
/// <reference lib="dom" />
/**
 * Takes the screenshots of `tg serve` in `docs/` at 1400×900: the board and
 * the runs view, while a real `pg run` (with the fake agent of the tests)
 * works on a demo backlog.
 *
 * Usage: `deno run -A tools/serve_screenshots.ts [--out DIR] [--dark] [--extra]`
 * (`--extra`: also the item panel and the graph).
 *
 * @module
 */

import { launchBrowser, startServe, until } from "../tests/_browser.ts";
import { e2eConfig, e2eProject } from "../tests/_pg_e2e.ts";
import { demoItems } from "../tests/_serve_demo.ts";
import { importItems } from "../lib/store/ops/add.ts";
import { addNote } from "../lib/store/ops/note.ts";

const args = Deno.args;
const out = args.includes("--out") ? args[args.indexOf("--out") + 1]! : "docs";
const dark = args.includes("--dark");
const extra = args.includes("--extra");

const { active, archived } = demoItems();
// Builds that are not destructive, so that two phases run at once.
const config = e2eConfig({ maxWip: 3, maxConcurrent: 2 }).replace(
  "is_destructive = true",
  "is_destructive = false",
);
const p = await e2eProject(active, { config });
await importItems(p.store, { archived });
await addNote(p.store, "WRK-a1", "Buckets live in Redis; 600 requests a minute per token.");
await p.git("add", "-A");
await p.git("commit", "-qm", "Demo backlog");
const usage = { "cost_usd": 0.37, "input_tokens": 21000, "output_tokens": 1800 };
const done = (summary: string, cost: number) => ({
  sleep: 2500,
  usage: { ...usage, "cost_usd": cost },
  result: { summary },
});
await p.scenarios({
  "*/*/*": { sleep: 2500, usage },
  "WRK-b2/review/*": done("Review passed: the export matches the spec, 14 tests added", 0.52),
  "WRK-c3/research/*": done("Cache by invoice hash in object storage; small, low risk", 0.41),
  "WRK-d4/prd/*": done("PRD: treat an empty file as the defaults and say so once", 0.18),
  "WRK-a1/build/*": { sleep: 120000 },
  "WRK-d4/build/*": { sleep: 120000 },
});
const serve = await startServe(p.dir);
const pg = p.spawnPg(["run"]);
const { browser, close } = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  if (dark) await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  await page.goto(`${serve.url}#/runs`);
  await until(
    async () =>
      await page.evaluate(() =>
        document.querySelectorAll("[data-panel=running] tbody tr").length >= 2 &&
        document.querySelectorAll("[data-panel=results] tbody tr").length >= 2
      ),
    60_000,
    "two running phases and two results",
  ).catch(async (e) => {
    await page.screenshot({ path: `${out}/failed.png` });
    console.error(await Deno.readTextFile(`${p.dir}/.phase-golem/run_state.json`).catch(String));
    throw e;
  });
  await new Promise((r) => setTimeout(r, 6500)); // the elapsed clocks tick
  const suffix = dark ? "-dark" : "";
  await page.screenshot({ path: `${out}/tg-serve-run${suffix}.png` });
  await page.goto(`${serve.url}#/board`);
  await page.waitForSelector(".card");
  await new Promise((r) => setTimeout(r, 800));
  await page.screenshot({ path: `${out}/tg-serve-board${suffix}.png` });
  if (extra) {
    await page.goto(`${serve.url}#/board/WRK-a1`);
    await page.waitForSelector(".drawer .timeline");
    await new Promise((r) => setTimeout(r, 500));
    await page.screenshot({ path: `${out}/tg-serve-item${suffix}.png` });
    await page.goto(`${serve.url}#/graph`);
    await page.waitForSelector(".node");
    await new Promise((r) => setTimeout(r, 500));
    await page.screenshot({ path: `${out}/tg-serve-graph${suffix}.png` });
  }
  console.log(`wrote ${out}/tg-serve-{run,board${extra ? ",item,graph" : ""}}${suffix}.png`);
} finally {
  await close();
  pg.kill("SIGTERM");
  await pg.status;
  await pg.stdout.cancel().catch(() => {});
  await pg.stderr.cancel().catch(() => {});
  await serve.stop();
  await p.cleanup();
}
