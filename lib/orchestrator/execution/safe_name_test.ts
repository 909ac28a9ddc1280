import assert from "node:assert/strict";
import { isSafeName, slugify, unsafeNamesReason } from "./safe_name.ts";
import { ensureChangeFolder } from "./change_folder.ts";
import { DenoFileSystem } from "../../io/fs.ts";

Deno.test("isSafeName() accepts plain IDs and phase names, rejects paths and shell syntax", () => {
  for (const ok of ["WRK-001", "tg-1rh14", "HAMY-5c0f8", "build", "tech-research", "v1.2_x"]) {
    assert.ok(isSafeName(ok), ok);
  }
  for (
    const bad of [
      "",
      "../x",
      "a/b",
      "..",
      "a..b",
      ".hidden",
      "-flag",
      "x\ny",
      "$(rm -rf ~)",
      "a;b",
      "a b",
      "`x`",
      "ü",
      "x".repeat(201),
    ]
  ) {
    assert.ok(!isSafeName(bad), JSON.stringify(bad));
  }
});

Deno.test("unsafeNamesReason() names the bad part, showing control characters", () => {
  assert.equal(unsafeNamesReason("WRK-1", "build"), null);
  assert.equal(
    unsafeNamesReason("../x", "build"),
    "Item ID '../x' cannot be used in file names: only letters, digits, '.', '_' and '-' are allowed, starting with a letter or digit",
  );
  assert.match(
    unsafeNamesReason("WRK-1", "a\nb")!,
    /^Phase name "a\\nb" cannot be used in file names: /,
  );
  assert.match(unsafeNamesReason("WRK-1", "a..b")!, /: '\.\.' is not allowed$/);
});

Deno.test("slugify() lower-cases, replaces non-alphanumerics and trims dashes", () => {
  assert.equal(slugify("Add OAuth2 login (v2)!"), "add-oauth2-login-v2");
  assert.equal(slugify("../../etc/passwd"), "etc-passwd");
  assert.equal(slugify("Ünïcode  ✓ done"), "n-code-done");
  assert.equal(slugify("!!!"), "");
  assert.equal(slugify("a".repeat(200)).length, 80);
});

Deno.test("ensureChangeFolder() finds by prefix, creates from the title, stays inside the root", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const outside = await Deno.realPath(await Deno.makeTempDir());
  const fs = new DenoFileSystem();
  try {
    const made = await ensureChangeFolder("WRK-001", "Add a parser", { fs, root });
    assert.equal(made, `${root}/changes/WRK-001_add-a-parser`);
    assert.ok((await Deno.stat(made)).isDirectory);
    // Found again by its prefix even after a title change.
    assert.equal(await ensureChangeFolder("WRK-001", "Renamed", { fs, root }), made);
    assert.equal(
      await ensureChangeFolder("WRK-002", "!!!", { fs, root }),
      `${root}/changes/WRK-002_untitled`,
    );
    await assert.rejects(() => ensureChangeFolder("../x", "t", { fs, root }), /Unsafe item ID/);
    // A symlinked change folder pointing outside the root is refused.
    await Deno.symlink(outside, `${root}/changes/WRK-003_evil`);
    await assert.rejects(
      () => ensureChangeFolder("WRK-003", "t", { fs, root }),
      /resolves outside the project root/,
    );
    // So is a changes/ directory that is a symlink to elsewhere; nothing is created there.
    await Deno.remove(`${root}/changes`, { recursive: true });
    await Deno.symlink(outside, `${root}/changes`);
    await assert.rejects(
      () => ensureChangeFolder("WRK-004", "t", { fs, root }),
      /changes\/ resolves outside/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(outside)), []);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});
