// deno-lint-ignore-file no-console
/**
 * `tg completions SHELL`: each script loads without error in the real
 * shell and completes subcommands, flags, option values and item IDs
 * (taken from `tg list --json`). Missing shells are installed from Debian
 * packages when possible, otherwise their tests are skipped with the reason.
 */

import assert from "node:assert/strict";
import { TG_COMMANDS } from "../cli/tg.ts";
import { tg, TG_ENTRY } from "./_helpers.ts";
import { HEADER, itemLine, storeRepo } from "./_stores.ts";

async function has(shell: string): Promise<boolean> {
  try {
    const r = await new Deno.Command("sh", { args: ["-c", `command -v ${shell}`], stdout: "null" })
      .output();
    return r.success;
  } catch {
    return false;
  }
}

/** Installs zsh, fish and elvish from Debian packages when missing (root only). */
async function ensureShells(): Promise<Record<string, string | null>> {
  const wanted = ["bash", "zsh", "fish", "elvish"];
  const missing: string[] = [];
  for (const s of wanted) if (!(await has(s))) missing.push(s);
  if (missing.length > 0 && Deno.uid?.() === 0 && (await has("apt-get"))) {
    const install = () =>
      new Deno.Command("apt-get", {
        args: ["install", "-y", "-q", ...missing],
        stdout: "null",
        stderr: "null",
        env: { DEBIAN_FRONTEND: "noninteractive" },
      }).output();
    if (!(await install()).success) {
      await new Deno.Command("apt-get", { args: ["update", "-q"], stdout: "null", stderr: "null" })
        .output();
      await install();
    }
  }
  const reasons: Record<string, string | null> = {};
  for (const s of wanted) {
    reasons[s] = (await has(s))
      ? null
      : `${s} is not installed (and could not be installed with apt-get)`;
  }
  return reasons;
}

const SKIP = await ensureShells();
for (const [s, why] of Object.entries(SKIP)) {
  if (why) console.log(`skipping ${s} completion tests: ${why}`);
}

