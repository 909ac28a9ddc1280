/**
 * The vendored upstream fixtures are intact: every file matches the
 * SHA-256 in their MANIFEST, nothing unlisted was added, and, where the
 * shared folder they were copied from is beside the repository, both
 * copies list the same files with the same hashes.
 */

import assert from "node:assert/strict";
import { FIXTURES, SHARED } from "./_helpers.ts";

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    assert.ok(m, `a MANIFEST line: ${line}`);
    out.set(m[2]!, m[1]!);
  }
  return out;
}

async function files(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${dir}/${prefix}`)) {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory) out.push(...await files(dir, rel));
    else out.push(rel);
  }
  return out;
}

Deno.test("vendored upstream fixtures match their MANIFEST", async () => {
  const manifest = parseManifest(await Deno.readTextFile(`${FIXTURES}/MANIFEST`));
  assert.ok(manifest.size > 50);
  const present = (await files(FIXTURES)).filter((f) => f !== "MANIFEST").sort();
  assert.deepEqual(present, [...manifest.keys()].sort(), "the files are the ones listed");
  for (const [path, hash] of manifest) {
    assert.equal(await sha256(`${FIXTURES}/${path}`), hash, path);
  }
});

Deno.test("vendored upstream fixtures are the shared ones, when the shared folder is there", async () => {
  let shared: string;
  try {
    shared = await Deno.readTextFile(`${SHARED}/fixtures/MANIFEST`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    // deno-lint-ignore no-console
    console.log(`no ${SHARED}/fixtures here: compared with the MANIFEST only`);
    return;
  }
  assert.equal(await Deno.readTextFile(`${FIXTURES}/MANIFEST`), shared);
});
