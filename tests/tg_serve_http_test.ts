/**
 * `tg serve` over raw HTTP: the URL line, the security checks (Host, token,
 * Origin, read-only, no CORS, CSP) with the store unchanged after every
 * refused write, changes through the store operations with the CLI's
 * messages, the event stream, and a clean stop on SIGTERM and SIGINT.
 */

import assert from "node:assert/strict";
import { type ServeProcess, startServe, until } from "./_browser.ts";
import { tempRepo, tg } from "./_helpers.ts";

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends one HTTP/1.1 request as written, over a plain TCP connection. */
async function raw(port: number, request: string): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(request));
    let text = "";
    const buf = new Uint8Array(65536);
    const dec = new TextDecoder();
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n), { stream: true });
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) continue;
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, end));
      if (length !== null && text.length - end - 4 >= Number(length[1])) break;
    }
    const [head, ...rest] = text.split("\r\n\r\n");
    const lines = head!.split("\r\n");
    const status = Number(lines[0]!.split(" ")[1]);
    const headers = new Map<string, string>();
    for (const l of lines.slice(1)) {
      const i = l.indexOf(":");
      headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 1).trim());
    }
    return { status, headers, body: rest.join("\r\n\r\n") };
  } finally {
    conn.close();
  }
}

interface Req {
  method?: string;
  path: string;
  host?: string | null;
  token?: string | null;
  origin?: string | null;
  body?: string;
  type?: string | null;
  extra?: string[];
}

function request(s: ServeProcess, r: Req): Promise<RawResponse> {
  const lines = [`${r.method ?? "GET"} ${r.path} HTTP/1.1`];
  const host = r.host === undefined ? `127.0.0.1:${s.port}` : r.host;
  if (host !== null) lines.push(`Host: ${host}`);
  if (r.token !== undefined && r.token !== null) lines.push(`X-Golem-Token: ${r.token}`);
  if (r.origin !== undefined && r.origin !== null) lines.push(`Origin: ${r.origin}`);
  if (r.body !== undefined) {
    if (r.type !== null) lines.push(`Content-Type: ${r.type ?? "application/json"}`);
    lines.push(`Content-Length: ${new TextEncoder().encode(r.body).length}`);
  }
  lines.push(...(r.extra ?? []), "Connection: close", "", r.body ?? "");
  return raw(s.port, lines.join("\r\n"));
}

/** A write as the page sends it. */
function post(s: ServeProcess, path: string, body: unknown, over: Partial<Req> = {}) {
  return request(s, {
    method: "POST",
    path,
    token: s.token,
    origin: s.origin,
    body: JSON.stringify(body),
    ...over,
  });
}

async function storeBytes(dir: string): Promise<string> {
  const files = ["tasks.jsonl", "archive.jsonl", "events.jsonl"];
  const parts = await Promise.all(
    files.map((f) => Deno.readTextFile(`${dir}/.task-golem/${f}`).catch(() => "")),
  );
  return parts.join("\n---\n");
}

async function project(): Promise<{ dir: string; ids: string[]; cleanup: () => Promise<void> }> {
  const repo = await tempRepo();
  await tg(["init"], { cwd: repo.dir });
  const ids: string[] = [];
  for (const title of ["Write the parser", "Ship it", "Hostile <script>alert(1)</script>"]) {
    const out = await tg(["add", title, "--json"], { cwd: repo.dir });
    ids.push(JSON.parse(out.stdout).id);
  }
  return { dir: repo.dir, ids, cleanup: repo.cleanup };
}

async function withServe(
  args: string[],
  fn: (s: ServeProcess, p: { dir: string; ids: string[] }) => Promise<void>,
): Promise<void> {
  const p = await project();
  const s = await startServe(p.dir, args);
  try {
    await fn(s, p);
  } finally {
    await s.stop();
    await p.cleanup();
  }
}

