// deno-lint-ignore-file no-console
/**
 * `deno task compile` builds a standalone `tg` where Deno can download its
 * runtime; on machines without that download the test is reported as
 * skipped (with the reason), not failed.
 */

import assert from "node:assert/strict";
import { REPO_ROOT, tempRepo } from "./_helpers.ts";
import { WIRE_OPENING, wireExchange } from "./_mcp.ts";

const out = `${await Deno.makeTempDir({ prefix: "tg-compile-" })}/tg`;
const NETWORK =
  /dns error|failed to lookup|error sending request|Connection refused|Network is unreachable|timed out|Import '.*' failed|download/i;

const attempt = await new Deno.Command(Deno.execPath(), {
  args: [
    "compile",
    "--quiet",
    "--output",
    out,
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-run=git",
    "--include",
    `${REPO_ROOT}/cli/tg/_query_worker.ts`,
    "--include",
    `${REPO_ROOT}/cli/tg/mcp.ts`,
    `${REPO_ROOT}/cli/tg.ts`,
  ],
  cwd: REPO_ROOT,
  stdout: "piped",
  stderr: "piped",
}).output();
const stderr = new TextDecoder().decode(attempt.stderr);
const skipReason = !attempt.success && NETWORK.test(stderr)
  ? `deno compile cannot download its runtime here: ${
    stderr.split("\n").find((l) => NETWORK.test(l))?.trim()
  }`
  : null;
if (skipReason) console.log(`skipping compile test: ${skipReason}`);

Deno.test({
  name: "deno compile produces a working standalone tg",
  ignore: skipReason !== null,
  async fn() {
    try {
      assert.ok(attempt.success, `deno compile failed: ${stderr}`);
      const r = await new Deno.Command(out, { args: ["--version"], stdout: "piped" }).output();
      assert.equal(
        new TextDecoder().decode(r.stdout),
        `tg ${JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`)).version}\n`,
      );
      // The MCP SDK is bundled: tg mcp answers outside any project too.
      const dir = await tempRepo(false);
      try {
        const wire = await wireExchange(out, ["mcp"], dir.dir, [
          ...WIRE_OPENING,
          { id: 2, method: "tools/call", params: { name: "list", arguments: {} } },
        ]);
        assert.equal(wire.code, 0, wire.stderr);
        assert.match(
          JSON.parse(wire.answers.get(2)!).result.content[0].text,
          /No task-golem project/,
        );
      } finally {
        await dir.cleanup();
      }
    } finally {
      await Deno.remove(out.slice(0, out.lastIndexOf("/")), { recursive: true });
    }
  },
});
if (skipReason) await Deno.remove(out.slice(0, out.lastIndexOf("/")), { recursive: true });
