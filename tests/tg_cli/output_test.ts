/**
 * Output modes: colours (FORCE_COLOR, NO_COLOR, TERM; never in JSON) and
 * --verbose.
 */

import assert from "node:assert/strict";
import { ESC, ok, run, TODO, withRepo, writeStore } from "./_tg.ts";

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
