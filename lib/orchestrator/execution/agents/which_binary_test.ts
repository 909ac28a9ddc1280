import assert from "node:assert/strict";
import { agentClisOnPath, whichBinary } from "./which_binary.ts";

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

Deno.test("agentClisOnPath() lists claude, codex and opencode found on PATH, in that order", async () => {
  const dir = await Deno.makeTempDir({ prefix: "which-" });
  try {
    for (const name of ["opencode", "claude", "aider"]) {
      await Deno.writeTextFile(`${dir}/${name}`, "#!/bin/sh\n", { mode: 0o755 });
    }
    assert.deepEqual(await agentClisOnPath(dir), ["claude", "opencode"]);
    await Deno.writeTextFile(`${dir}/codex`, "#!/bin/sh\n", { mode: 0o644 });
    assert.deepEqual(await agentClisOnPath(dir), ["claude", "opencode"], "not executable");
    assert.deepEqual(await agentClisOnPath(`${dir}/none`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
