// deno-lint-ignore-file no-console
/// <reference lib="dom" />
/**
 * `tg serve` in a real browser (headless Chromium through puppeteer-core):
 * a 200-item board shows every item; an item another process adds appears
 * within a second; changes made in the page land in the store (and the
 * upstream Rust `tg` reads them); refusals show tg's message and hint;
 * hostile text stays text; `--read-only` offers no changes; a `pg run` with
 * the fake agent shows its running phase, then its result.
 */

import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { browserTest, launchBrowser, type ServeProcess, startServe, until } from "./_browser.ts";
import { rustTg, rustUnavailable, tempRepo, tg } from "./_helpers.ts";
import { e2eItem, e2eProject } from "./_pg_e2e.ts";
import { syntheticItems, writeSyntheticStore } from "../lib/_testing/synthetic_store.ts";
import { TaskStore } from "../lib/store/store.ts";
import { importItems } from "../lib/store/ops/add.ts";
import { addNote } from "../lib/store/ops/note.ts";
import { blockItem } from "../lib/store/ops/status.ts";
import { newItem } from "../lib/store/item.ts";

/** Runs `fn` with a page open on a `tg serve` of `dir`. */
async function withPage(
  dir: string,
  args: string[],
  fn: (page: Page, s: ServeProcess) => Promise<void>,
): Promise<void> {
  const s = await startServe(dir, args);
  const b = await launchBrowser();
  const errors: string[] = [];
  try {
    const page = await b.browser.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      // Refusals the tests provoke are logged as failed loads; anything else is an error.
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
        errors.push(m.text());
      }
    });
    await page.setViewport({ width: 1400, height: 900 });
    await page.goto(s.url);
    await page.waitForSelector(".board");
    await fn(page, s);
    assert.deepEqual(errors, [], `no errors in the page: ${errors.join("; ")}`);
  } finally {
    await b.close();
    assert.equal(await s.stop(), 0);
  }
}

/** Waits until the element is in the page and has the focus (a dialog focuses its field). */
async function focused(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (sel: string) => document.activeElement !== null && document.activeElement.matches(sel),
    { timeout: 5000 },
    selector,
  );
}

async function cardIds(page: Page, status?: string): Promise<string[]> {
  const sel = status === undefined ? ".card" : `.column[data-status=${status}] .card`;
  return await page.$$eval(sel, (els) => els.map((e) => (e as HTMLElement).dataset.id!));
}

async function project(): Promise<{ dir: string; store: TaskStore; cleanup: () => Promise<void> }> {
  const repo = await tempRepo();
  await tg(["init"], { cwd: repo.dir });
  return { dir: repo.dir, store: new TaskStore(`${repo.dir}/.task-golem`), cleanup: repo.cleanup };
}

browserTest("tg serve board: shows every item of a 200-item store in its column", async () => {
  const repo = await tempRepo();
  try {
    await writeSyntheticStore(`${repo.dir}/.task-golem`, 200);
    const items = syntheticItems(200);
    await withPage(repo.dir, [], async (page) => {
      await until(async () => (await cardIds(page)).length === 200, 5000, "200 cards");
      for (const status of ["todo", "doing", "blocked"]) {
        const want = items.filter((it) => it.status === status).map((it) => it.id).sort();
        assert.deepEqual((await cardIds(page, status)).sort(), want, status);
      }
      const titles = await page.$$eval(".card-title", (els) => els.map((e) => e.textContent));
      assert.ok(titles.includes(items[7]!.title));
      // The filter narrows the board.
      await page.click("input[type=search]");
      await page.keyboard.type(items[3]!.id);
      await until(async () => (await cardIds(page)).length === 1, 3000, "one card");
    });
  } finally {
    await repo.cleanup();
  }
});

