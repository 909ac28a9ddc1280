/**
 * The package as JSR gets it. The files `deno publish --dry-run` lists are
 * copied to a temp folder, and `tg` and `pg` run from that copy with the
 * permissions of the README's install commands, offline (https goes to a
 * dead proxy, npm packages come from Deno's cache): once as local files, and
 * once installed with the README's `deno install` commands from the files
 * served over HTTP as https://jsr.io serves them, then run with the server
 * stopped. So nothing depends on the checkout, on the modules being files
 * (the query worker, `deno.json` read as the version) or on anything the
 * install does not cache. The install commands of the README and
 * of the CLIs' module docs are checked against `deno.json`: its exports, the
 * install and compile tasks.
 */

import assert from "node:assert/strict";
import { WIRE_OPENING, wireExchange } from "./_mcp.ts";
import { startServe } from "./_browser.ts";
import { dirname, extname, join } from "node:path";
import { type Output, REPO_ROOT, run, tempRepo } from "./_helpers.ts";
import {
  denoConfig,
  type DocCommand,
  docCommands,
  publishedFiles,
  readmeInstallSection,
  shellWords,
  taskPrograms,
} from "./_package.ts";

const PROGRAMS = ["tg", "pg"] as const;
type Program = typeof PROGRAMS[number];

/** Every https request fails: the runs below must need no network. */
const OFFLINE: Record<string, string> = { HTTPS_PROXY: "http://127.0.0.1:9" };

