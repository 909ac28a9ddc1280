import assert from "node:assert/strict";
import {
  checkResultPath,
  cleanupResultFiles,
  MAX_RESULT_BYTES,
  readResultFile,
  removeStaleResultFile,
  safeResultPath,
  unsafeNameReason,
} from "./result_file.ts";

const VALID = '{"item_id":"WRK-001","phase":"prd","result":"failed","summary":"No"}';

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "pg-result-" });
  try {
    await Deno.mkdir(`${root}/.phase-golem`);
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return (await Deno.lstat(path).catch(() => null)) !== null;
}

Deno.test("unsafeNameReason() names the broken rule", () => {
  assert.equal(unsafeNameReason(""), "it is empty");
  assert.equal(unsafeNameReason("a".repeat(200)), null);
  assert.equal(unsafeNameReason("a".repeat(201)), "it is longer than 200 characters");
  assert.equal(unsafeNameReason("a..b"), "'..' is not allowed");
  assert.equal(
    unsafeNameReason(".x"),
    "only letters, digits, '.', '_' and '-' are allowed, starting with a letter or digit",
  );
  assert.equal(unsafeNameReason("WRK-001"), null);
  assert.equal(unsafeNameReason("é"), unsafeNameReason(".x"));
});

Deno.test("safeResultPath() keeps the root as given", () => {
  assert.equal(
    safeResultPath(".", "WRK-001", "spec"),
    "./.phase-golem/phase_result_WRK-001_spec.json",
  );
  assert.equal(
    safeResultPath("/srv/p/", "WRK-001", "triage"),
    "/srv/p/.phase-golem/phase_result_WRK-001_triage.json",
  );
});

Deno.test("checkResultPath() accepts relative and absolute spellings of the same file", async () => {
  await withRoot(async (root) => {
    assert.equal(await checkResultPath(root, safeResultPath(root, "A-1", "p")), null);
    assert.equal(
      await checkResultPath(root, `${root}/x/../.phase-golem/phase_result_A-1_p.json`),
      null,
    );
    assert.match(
      (await checkResultPath(root, `${root}/.phase-golem/phase_result_.json`))!,
      /^not a phase_result_\*\.json file directly in /,
    );
  });
});

Deno.test("checkResultPath() refuses when .phase-golem is a file", async () => {
  await withRoot(async (root) => {
    await Deno.remove(`${root}/.phase-golem`);
    await Deno.writeTextFile(`${root}/.phase-golem`, "");
    assert.match(
      (await checkResultPath(root, safeResultPath(root, "A-1", "p")))!,
      /^cannot create .*\.phase-golem: /,
    );
  });
});

Deno.test("removeStaleResultFile() warns only when it deleted something", async () => {
  await withRoot(async (root) => {
    const path = safeResultPath(root, "WRK-001", "prd");
    assert.equal(await removeStaleResultFile(path), null);
    await Deno.writeTextFile(path, "old");
    assert.equal(
      await removeStaleResultFile(path),
      `Warning: Stale result file found at ${path}, deleted`,
    );
    assert.equal(await exists(path), false);
  });
});

Deno.test("readResultFile() reads, validates and deletes a valid file", async () => {
  await withRoot(async (root) => {
    const path = safeResultPath(root, "WRK-001", "prd");
    await Deno.writeTextFile(path, VALID);
    const r = await readResultFile(path);
    assert.ok(r.ok);
    assert.equal(r.result.summary, "No");
    assert.equal(await exists(path), false);
  });
});