browserTest("tg serve board: an item added by another process appears within 1 s", async () => {
  const p = await project();
  try {
    await importItems(p.store, {
      active: [newItem("tg-aaaaa", "Already here", "2026-01-01T00:00:00Z")],
    });
    await withPage(p.dir, [], async (page) => {
      await until(async () => (await cardIds(page)).length === 1, 5000, "the first card");
      const out = await tg(["add", "Added by another process", "--json"], { cwd: p.dir });
      const id = JSON.parse(out.stdout).id;
      const wrote = performance.now();
      await page.waitForSelector(`.card[data-id="${id}"]`, { timeout: 1000 });
      const ms = performance.now() - wrote;
      console.log(`  the new item appeared ${ms.toFixed(0)} ms after tg add returned`);
      assert.ok(ms < 1000);
      // A change of status by another process moves the card.
      await tg(["do", id], { cwd: p.dir });
      await page.waitForSelector(`.column[data-status=doing] .card[data-id="${id}"]`, {
        timeout: 1000,
      });
    });
  } finally {
    await p.cleanup();
  }
});

browserTest(
  "tg serve board: changes made in the page are in the store, and the Rust tg reads them",
  async () => {
    const p = await project();
    try {
      const a = newItem("tg-aaaaa", "Start me", "2026-01-01T00:00:00Z");
      const b = newItem("tg-bbbbb", "Block me", "2026-01-01T00:00:00Z");
      await importItems(p.store, { active: [a, b] });
      await withPage(p.dir, [], async (page) => {
        // Start an item from its panel.
        await page.click('.card[data-id="tg-aaaaa"]');
        await page.waitForSelector(".drawer button[data-action=do]");
        await page.click(".drawer button[data-action=do]");
        await page.waitForSelector('.column[data-status=doing] .card[data-id="tg-aaaaa"]');
        const toast = await page.$eval(".toast", (e) => e.textContent);
        assert.equal(toast, "Started: tg-aaaaa - Start me [doing]");
        assert.equal((await p.store.getItem("tg-aaaaa"))!.status, "doing");
        // Edit the title, add a tag and a note.
        await page.click(".item-title");
        await page.$eval(".title-input", (e) => (e as HTMLInputElement).select());
        await page.keyboard.type("Started from the page");
        await page.keyboard.press("Enter");
        await until(async () =>
          (await p.store.getItem("tg-aaaaa"))!.title === "Started from the page"
        );
        await page.type(".tag-input", "web");
        await page.keyboard.press("Enter");
        await until(async () => (await p.store.getItem("tg-aaaaa"))!.tags.includes("web"));
        await page.type("textarea[aria-label=Note]", "Picked up in the board");
        await page.click(".note-form .btn.primary");
        await page.waitForFunction(() =>
          [...document.querySelectorAll(".ev-text")].some((e) =>
            e.textContent === "Picked up in the board"
          )
        );
        // Block the other one with a reason, with the keyboard.
        await page.keyboard.press("Escape");
        await page.click('.card[data-id="tg-bbbbb"]');
        await page.waitForSelector(".drawer button[data-action=block]");
        await page.keyboard.press("b");
        await focused(page, ".modal input[name=reason]");
        await page.keyboard.type("waiting for the API key");
        await page.keyboard.press("Enter");
        await page.waitForSelector('.column[data-status=blocked] .card[data-id="tg-bbbbb"]');
        const reason = await page.$eval(
          '.card[data-id="tg-bbbbb"] .card-reason',
          (e) => e.textContent,
        );
        assert.equal(reason, "waiting for the API key");
      });
      const skip = await rustUnavailable();
      if (skip !== null) {
        console.log(`  skipping the Rust tg check: ${skip}`);
        return;
      }
      const shownA = JSON.parse(
        (await rustTg(["show", "tg-aaaaa", "--json"], { cwd: p.dir })).stdout,
      );
      assert.equal(shownA.status, "doing");
      assert.equal(shownA.title, "Started from the page");
      assert.deepEqual(shownA.tags, ["web"]);
      const shownB = JSON.parse(
        (await rustTg(["show", "tg-bbbbb", "--json"], { cwd: p.dir })).stdout,
      );
      assert.equal(shownB.status, "blocked");
      assert.equal(shownB.blocked_reason, "waiting for the API key");
      const events = await rustTg(["events", "tg-aaaaa"], { cwd: p.dir });
      assert.equal(events.code, 0);
      assert.match(events.stdout, /Picked up in the board/);
    } finally {
      await p.cleanup();
    }
  },
);