Deno.test("tg serve prints its URL first, serves the page with a strict CSP, and stops on SIGTERM", async () => {
  const p = await project();
  const s = await startServe(p.dir);
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    const page = await request(s, { path: "/" });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    const csp = page.headers.get("content-security-policy")!;
    for (
      const d of [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
      ]
    ) assert.ok(csp.includes(d), `CSP has ${d}`);
    assert.ok(!csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"));
    assert.equal(page.headers.get("x-frame-options"), "DENY");
    assert.equal(page.headers.get("referrer-policy"), "no-referrer");
    assert.doesNotMatch(page.body, /<script>(?!<\/script>)|style=/, "no inline script or style");
    for (const asset of ["/assets/app.js", "/assets/app.css", "/assets/inter.woff2"]) {
      const r = await request(s, { path: asset });
      assert.equal(r.status, 200, asset);
      assert.ok(r.headers.has("content-security-policy"));
    }
    const board = await request(s, { path: "/api/board", token: s.token });
    assert.equal(board.status, 200);
    const data = JSON.parse(board.body);
    assert.deepEqual(data.items.map((c: { id: string }) => c.id).sort(), [...p.ids].sort());
    assert.equal(data.meta.readOnly, false);
  } finally {
    assert.equal(await s.stop("SIGTERM"), 0, "exits 0 on SIGTERM");
    assert.match(s.stderr(), /Stopped\n$/);
    await p.cleanup();
  }
});

Deno.test("tg serve stops cleanly on SIGINT with an event stream open", async () => {
  const p = await project();
  const s = await startServe(p.dir);
  try {
    const res = await fetch(`${s.origin}/api/events?token=${s.token}`);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /event: hello\ndata: \{"version":\d+\}/);
    assert.equal(await s.stop("SIGINT"), 0);
    while (!(await reader.read()).done) { /* the server ends the stream */ }
  } finally {
    await p.cleanup();
  }
});

Deno.test("tg serve refuses a request for another Host with 421 (DNS rebinding)", async () => {
  await withServe([], async (s) => {
    for (const host of ["evil.example", `evil.example:${s.port}`, "127.0.0.1", null]) {
      for (const path of ["/", "/api/board", "/assets/app.js"]) {
        const r = await request(s, { path, host, token: s.token });
        assert.equal(r.status, 421, `${host} ${path}`);
        assert.ok(!r.body.includes("tg-"), "no data");
      }
    }
    const write = await post(s, "/api/items", { title: "x" }, { host: `attacker.test:${s.port}` });
    assert.equal(write.status, 421);
    assert.equal((await request(s, { path: "/", host: `localhost:${s.port}` })).status, 200);
  });
});

Deno.test("tg serve refuses writes without the token, with another token or from another Origin, changing nothing", async () => {
  await withServe([], async (s, p) => {
    const before = await storeBytes(p.dir);
    const id = p.ids[0]!;
    const cases: [string, Partial<Req>, number][] = [
      ["no token", { token: null }, 403],
      ["a wrong token", { token: "x".repeat(43) }, 403],
      ["the token in the query only", {
        token: null,
        path: `/api/items/${id}/done?token=${s.token}`,
      }, 403],
      ["no Origin", { origin: null }, 403],
      ["another Origin", { origin: "http://evil.example" }, 403],
      ["another port's Origin", { origin: `http://127.0.0.1:${s.port + 1}` }, 403],
      ["a cross-site fetch", { extra: ["Sec-Fetch-Site: cross-site"] }, 403],
      ["a form's content type", { type: "application/x-www-form-urlencoded" }, 415],
      ["no content type", { type: null }, 415],
    ];
    for (const [what, over, status] of cases) {
      const r = await post(s, `/api/items/${id}/done`, {}, over);
      assert.equal(r.status, status, what);
      assert.ok(JSON.parse(r.body).error, what);
      const add = await post(s, "/api/items", { title: "Injected" }, over);
      assert.equal(add.status, status, `add with ${what}`);
    }
    const preflight = await request(s, {
      method: "OPTIONS",
      path: "/api/items",
      origin: "http://evil.example",
      extra: ["Access-Control-Request-Method: POST"],
    });
    assert.equal(preflight.status, 403);
    assert.ok(![...preflight.headers.keys()].some((h) => h.startsWith("access-control-")));
    const read = await request(s, { path: "/api/board" });
    assert.equal(read.status, 403, "reads need the token too");
    assert.equal(await storeBytes(p.dir), before, "the store is unchanged");
    const ok = await post(s, `/api/items/${id}/do`, {});
    assert.equal(ok.status, 200);
    assert.ok(![...ok.headers.keys()].some((h) => h.startsWith("access-control-")), "no CORS");
  });
});

