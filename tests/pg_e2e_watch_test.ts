// `pg run --watch` end to end (issue 10 §5): the real CLI, a fake `claude`
// on PATH, `tg add` from outside while pg waits.

import assert from "node:assert/strict";
import { e2eItem, e2eProject, untimed, waitFor } from "./_pg_e2e.ts";

/** Reads a stream as it comes; `text()` is what arrived so far (timestamps removed). */
function collect(stream: ReadableStream<Uint8Array>): { text(): string; done: Promise<void> } {
  let text = "";
  const done = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of stream) text += dec.decode(chunk, { stream: true });
  })();
  return { text: () => untimed(text), done };
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

Deno.test("e2e: pg run --watch commits, triages and runs an item added with tg add; another dirty file holds it; SIGTERM ends the wait", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "Blocked")]);
  try {
    await p.scenarios({
      "*/triage/*": { result: { updated_assessments: { size: "small", risk: "low" } } },
    });
    const child = p.spawnPg(["run", "--watch"]);
    const err = collect(child.stderr);
    const stdout = child.stdout.cancel();
    const waits = () => count(err.text(), "Waiting for work: watching .task-golem/");
    await waitFor(() => Promise.resolve(waits() === 1), 20_000);
    const head = await p.git("rev-parse", "HEAD");

    await Deno.writeTextFile(`${p.dir}/notes.txt`, "someone's notes\n");
    const added = await p.tg(["add", "Write the docs"]);
    assert.equal(added.code, 0, added.stderr);
    const id = added.stdout.trim().split(/\s+/).find((w) => /^[A-Za-z]+-\w+$/.test(w))!;
    await waitFor(() =>
      Promise.resolve(
        err.text().includes(
          "Waiting: the backlog has work, but there are uncommitted changes outside .task-golem/: " +
            "notes.txt. Commit or discard them; pg goes on once only .task-golem/ has changes.",
        ),
      )
    );
    assert.deepEqual(await p.calls(), [], "held: no agent");
    assert.equal(await p.git("rev-parse", "HEAD"), head, "held: no commit");

    await Deno.remove(`${p.dir}/notes.txt`);
    await waitFor(() => Promise.resolve(waits() === 2), 20_000);
    assert.deepEqual(
      (await p.calls()).map((c) => `${c.item} ${c.phase}`),
      [`${id} triage`, `${id} prd`, `${id} build`, `${id} review`],
      err.text(),
    );

    child.kill("SIGTERM");
    const status = await child.status;
    await stdout;
    await err.done;
    const text = err.text();
    assert.equal(status.code, 0, text);
    assert.match(text, /Received SIGTERM; shutting down gracefully\n/);
    assert.ok(text.includes(`Phases executed: 4\nItems completed: ${id}\n`), "the whole session");
    assert.match(text, /Halt reason: ShutdownRequested\n$/);
    const subjects = await p.subjects();
    const backlog = subjects.indexOf("[phase-golem] Backlog changes");
    assert.ok(backlog > 0, subjects.join("\n"));
    assert.ok(
      subjects.slice(0, backlog).some((s) => s.startsWith(`[${id}][triage]`)),
      "triaged after the backlog commit",
    );
    assert.equal(await p.item(id), null, "done and archived");
    assert.equal(await p.git("status", "--porcelain"), "", "nothing left uncommitted");
  } finally {
    await p.cleanup();
  }
});