browserTest(
  "tg serve board: a new item from the page, and a refusal shown with tg's message and hint",
  async () => {
    const p = await project();
    try {
      const b = newItem("tg-bbbbb", "Blocked one", "2026-01-01T00:00:00Z");
      await importItems(p.store, { active: [b] });
      await blockItem(p.store, "tg-bbbbb", { reason: "r" });
      await withPage(p.dir, [], async (page) => {
        await page.keyboard.press("n");
        await focused(page, ".modal input[name=title]");
        await page.keyboard.type("Made in the page");
        await page.type(".modal input[name=tags]", "ui, docs");
        await page.keyboard.press("Enter");
        await page.waitForSelector(".drawer .item-title");
        const list = JSON.parse((await tg(["list", "--json"], { cwd: p.dir })).stdout);
        const made = list.find((it: { title: string }) => it.title === "Made in the page");
        assert.deepEqual(made.tags, ["ui", "docs"]);
        // A priority tg refuses: the page shows tg's message.
        await page.$eval(".prio-input", (e) => (e as HTMLInputElement).select());
        await page.keyboard.type("high");
        await page.keyboard.press("Enter");
        await page.waitForSelector(".toast.error");
        const cli = await tg(["edit", made.id, "--priority", "high"], { cwd: p.dir });
        const shown = await page.$eval(".toast.error div", (e) => e.textContent);
        assert.equal(shown, cli.stderr.split("\n")[0]!.replace(/^error: /, "Error: "));
        // Dropping a blocked item on Done: refused by the store's rule, with tg's hint.
        await page.keyboard.press("Escape");
        await page.evaluate(() => {
          const card = document.querySelector('.card[data-id="tg-bbbbb"]')!;
          const target = document.querySelector(".column[data-status=done]")!;
          const dt = new DataTransfer();
          card.dispatchEvent(new DragEvent("dragstart", { dataTransfer: dt, bubbles: true }));
          target.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true }));
          target.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true }));
        });
        await page.waitForFunction(() =>
          [...document.querySelectorAll(".toast.error")].some((e) =>
            e.textContent!.includes("blocked cannot transition to done")
          )
        );
        const done = await tg(["done", "tg-bbbbb"], { cwd: p.dir });
        const toasts = await page.$$eval(".toast.error", (els) => els.map((e) => e.textContent));
        const [message, hint] = done.stderr.trim().split("\n");
        assert.ok(
          toasts.includes(`${message}${hint}`),
          `${JSON.stringify(toasts)} has ${message} ${hint}`,
        );
      });
    } finally {
      await p.cleanup();
    }
  },
);