/** A temp store with two items and a `tg` on PATH that runs our CLI. */
async function setup() {
  const repo = await storeRepo({
    "tasks.jsonl": HEADER + itemLine("tg-alpha1") + itemLine("tg-beta22"),
    "archive.jsonl": HEADER,
  });
  const bin = `${repo.dir}/bin`;
  await Deno.mkdir(bin);
  await Deno.writeTextFile(
    `${bin}/tg`,
    `#!/bin/sh\nexec "${Deno.execPath()}" run --quiet -A "${TG_ENTRY}" "$@"\n`,
    { mode: 0o755 },
  );
  const scripts: Record<string, string> = {};
  for (const shell of ["bash", "zsh", "fish", "elvish", "powershell"]) {
    const r = await tg(["completions", shell], { cwd: repo.dir });
    assert.equal(r.code, 0, r.stderr);
    scripts[shell] = `${repo.dir}/tg.${shell}`;
    await Deno.writeTextFile(scripts[shell]!, r.stdout);
  }
  const env = { PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`, HOME: repo.dir };
  return { repo, scripts, env };
}

async function sh(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The cases every shell must get right: words typed (the last is being completed) → candidates. */
const CASES: [string[], string[]][] = [
  [["tg", ""], TG_COMMANDS.subcommands!.map((s) => s.name).concat("help")],
  [["tg", "d"], ["do", "done", "dep", "doctor", "dump"]],
  [["tg", "dep", ""], ["add", "rm"]],
  [["tg", "dep", "add", ""], ["tg-alpha1", "tg-beta22"]],
  [["tg", "dep", "add", "tg-alpha1", "tg-b"], ["tg-beta22"]],
  [["tg", "list", "--status", ""], ["todo", "doing", "done", "blocked"]],
  [["tg", "show", "--events", ""], ["tg-alpha1", "tg-beta22"]],
  [["tg", "--json", "do", "tg-a"], ["tg-alpha1"]],
  [["tg", "add", "title", "--parent", ""], ["tg-alpha1", "tg-beta22"]],
  [["tg", "ready", "--inc"], ["--include-stale", "--include-expired"]],
  [["tg", "do", "x", "--"], ["--claim", "--ttl", "--json", "--verbose", "--help"]],
  [["tg", "graph", "--format", ""], ["mermaid", "dot"]],
  [["tg", "completions", ""], ["bash", "elvish", "fish", "powershell", "zsh"]],
  [["tg", "note", "tg-alpha1", ""], []],
];

function same(actual: string[], expected: string[], what: string): void {
  assert.deepEqual([...actual].sort(), [...expected].sort(), what);
}

Deno.test({
  name:
    "bash: the completion script loads, registers _tg, and completes commands, flags, values and IDs",
  ignore: SKIP.bash !== null,
  async fn() {
    const { repo, scripts, env } = await setup();
    try {
      const lines = [`source ${scripts.bash} || exit 9`, "complete -p tg"];
      for (const [words] of CASES) {
        const arr = words.map((w) => `'${w}'`).join(" ");
        lines.push(
          `COMP_WORDS=(${arr}); COMP_CWORD=${
            words.length - 1
          }; COMPREPLY=(); _tg; printf '%s\\n' "$\{COMPREPLY[*]}"`,
        );
      }
      // "--status=d" arrives in three words in bash
      lines.push(
        `COMP_WORDS=(tg list --status = d); COMP_CWORD=4; COMPREPLY=(); _tg; printf '%s\\n' "$\{COMPREPLY[*]}"`,
      );
      const r = await sh("bash", ["--norc", "--noprofile", "-c", lines.join("\n")], repo.dir, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "");
      const out = r.stdout.split("\n");
      assert.equal(out[0], "complete -o bashdefault -o default -F _tg tg");
      CASES.forEach(([words, expected], i) =>
        same(out[i + 1]!.split(" ").filter(Boolean), expected, words.join(" "))
      );
      same(out[CASES.length + 1]!.split(" "), ["doing", "done"], "--status = d");
    } finally {
      await repo.cleanup();
    }
  },
});

Deno.test({
  name:
    "zsh: the completion script loads (with and without compinit), registers _tg, and its engine completes commands, flags, values and IDs",
  ignore: SKIP.zsh !== null,
  async fn() {
    const { repo, scripts, env } = await setup();
    try {
      const bare = await sh(
        "zsh",
        ["-f", "-c", `source ${scripts.zsh} && print loaded`],
        repo.dir,
        env,
      );
      assert.deepEqual([bare.code, bare.stdout, bare.stderr], [0, "loaded\n", ""]);
      const lines = [
        "autoload -Uz compinit && compinit -u -D",
        `source ${scripts.zsh} || exit 9`,
        "print -r -- $_comps[tg]",
      ];
      for (
        const [words] of [...CASES, [["tg", "list", "--status=d"], []] as [string[], string[]]]
      ) {
        const quoted = words.map((w) => `'${w}'`);
        lines.push(
          `__tg_candidates ${quoted.at(-1)} ${
            quoted.slice(0, -1).join(" ")
          }; print -r -- "$\{__tg_reply[*]}"`,
        );
      }
      const r = await sh("zsh", ["-f", "-c", lines.join("\n")], repo.dir, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "");
      const out = r.stdout.split("\n");
      assert.equal(out[0], "_tg");
      CASES.forEach(([words, expected], i) =>
        same(out[i + 1]!.split(" ").filter(Boolean), expected, words.join(" "))
      );
      same(out[CASES.length + 1]!.split(" "), ["--status=doing", "--status=done"], "--status=d");
    } finally {
      await repo.cleanup();
    }
  },
});

Deno.test({
  name:
    "fish: the completion script loads and `complete -C` completes commands, flags, values and IDs",
  ignore: SKIP.fish !== null,
  async fn() {
    const { repo, scripts, env } = await setup();
    try {
      const lines = [`source ${scripts.fish}; or exit 9`];
      for (
        const [words] of [...CASES, [["tg", "list", "--status=d"], []] as [string[], string[]]]
      ) {
        const line = words.join(" ").replaceAll("'", "\\'");
        lines.push(`echo (complete -C '${line}' | string replace -r '\\t.*' '' | string join ' ')`);
      }
      const r = await sh("fish", ["--no-config", "-c", lines.join("\n")], repo.dir, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "");
      const out = r.stdout.split("\n");
      CASES.forEach(([words, expected], i) => {
        // fish offers nothing of its own for a free-text argument (files are turned off)
        same(out[i]!.split(" ").filter(Boolean), expected, words.join(" "));
      });
      same(out[CASES.length]!.split(" "), ["--status=doing", "--status=done"], "--status=d");
    } finally {
      await repo.cleanup();
    }
  },
});

Deno.test({
  name:
    "elvish: the completion script loads and its completer yields commands, flags, values and IDs",
  ignore: SKIP.elvish !== null,
  async fn() {
    const { repo, scripts, env } = await setup();
    try {
      const body = await Deno.readTextFile(scripts.elvish!);
      const lines = [body];
      for (const [words] of CASES) {
        lines.push(`echo (str:join ' ' [(tg-candidates ${words.map((w) => `'${w}'`).join(" ")})])`);
      }
      await Deno.writeTextFile(`${repo.dir}/t.elv`, lines.join("\n"));
      const r = await sh("elvish", ["-norc", `${repo.dir}/t.elv`], repo.dir, env);
      assert.equal(r.code, 0, r.stderr);
      const out = r.stdout.split("\n");
      CASES.forEach(([words, expected], i) => {
        const cur = words.at(-1)!;
        // elvish filters by the typed prefix itself
        same(
          out[i]!.split(" ").filter((w) => w !== "" && w.startsWith(cur)),
          expected,
          words.join(" "),
        );
      });
    } finally {
      await repo.cleanup();
    }
  },
});

Deno.test("every completion script names every subcommand and every flag; an unknown shell is a usage error", async () => {
  const { repo, scripts } = await setup();
  try {
    for (const [shell, path] of Object.entries(scripts)) {
      const text = await Deno.readTextFile(path);
      for (const c of TG_COMMANDS.subcommands!) {
        assert.ok(
          text.includes(`'${c.name}`) || text.includes(` ${c.name} `),
          `${shell}: ${c.name}`,
        );
        for (const o of c.options ?? []) {
          assert.ok(text.includes(`--${o.long}`), `${shell}: ${c.name} --${o.long}`);
        }
      }
      assert.ok(text.includes("tg list --json"), `${shell} completes IDs from tg list --json`);
    }
    const bad = await tg(["completions", "tcsh"], { cwd: repo.dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: invalid value 'tcsh' for '<SHELL>'\n/);
    // no store needed
    const outside = await tg(["completions", "bash"], { cwd: "/" });
    assert.equal(outside.code, 0);
  } finally {
    await repo.cleanup();
  }
});