Deno.test("deno publish --dry-run takes the library, the CLIs and their worker, nothing test-only", async () => {
  const files = await publishedFiles();
  const config = await denoConfig();
  for (const path of Object.values(config.exports)) {
    assert.ok(files.includes(path.replace(/^\.\//, "")), `export ${path} is published`);
  }
  for (
    const path of ["deno.json", "README.md", "cli/tg/_query_worker.ts", "cli/pg/_demo_agent.ts"]
  ) {
    assert.ok(files.includes(path), `${path} is published`);
  }
  const testOnly = files.filter((f) =>
    /(^|\/)tests?\/|_test\.ts$|_bench\.ts$|(^|\/)_testing\/|^\.github\//.test(f)
  );
  assert.deepEqual(testOnly, []);
  // Everything under cli/ ships (new commands and assets too), except tests.
  const cli: string[] = [];
  for await (const path of walk(`${REPO_ROOT}/cli`)) {
    if (!/_test\.ts$|_bench\.ts$/.test(path)) cli.push(path.slice(REPO_ROOT.length + 1));
  }
  assert.deepEqual(files.filter((f) => f.startsWith("cli/")), cli.sort());
});

Deno.test("the install commands of the README and the CLIs' module docs match deno.json: exports, install and compile tasks", async () => {
  const config = await denoConfig();
  const section = await readmeInstallSection();
  const commands = docCommands(section);
  // Versions the section shows besides pinned specifiers: `v=…`, archive names.
  const shown = [...section.matchAll(/\bv=([\w.-]+)|golem-v(\d[\w.-]*?)-[a-z]/g)]
    .map((m) => m[1] ?? m[2]);
  assert.deepEqual(new Set(shown), new Set([config.version]), "versions shown in Install");
  const installed = new Map(taskPrograms(config.tasks.install!).map((p) => [p.name, p]));
  const compiled = new Map(taskPrograms(config.tasks.compile!).map((p) => [p.name, p]));
  const cliExports = Object.keys(config.exports).filter((k) => k !== ".").sort();
  assert.deepEqual(cliExports, PROGRAMS.map((p) => `./${p}`).sort(), "exports: ., ./tg, ./pg");

  // The entry points' module docs (JSR shows them) give the same commands.
  const moduleDocs = await Promise.all(
    cliExports.map((k) => Deno.readTextFile(`${REPO_ROOT}/${config.exports[k]}`)),
  );
  const documented = moduleDocs.flatMap((text) => docCommands(text.slice(0, text.indexOf("*/"))));
  assert.deepEqual(documented.map((c) => c.subpath).sort(), ["./pg", "./pg", "./tg", "./tg"]);

  for (const c of [...commands, ...documented]) {
    assert.equal(c.pkg, config.name, c.line);
    if (c.version !== undefined) assert.equal(c.version, config.version, `pinned: ${c.line}`);
    assert.ok(c.subpath in config.exports, `${c.subpath} is exported: ${c.line}`);
    if (c.kind === "install") assert.equal(`./${c.name}`, c.subpath, `-n matches: ${c.line}`);
    if (c.subpath === ".") continue;
    const program = installed.get(c.subpath.slice(2));
    assert.ok(program, `deno task install installs ${c.subpath}`);
    assert.deepEqual(c.permissions, program.permissions, `permissions of ${c.line}`);
  }
  for (const name of PROGRAMS) {
    const entry = config.exports[`./${name}`]!;
    const kinds = commands.filter((c) => c.subpath === `./${name}`).map((c) => c.kind);
    assert.ok(
      kinds.includes("install") && kinds.includes("run"),
      `README installs and runs ${name}`,
    );
    assert.equal(`./${installed.get(name)?.entry}`, entry, `deno task install uses ${entry}`);
    assert.equal(`./${compiled.get(name)?.entry}`, entry, `deno task compile uses ${entry}`);
    assert.deepEqual(
      compiled.get(name)?.permissions,
      installed.get(name)?.permissions,
      `the compiled ${name} gets the installed one's permissions`,
    );
  }
  assert.ok(
    compiled.get("tg")?.words.join(" ").includes("--include cli/tg/_query_worker.ts"),
    "the compiled tg includes the query worker",
  );
});

Deno.test("tg and pg run from a copy of the published files with the README's permissions, offline", async (t) => {
  const pkg = await copyPublished();
  const repo = await tempRepo();
  try {
    const config = await denoConfig();
    const install = { tg: await readmeInstall("tg"), pg: await readmeInstall("pg") };
    await exercise(t, repo.dir, (program, args) => ({
      cmd: Deno.execPath(),
      args: [
        "run",
        "--quiet",
        ...install[program].permissions,
        // The import map JSR applies on publish; no lock file is published.
        "--config",
        `${pkg}/deno.json`,
        "--no-lock",
        join(pkg, config.exports[`./${program}`]!),
        ...args,
      ],
      env: OFFLINE,
    }));
  } finally {
    await repo.cleanup();
    await Deno.remove(pkg, { recursive: true });
  }
});

Deno.test("the README's deno install from the published files, served over HTTP as JSR serves them, gives a tg and pg that run offline", async (t) => {
  const config = await denoConfig();
  const pkg = await copyPublished();
  const repo = await tempRepo();
  const root = await Deno.makeTempDir({ prefix: "golem-install-root-" });
  // A fresh module cache, so that every module comes from the server; npm
  // packages from the usual cache.
  const denoDir = await Deno.makeTempDir({ prefix: "golem-deno-dir-" });
  const info = await run(Deno.execPath(), ["info", "--json"], { cwd: REPO_ROOT });
  await Deno.symlink(JSON.parse(info.stdout).npmCache, `${denoDir}/npm`);
  const env = {
    ...OFFLINE,
    DENO_DIR: denoDir,
    PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH")}`,
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => serveFile(pkg, new URL(req.url).pathname),
  );
  let serving = true;
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    for (const program of PROGRAMS) {
      const words = shellWords((await readmeInstall(program)).line);
      const out = await run(Deno.execPath(), [
        ...words.slice(1, -1),
        "--root",
        root,
        // What a jsr: specifier gets without flags: JSR rewrites bare
        // specifiers through this import map, and jsr.io is an allowed import.
        "--import-map",
        `${origin}/deno.json`,
        `--allow-import=127.0.0.1:${server.addr.port}`,
        new URL(config.exports[`./${program}`]!, `${origin}/`).href,
      ], { cwd: repo.dir, env });
      assert.equal(out.code, 0, `${words.join(" ")}: ${out.stderr}`);
    }
    // With the server gone, the programs have only what the install cached.
    await server.shutdown();
    serving = false;
    await exercise(t, repo.dir, (program, args) => ({ cmd: `${root}/bin/${program}`, args, env }));
  } finally {
    if (serving) await server.shutdown();
    await repo.cleanup();
    for (const dir of [pkg, root, denoDir]) await Deno.remove(dir, { recursive: true });
  }
});

/** How to run a program with some arguments. */
interface Invocation {
  cmd: string;
  args: string[];
  env: Record<string, string>;
}

/** Runs the commands an installed `tg` and `pg` must run, in `dir` (a git repository). */
async function exercise(
  t: Deno.TestContext,
  dir: string,
  invoke: (program: Program, args: string[]) => Invocation,
): Promise<void> {
  const { version } = await denoConfig();
  const cli = (program: Program, args: string[]): Promise<Output> => {
    const i = invoke(program, args);
    return run(i.cmd, i.args, { cwd: dir, env: i.env });
  };
  const ok = async (program: Program, ...args: string[]): Promise<string> => {
    const r = await cli(program, args);
    assert.equal(r.code, 0, `${program} ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  await t.step("tg --version", async () => {
    assert.equal(await ok("tg", "--version"), `tg ${version}\n`);
  });
  await t.step("tg init, add, list", async () => {
    await ok("tg", "init");
    assert.match(await ok("tg", "add", "Ship it"), /^Created item: tg-\w+ - Ship it\n$/);
    assert.match(await ok("tg", "list"), /todo +0 +Ship it\n/);
  });
  await t.step("tg query (its worker is loaded by URL)", async () => {
    const out = await ok("tg", "query", "--json", "SELECT title FROM tasks");
    assert.deepEqual(JSON.parse(out), { columns: ["title"], rows: [["Ship it"]] });
  });
  await t.step("tg mcp (its SDK is imported only when it runs)", async () => {
    const i = invoke("tg", ["mcp"]);
    const wire = await wireExchange(i.cmd, i.args, dir, [
      ...WIRE_OPENING,
      { id: 2, method: "tools/list" },
      { id: 3, method: "tools/call", params: { name: "list", arguments: {} } },
    ], i.env);
    assert.equal(wire.code, 0, wire.stderr);
    const result = (id: number) => JSON.parse(wire.answers.get(id)!).result;
    assert.equal(result(2).tools.length, 15);
    assert.deepEqual(result(3).structuredContent.items.map((it: { title: string }) => it.title), [
      "Ship it",
    ]);
  });
  await t.step("tg serve (its page is embedded in the package)", async () => {
    const i = invoke("tg", []);
    const server = await startServe(dir, [], i.env, { cmd: i.cmd, args: i.args });
    try {
      const page = await fetch(`${server.origin}/`);
      assert.equal(page.status, 200);
      const html = await page.text();
      const scripts = [...html.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(scripts.length > 0, html);
      for (const src of scripts) {
        const script = await fetch(new URL(src, server.origin));
        assert.equal(script.status, 200, src);
        assert.ok((await script.text()).length > 10_000, `${src} is the bundle`);
      }
      const board = await fetch(`${server.origin}/api/board`, {
        headers: { "x-golem-token": server.token },
      });
      assert.equal(board.status, 200);
      assert.match(await board.text(), /"Ship it"/);
    } finally {
      assert.equal(await server.stop(), 0, server.stderr());
    }
  });
  await t.step("pg --version, --help", async () => {
    assert.equal(await ok("pg", "--version"), `pg ${version}\n`);
    assert.match(await ok("pg", "--help"), /^phase-golem: .*\n\nUsage: pg \[OPTIONS\] <COMMAND>/);
  });
  await t.step("pg init, status", async () => {
    assert.match(await ok("pg", "init"), /^Initialized phase-golem in \./);
    for (const file of ["phase-golem.jsonc", "phase-golem-workflows/feature/build.md"]) {
      assert.ok((await Deno.stat(`${dir}/${file}`)).isFile, file);
    }
    assert.match(await ok("pg", "status"), /^ID +STATUS/);
  });
}

/** The README's `deno install` command for a program. */
async function readmeInstall(program: Program): Promise<DocCommand> {
  const commands = docCommands(await readmeInstallSection());
  const c = commands.find((c) => c.kind === "install" && c.subpath === `./${program}`);
  assert.ok(c, `README installs ${program}`);
  assert.ok(!c.permissions.includes("-A"), `README grants ${program} named permissions`);
  return c;
}

/** Copies exactly the published files into a new temp folder and returns it. */
async function copyPublished(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "golem-published-" });
  for (const file of await publishedFiles()) {
    await Deno.mkdir(join(dir, dirname(file)), { recursive: true });
    await Deno.copyFile(`${REPO_ROOT}/${file}`, join(dir, file));
  }
  return dir;
}

const CONTENT_TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

/** A file of `root` as an HTTP response (404 when missing). */
async function serveFile(root: string, path: string): Promise<Response> {
  try {
    const body = await Deno.readFile(join(root, decodeURIComponent(path)));
    const type = CONTENT_TYPES[extname(path)] ?? "application/octet-stream";
    return new Response(body, { headers: { "content-type": type } });
  } catch {
    return new Response("Not found", { status: 404 });
  }
}

/** The files under `dir`, recursively. */
async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* walk(path);
    else yield path;
  }
}
