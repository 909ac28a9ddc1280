// deno-lint-ignore-file no-console
/**
 * `tg list` filters, `tg ready --include-stale/--limit`, `tg next` and
 * `tg show`, human, JSON and `--verbose`, byte-compared with the Rust peer
 * on the same stores.
 */

import assert from "node:assert/strict";
import { rustUnavailable } from "./_helpers.ts";
import { HEADER, itemLine, twin } from "./_stores.ts";

const RUST_SKIP = await rustUnavailable();
if (RUST_SKIP) console.log(`skipping Rust comparisons: ${RUST_SKIP}`);

/** Masks the store path, which differs between the two temp repos. */
function mask(s: string, dir: string): string {
  return s.replaceAll(dir, "<dir>");
}

const LIST_ARGS: string[][] = [
  ["list"],
  ["list", "--status", "todo"],
  ["list", "--status", "doing"],
  ["list", "--status", "done"],
  ["list", "--status", "blocked"],
  ["list", "--blocked"],
  ["list", "--tag", "epic"],
  ["list", "--tag", "nope"],
  ["list", "--parent", "tg-yssmx"],
  ["list", "--parent", "yssmx", "--status", "todo"],
  ["list", "--parent", "HAMY-4c6vcdez"],
  ["list", "--parent", "tg-wpzw0"],
  ["list", "--status", "done", "--parent", "tg-yssmx"],
  ["show", "tg-wpzw0"],
  ["list", "--status", "Todo"],
  ["list", "--blocked", "--status", "todo"],
  ["list", "--parent", "zzz"],
  ["ready"],
  ["ready", "--limit", "3"],
  ["ready", "--limit", "0"],
  ["ready", "--include-stale", "0s"],
  ["ready", "--include-stale", "1h 30m"],
  ["ready", "--include-stale", "100000w"],
  ["ready", "--include-stale", "0s", "--limit", "17"],
  ["ready", "--include-stale", "bogus"],
  ["ready", "--include-stale", "10"],
  ["ready", "--include-stale", "1000000000y"],
  ["next"],
  ["show", "tg-yssmx"],
  ["show", "tg-93599", "--events"],
  ["show", "HAMY-4c6vcdez"],
];

Deno.test("list, ready, next and show on the generated fixture: same stdout, stderr and exit code as the Rust peer (human, --json, --verbose)", async () => {
  const t = await twin("tg-0.3.0-generated");
  try {
    for (const base of LIST_ARGS) {
      for (const args of [base, ["--json", ...base], ["--verbose", ...base]]) {
        const r = await t.tgInProcess(args);
        assert.ok(r.code === 0 || r.code === 1, `${args.join(" ")}: ${r.stderr}`);
        if (!t.rust) continue;
        const rr = await t.rustTg(args);
        assert.equal(rr.code, r.code, args.join(" "));
        assert.equal(r.stdout, rr.stdout, args.join(" "));
        // approximate parser details aside, the same messages
        const err = (s: string, dir: string) =>
          mask(s, dir)
            .replace(/(Duration too large:)[^"\n]*/, "$1")
            .replace(/^hint: .*\n/m, "")
            .replace(/,"hint":"[^"]*"/, "");
        assert.equal(err(r.stderr, t.ours.dir), err(rr.stderr, t.rust.dir), args.join(" "));
      }
    }
  } finally {
    await t.cleanup();
  }
});

Deno.test("ready: dependency warnings, stale items after ready ones, sort order, limit last; like the Rust peer", async () => {
  const t = await twin({
    "tasks.jsonl": HEADER +
      itemLine("tg-a", { priority: 1, created_at: "2026-01-02T00:00:00Z" }) +
      itemLine("tg-b", {
        priority: 1,
        created_at: "2026-01-01T00:00:00Z",
        dependencies: ["tg-ghost"],
      }) +
      itemLine("tg-c", { priority: 9, dependencies: ["tg-arch"] }) +
      itemLine("tg-d", { status: "doing", priority: 3, updated_at: "2026-01-01T00:00:00Z" }) +
      itemLine("tg-e", { status: "doing", priority: 7, updated_at: "2026-01-02T00:00:00Z" }) +
      itemLine("tg-f", { dependencies: ["tg-a"] }) +
      itemLine("tg-g", { status: "done" }) +
      itemLine("tg-h", { dependencies: ["tg-g"], created_at: "2025-01-01T00:00:00Z" }),
    "archive.jsonl": HEADER + itemLine("tg-arch", { status: "done" }),
  });
  try {
    for (
      const args of [
        ["ready"],
        ["--verbose", "ready", "--include-stale", "0s", "--limit", "4"],
        ["--json", "ready", "--include-stale", "1d"],
        ["next"],
        ["--json", "next"],
        ["--verbose", "next"],
        ["list", "--status", "done"],
      ]
    ) {
      const r = await t.tg(args);
      assert.equal(r.code, 0, r.stderr);
      if (t.rust) {
        const rr = await t.rustTg(args);
        assert.equal(r.stdout, rr.stdout, args.join(" "));
        assert.equal(mask(r.stderr, t.ours.dir), mask(rr.stderr, t.rust.dir), args.join(" "));
      }
    }
    const r = await t.tg(["ready", "--include-stale", "0s"]);
    assert.equal(
      r.stdout,
      "ID          STATUS    PRI  TITLE\n" +
        "tg-c        todo        9  Item tg-c\n" +
        "tg-a        todo        1  Item tg-a\n" +
        "tg-h        todo        0  Item tg-h\n" +
        "tg-e        doing       7  Item tg-e\n" +
        "tg-d        doing       3  Item tg-d\n",
    );
    assert.equal(
      r.stderr,
      "Warning: item tg-b has unmet dependency 'tg-ghost' (not found in active or archive)\n",
    );
  } finally {
    await t.cleanup();
  }
});
