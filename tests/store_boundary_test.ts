/**
 * Only `lib/store` writes the store, and only `lib/store` imports the
 * line-level modules behind its writes (`jsonl.ts`, `active_doc.ts`,
 * `lock.ts`, and the `_`-prefixed internals): the CLIs, pg, the MCP server
 * and the board reach the store through the operations and the public
 * read modules. Tests, benchmarks, test helpers and `mod.ts` (which exports
 * the public parsers) may look deeper.
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./_helpers.ts";

const LINE_LEVEL = /\/lib\/store\/(?:jsonl|active_doc|lock|_\w+|ops\/_\w+)\.ts$/;

/** Source files of the programs and the library, without tests and test helpers. */
async function* productionSources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) {
      if (e.name !== "_testing") yield* productionSources(path);
    } else if (/\.ts$/.test(e.name) && !/_(test|bench)\.ts$/.test(e.name)) {
      yield path;
    }
  }
}

/** The resolved targets of a file's relative imports (static, `export … from` and literal dynamic ones). */
function importsOf(path: string, text: string): string[] {
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]!);
  return specs.map((s) => join(path, "..", s));
}

Deno.test("only lib/store imports the store's line-level modules", async () => {
  const offenders: string[] = [];
  for (const top of ["cli", "lib"]) {
    for await (const path of productionSources(join(REPO_ROOT, top))) {
      if (path.startsWith(join(REPO_ROOT, "lib", "store") + "/")) continue;
      for (const target of importsOf(path, await Deno.readTextFile(path))) {
        if (LINE_LEVEL.test(target)) {
          offenders.push(`${relative(REPO_ROOT, path)} imports ${relative(REPO_ROOT, target)}`);
        }
      }
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("the boundary check sees an import of a line-level module", () => {
  const file = join(REPO_ROOT, "cli", "tg", "x.ts");
  const found = importsOf(file, 'import { parseActiveLine } from "../../lib/store/jsonl.ts";\n')
    .filter((t) => LINE_LEVEL.test(t));
  assert.deepEqual(found, [join(REPO_ROOT, "lib", "store", "jsonl.ts")]);
  assert.deepEqual(
    importsOf(file, 'const m = await import("../../lib/store/_scratch.ts");')
      .filter((t) => LINE_LEVEL.test(t)),
    [join(REPO_ROOT, "lib", "store", "_scratch.ts")],
  );
});