browserTest(
  "tg serve board: hostile titles, tags, reasons and notes render as text and run nothing",
  async () => {
    const p = await project();
    const hostile = [
      `<script>window.__xss = 1</script>`,
      `<img src=x onerror="window.__xss = 2">`,
      `"><svg onload="window.__xss = 3">`,
      `javascript:window.__xss = 4`,
    ];
    try {
      const items = hostile.map((t, i) => {
        const it = newItem(`tg-h${i}aaa`, t, "2026-01-01T00:00:00Z", {
          tags: [`<b onmouseover="window.__xss=5">tag</b>`],
          description: `<iframe src="javascript:window.__xss=6"></iframe>`,
          dependencies: i > 0 ? [`tg-h${i - 1}aaa`] : [],
        });
        return it;
      });
      await importItems(p.store, { active: items });
      await blockItem(p.store, "tg-h3aaa", { reason: `<img src=y onerror="window.__xss=7">` });
      await addNote(p.store, "tg-h1aaa", `<script>window.__xss=8</script>`);
      await withPage(p.dir, [], async (page) => {
        await until(async () => (await cardIds(page)).length === 4, 5000, "4 cards");
        const titles = await page.$$eval(".card-title", (els) => els.map((e) => e.textContent));
        assert.deepEqual(titles.sort(), [...hostile].sort());
        await page.click('.card[data-id="tg-h1aaa"]');
        await page.waitForSelector(".drawer .timeline");
        assert.equal(
          await page.$eval(".drawer .description", (e) => e.textContent),
          `<iframe src="javascript:window.__xss=6"></iframe>`,
        );
        assert.equal(
          await page.$eval(".drawer .ev-text", (e) => e.textContent),
          `<script>window.__xss=8</script>`,
        );
        await page.goto(page.url().replace(/#.*$/, "") + "#/graph");
        await page.waitForSelector(".node");
        await page.goto(page.url().replace(/#.*$/, "") + "#/ready");
        await page.waitForSelector("table.list");
        const injected = await page.evaluate(() => ({
          xss: (window as unknown as { __xss?: number }).__xss ?? null,
          elements: document.querySelectorAll("img, iframe, b, .board svg, script:not([src])")
            .length,
        }));
        assert.deepEqual(injected, { xss: null, elements: 0 });
      });
    } finally {
      await p.cleanup();
    }
  },
);

browserTest("tg serve --read-only: the page offers no changes", async () => {
  const p = await project();
  try {
    await importItems(p.store, {
      active: [newItem("tg-aaaaa", "Look only", "2026-01-01T00:00:00Z")],
    });
    await withPage(p.dir, ["--read-only"], async (page) => {
      await page.waitForSelector('.card[data-id="tg-aaaaa"]');
      assert.equal(await page.$("button.btn.primary"), null, "no New item button");
      assert.equal(
        await page.$eval('.card[data-id="tg-aaaaa"]', (e) => e.getAttribute("draggable")),
        "false",
      );
      await page.keyboard.press("n");
      await page.click('.card[data-id="tg-aaaaa"]');
      await page.waitForSelector(".drawer .item-title");
      assert.equal(await page.$(".modal"), null);
      assert.equal(await page.$(".drawer [data-action]"), null, "no status buttons");
      assert.equal(await page.$(".drawer textarea"), null, "no note form");
    });
  } finally {
    await p.cleanup();
  }
});

browserTest(
  "tg serve runs: a pg run with the fake agent shows its running phase, then the result",
  async () => {
    const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main" })]);
    try {
      await p.scenarios({
        "WRK-001/prd/*": {
          sleep: 2500,
          usage: { "cost_usd": 0.42, "input_tokens": 1000, "output_tokens": 200 },
          result: { summary: "Wrote the PRD" },
        },
      });
      await withPage(p.dir, [], async (page) => {
        await page.goto(page.url().replace(/#.*$/, "") + "#/runs");
        await page.waitForSelector(".panel-empty");
        const run = p.pg(["run", "--cap", "1"]);
        await page.waitForSelector('[data-panel=running] tr[data-id="WRK-001"]', {
          timeout: 10_000,
        });
        const row = await page.$eval(
          '[data-panel=running] tr[data-id="WRK-001"]',
          (e) => (e as HTMLElement).innerText,
        );
        assert.match(row, /WRK-001/);
        assert.match(row, /prd/);
        assert.match(row, /1 \/ 1/);
        assert.ok(await page.$(".run-chip"), "the top bar shows the run");
        const out = await run;
        assert.equal(out.code, 0, out.stderr);
        await page.waitForSelector('[data-panel=results] tr[data-id="WRK-001"]');
        await page.waitForSelector(".run-state.finished");
        const result = await page.$eval(
          '[data-panel=results] tr[data-id="WRK-001"]',
          (e) => (e as HTMLElement).innerText,
        );
        assert.match(result, /Complete/);
        assert.match(result, /Wrote the PRD/);
        assert.match(result, /\$0\.42/);
        assert.equal(await page.$('[data-panel=running] tr[data-id="WRK-001"]'), null);
        assert.match(await page.$eval(".run-state", (e) => e.textContent!), /Finished: CapReached/);
      });
    } finally {
      await p.cleanup();
    }
  },
);
