/**
 * The page `tg serve` embeds (`cli/tg/serve/_web_assets.ts`) is what its
 * sources in `cli/tg/serve/web/` and the npm packages they use build:
 * `deno task web` was run after the last change.
 */

import assert from "node:assert/strict";
import { REPO_ROOT } from "./_helpers.ts";

Deno.test("cli/tg/serve/_web_assets.ts is what deno task web builds from cli/tg/serve/web/", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${REPO_ROOT}/tools/build_web.ts`, "--check"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, err);
});

Deno.test("the embedded page loads nothing from elsewhere", async () => {
  const { WEB_ASSETS } = await import("../cli/tg/serve/_web_assets.ts");
  for (const path of ["/index.html", "/assets/app.css"]) {
    const body = WEB_ASSETS[path]!.body;
    assert.doesNotMatch(body, /(src|href)=["']?(https?:)?\/\//, path);
    assert.doesNotMatch(body, /url\((["']?)(https?:)?\/\//, path);
    assert.doesNotMatch(body, /@import/, path);
  }
  const html = WEB_ASSETS["/index.html"]!.body;
  assert.doesNotMatch(html, /<script>|<style|\sstyle=|\son[a-z]+=/i, "nothing inline");
  assert.doesNotMatch(WEB_ASSETS["/assets/app.js"]!.body, /\beval\(|new Function\(/);
});