Deno.test("readResultFile() reasons: missing, not regular, too big, not UTF-8, schema error", async () => {
  await withRoot(async (root) => {
    const path = safeResultPath(root, "WRK-001", "prd");
    assert.deepEqual(await readResultFile(path), {
      ok: false,
      reason: `Result file not found: ${path}`,
    });

    // A symlink is not followed (the target outside .phase-golem/ is not read).
    await Deno.writeTextFile(`${root}/outside.json`, VALID);
    await Deno.symlink(`${root}/outside.json`, path);
    assert.deepEqual(await readResultFile(path), {
      ok: false,
      reason: `Failed to read result file ${path}: not a regular file`,
    });
    await Deno.remove(path);
    assert.equal(await Deno.readTextFile(`${root}/outside.json`), VALID);

    await Deno.mkdir(path);
    assert.deepEqual(await readResultFile(path), {
      ok: false,
      reason: `Failed to read result file ${path}: not a regular file`,
    });
    await Deno.remove(path);

    const big = await Deno.open(path, { write: true, create: true });
    await big.truncate(MAX_RESULT_BYTES + 1);
    big.close();
    assert.deepEqual(await readResultFile(path), {
      ok: false,
      reason: `Failed to read result file ${path}: ${
        MAX_RESULT_BYTES + 1
      } bytes is more than the 16 MiB a result file may have`,
    });

    await Deno.writeFile(path, new Uint8Array([0x7b, 0xff, 0x7d]));
    assert.deepEqual(await readResultFile(path), {
      ok: false,
      reason: `Failed to read result file ${path}: stream did not contain valid UTF-8`,
    });

    await Deno.writeTextFile(path, '{"item_id":"WRK-001","phase":"prd","result":"done"}');
    assert.deepEqual(await readResultFile(path), {
      ok: false,
      reason:
        `Failed to parse result JSON from ${path}: result: unknown variant \`done\`, expected one of \`subphase_complete\`, \`phase_complete\`, \`failed\`, \`blocked\`; missing field \`summary\``,
    });
    // A bad file stays for the cleanup.
    assert.equal(await exists(path), true);
  });
});

Deno.test("cleanupResultFiles() deletes only regular phase_result_*.json files", async () => {
  await withRoot(async (root) => {
    const dir = `${root}/.phase-golem`;
    await Deno.writeTextFile(`${dir}/phase_result_WRK-001_prd.json`, VALID);
    await Deno.writeTextFile(`${dir}/phase_result_x.json`, "bad");
    await Deno.writeTextFile(`${dir}/phase-golem.pid`, "1\n");
    await Deno.writeTextFile(`${dir}/phase_result_WRK-001_prd.json.tmp`, "");
    await Deno.writeTextFile(`${dir}/other.json`, "{}");
    await Deno.mkdir(`${dir}/phase_result_dir.json`);
    await Deno.writeTextFile(`${root}/victim.json`, "keep");
    await Deno.symlink(`${root}/victim.json`, `${dir}/phase_result_link.json`);
    const report = await cleanupResultFiles(root, "run");
    assert.deepEqual(report, {
      deleted: 2,
      message: "[run] Cleaned up 2 stale result file(s) from .phase-golem/",
    });
    const left = [];
    for await (const e of Deno.readDir(dir)) left.push(e.name);
    assert.deepEqual(left.sort(), [
      "other.json",
      "phase-golem.pid",
      "phase_result_WRK-001_prd.json.tmp",
      "phase_result_dir.json",
      "phase_result_link.json",
    ]);
    assert.equal(await Deno.readTextFile(`${root}/victim.json`), "keep");
    assert.deepEqual(await cleanupResultFiles(root, "triage"), { deleted: 0, message: null });
  });
});

Deno.test("cleanupResultFiles() has nothing to do without .phase-golem/ and warns on errors", async () => {
  await withRoot(async (root) => {
    await Deno.remove(`${root}/.phase-golem`);
    assert.deepEqual(await cleanupResultFiles(root, "run"), { deleted: 0, message: null });
    await Deno.symlink("/", `${root}/.phase-golem`);
    assert.deepEqual(await cleanupResultFiles(root, "run"), { deleted: 0, message: null });
    await Deno.remove(`${root}/.phase-golem`);
    if (Deno.uid() === 0) return; // root ignores directory permissions
    await Deno.mkdir(`${root}/.phase-golem`);
    await Deno.writeTextFile(`${root}/.phase-golem/phase_result_a.json`, "x");
    await Deno.chmod(`${root}/.phase-golem`, 0o500);
    const warnings: string[] = [];
    const report = await cleanupResultFiles(root, "run", { onWarning: (m) => warnings.push(m) });
    await Deno.chmod(`${root}/.phase-golem`, 0o700);
    assert.equal(report.deleted, 0);
    assert.match(
      warnings[0]!,
      /^Warning: Failed to delete stale result file .*phase_result_a\.json: /,
    );
  });
});
