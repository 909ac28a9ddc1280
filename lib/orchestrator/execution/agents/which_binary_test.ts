import assert from "node:assert/strict";
import { whichBinary } from "./which_binary.ts";

Deno.test("whichBinary() finds the first executable file on PATH", async () => {
  const dir = await Deno.makeTempDir({ prefix: "which-" });
  try {
    await Deno.mkdir(`${dir}/a`);
    await Deno.mkdir(`${dir}/b`);
    await Deno.writeTextFile(`${dir}/a/agent`, "not executable");
    await Deno.chmod(`${dir}/a/agent`, 0o644);
    await Deno.writeTextFile(`${dir}/b/agent`, "#!/bin/sh\n");
    await Deno.chmod(`${dir}/b/agent`, 0o755);
    assert.equal(
      await whichBinary("agent", `::${dir}/missing:${dir}/a:${dir}/b`),
      `${dir}/b/agent`,
    );
    assert.equal(await whichBinary("other", `${dir}/a:${dir}/b`), null);
    assert.equal(await whichBinary("agent", undefined), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("whichBinary() returns a name with a slash as it is", async () => {
  assert.equal(await whichBinary("./bin/agent", ""), "./bin/agent");
});
