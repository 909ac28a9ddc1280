import assert from "node:assert/strict";
import { runnable } from "./demo.ts";

Deno.test("runnable() gives deno run a path for a local module and the URL of a remote one", () => {
  assert.equal(runnable(new URL("file:///home/me/golem/cli/pg.ts")), "/home/me/golem/cli/pg.ts");
  assert.equal(
    runnable(new URL("file:///home/me/my%20golem/cli/pg.ts")),
    "/home/me/my golem/cli/pg.ts",
  );
  const jsr = "https://jsr.io/@golem/golem/0.1.0/cli/pg/_demo_agent.ts";
  assert.equal(runnable(new URL(jsr)), jsr);
});