Deno.test("tg serve --read-only refuses every write, and still serves the board", async () => {
  await withServe(["--read-only"], async (s, p) => {
    const before = await storeBytes(p.dir);
    const id = p.ids[0]!;
    const writes: [string, unknown][] = [
      ["/api/items", { title: "New" }],
      ...["do", "done", "todo", "block", "unblock"].map((a) =>
        [`/api/items/${id}/${a}`, {}] as [
          string,
          unknown,
        ]
      ),
      [`/api/items/${id}/edit`, { title: "Renamed" }],
      [`/api/items/${id}/note`, { text: "A note" }],
    ];
    for (const [path, body] of writes) {
      const r = await post(s, path, body);
      assert.equal(r.status, 403, path);
      assert.equal(JSON.parse(r.body).error, "The board is read-only (tg serve --read-only)");
    }
    assert.equal(await storeBytes(p.dir), before);
    const board = JSON.parse((await request(s, { path: "/api/board", token: s.token })).body);
    assert.equal(board.meta.readOnly, true);
    assert.equal(board.items.length, 3);
    assert.match(s.stderr(), /\(read-only\)/);
  });
});

Deno.test("tg serve changes the store through the store operations, with the CLI's messages and errors", async () => {
  await withServe([], async (s, p) => {
    const [a, b] = p.ids as [string, string];
    const started = await post(s, `/api/items/${a}/do`, {});
    assert.equal(started.status, 200);
    assert.match(
      JSON.parse(started.body).message,
      new RegExp(`^Started: ${a} - Write the parser \\[doing\\]$`),
    );
    const again = JSON.parse((await post(s, `/api/items/${a}/do`, {})).body);
    assert.equal(again.message, "Already doing (no change)");
    const blocked = await post(s, `/api/items/${b}/block`, { reason: "waiting for a key" });
    assert.equal(blocked.status, 200);
    // The same refusal from the page and from the CLI: message and hint.
    const page = await post(s, `/api/items/${b}/done`, {});
    const cli = await tg(["done", b], { cwd: p.dir });
    assert.equal(page.status, 409);
    const err = JSON.parse(page.body);
    assert.equal(cli.code, 1);
    assert.equal(cli.stderr, `Error: ${err.error}\nhint: ${err.hint}\n`);
    assert.equal(err.error, "Invalid transition: blocked cannot transition to done");
    for (
      const [path, body, cliArgs] of [
        ["/api/items", { title: "  " }, ["add", "  "]],
        ["/api/items", { title: "T", deps: ["nope"] }, ["add", "T", "--dep", "nope"]],
        [`/api/items/${a}/edit`, { priority: "high" }, ["edit", a, "--priority", "high"]],
        [`/api/items/${a}/note`, { text: "" }, ["note", a, ""]],
        ["/api/items/zzzzz/do", {}, ["do", "zzzzz"]],
        [`/api/items/${a}/unblock`, {}, ["unblock", a]],
      ] as [string, unknown, string[]][]
    ) {
      const r = JSON.parse((await post(s, path, body)).body);
      const c = await tg(cliArgs, { cwd: p.dir });
      const cliMessage = c.stderr.split("\n")[0]!.replace(/^(Error|error): /, "");
      assert.equal(r.error, cliMessage, `${path} ${JSON.stringify(body)}`);
    }
    const added = JSON.parse(
      (await post(s, "/api/items", { title: "From the page", tags: ["ui"], priority: "3" })).body,
    );
    const id = /^Created item: (\S+) - From the page$/.exec(added.message)![1]!;
    assert.equal(
      JSON.parse(
        (await post(s, `/api/items/${id}/edit`, { addTags: ["web"], rmTags: ["ui"], priority: -2 }))
          .body,
      )
        .message,
      `Updated item: ${id} - From the page`,
    );
    assert.equal(
      JSON.parse((await post(s, `/api/items/${id}/note`, { text: "Looks good" })).body).message,
      `Noted: ${id} - Looks good`,
    );
    const shown = JSON.parse((await tg(["show", id, "--json"], { cwd: p.dir })).stdout);
    assert.deepEqual([shown.tags, shown.priority], [["web"], -2]);
    const events = (await tg(["events", id, "--json"], { cwd: p.dir })).stdout.trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => [e.type, e.text, e.author]), [[
      "note",
      "Looks good",
      "board",
    ]]);
    const detail = await request(s, { path: `/api/items/${id}`, token: s.token });
    assert.equal(JSON.parse(detail.body).events[0].text, "Looks good");
  });
});

