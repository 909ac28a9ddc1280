import assert from "node:assert/strict";
import { VERSION } from "./_version.ts";
import { main } from "./tg.ts";
import { BufferIo } from "./_io.ts";

Deno.test("VERSION is the version in deno.json, a semantic version", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
  assert.match(VERSION, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
});

Deno.test("main() prints the version and returns 0 without exiting", async () => {
  const io = new BufferIo();
  assert.equal(await main(["--version"], io), 0);
  assert.equal(io.stdout, `tg ${VERSION}\n`);
});

Deno.test("main() maps a usage error to exit 1 with a clap-style message", async () => {
  const io = new BufferIo();
  assert.equal(await main(["add", "x", "--nope"], io), 1);
  assert.match(io.stderr, /^error: unexpected argument '--nope' found\n/);
  assert.match(io.stderr, /Usage: tg add \[OPTIONS\] <TITLE>/);
});

Deno.test("main() reports NotInitialized with the absolute working directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const io = new BufferIo({ cwd: dir });
    assert.equal(await main(["list"], io), 1);
    assert.equal(
      io.stderr,
      `Error: No task-golem project found (searched from ${dir}). Run \`tg init\` to create one.\n`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