Deno.test("tg serve pushes a change made by another process to the event stream", async () => {
  await withServe([], async (s, p) => {
    const res = await fetch(`${s.origin}/api/events?token=${s.token}`);
    const reader = res.body!.getReader();
    let text = "";
    const dec = new TextDecoder();
    const pump = (async () => {
      while (true) {
        const { done, value } = await reader.read();
        if (done) return;
        text += dec.decode(value, { stream: true });
      }
    })();
    await until(() => text.includes("event: hello"), 5000, "hello");
    const t0 = Date.now();
    await tg(["add", "Added elsewhere"], { cwd: p.dir });
    const wrote = Date.now();
    await until(() => text.includes("Added elsewhere"), 5000, "the patch");
    const patch = JSON.parse(/event: patch\ndata: (.*)\n/.exec(text)![1]!);
    assert.equal(patch.upsert[0].title, "Added elsewhere");
    assert.ok(Date.now() - wrote < 1000, `pushed within 1 s of the write (${Date.now() - t0} ms)`);
    await reader.cancel();
    await pump.catch(() => {});
  });
});

Deno.test("tg serve answers 404 for unknown paths and items, 405 for other methods on assets", async () => {
  await withServe([], async (s) => {
    assert.equal((await request(s, { path: "/nope" })).status, 404);
    assert.equal((await request(s, { path: "/api/nope", token: s.token })).status, 404);
    const missing = await request(s, { path: "/api/items/zzzzz", token: s.token });
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).error, "Item not found: zzzzz");
    assert.equal((await request(s, { method: "DELETE", path: "/" })).status, 405);
  });
});

Deno.test("tg serve refuses a wildcard --host and a port that is in use", async () => {
  const p = await project();
  try {
    const wild = await tg(["serve", "--host", "0.0.0.0"], { cwd: p.dir });
    assert.equal(wild.code, 1);
    assert.match(wild.stderr, /^Error: Cannot serve on '0\.0\.0\.0': /);
    const s = await startServe(p.dir);
    try {
      const busy = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL("../cli/tg.ts", import.meta.url).pathname,
          "serve",
          "--port",
          String(s.port),
        ],
        cwd: p.dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(busy.code, 1);
      assert.match(
        new TextDecoder().decode(busy.stderr),
        new RegExp(`^Error: Cannot listen on 127\\.0\\.0\\.1:${s.port}: the port is in use`),
      );
    } finally {
      await s.stop();
    }
  } finally {
    await p.cleanup();
  }
});
