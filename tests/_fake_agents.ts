// Fake agent CLIs for the agent-runner tests: wrapper scripts named like the
// real CLIs that run tests/fixtures/agents/fake_agent.ts, in a temp bin
// directory put first on the agent's PATH (through the runner's `env`
// option, so this process's environment is never changed).

const FAKE_AGENT = new URL("./fixtures/agents/fake_agent.ts", import.meta.url).pathname;

/** A temp project root plus a bin directory with the fake CLIs. */
export interface FakeAgentEnv {
  /** The project root (absolute), with `.phase-golem/`. */
  root: string;
  /** The bin directory holding `claude`, `codex`, `opencode`, `fake-agent`, `broken`, `noop`. */
  bin: string;
  /** `PATH` with the bin directory first, for the runner's `env` option. */
  env: Record<string, string>;
  /** Removes everything. */
  cleanup(): Promise<void>;
}

/** Creates the root and the wrappers. */
export async function makeFakeAgentEnv(): Promise<FakeAgentEnv> {
  const base = await Deno.makeTempDir({ prefix: "pg-agents-" });
  const root = `${base}/root`;
  const bin = `${base}/bin`;
  await Deno.mkdir(`${root}/.phase-golem`, { recursive: true });
  await Deno.mkdir(bin);
  const deno = Deno.execPath();
  const wrapper = `#!/bin/sh\nexec '${deno}' run --no-config --quiet -A '${FAKE_AGENT}' "$@"\n`;
  for (const name of ["claude", "codex", "opencode", "fake-agent"]) {
    await Deno.writeTextFile(`${bin}/${name}`, wrapper, { mode: 0o755 });
  }
  await Deno.writeTextFile(`${bin}/broken`, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  // A no-op agent in plain sh: writes a valid result to $1 and exits.
  await Deno.writeTextFile(
    `${bin}/noop`,
    `#!/bin/sh\nprintf '{"item_id":"WRK-001","phase":"prd","result":"phase_complete","summary":"ok"}' > "$1"\n`,
    { mode: 0o755 },
  );
  return {
    root,
    bin,
    env: { PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` },
    cleanup: () => Deno.remove(base, { recursive: true }),
  };
}

/** What the fake agent is told to do. */
export interface FakePrompt {
  /** The mode (see fake_agent.ts). */
  mode: string;
  /** Result path to announce in the prompt. */
  resultPath: string;
  /** Item ID (default WRK-001). */
  itemId?: string;
  /** Phase (default prd). */
  phase?: string;
  /** Where the agent records argv, cwd, stdin and pids. */
  record?: string;
  /** Extra text in the prompt. */
  extra?: string;
}

/** A prompt in the shape pg writes, with the fake agent's instructions. */
export function fakePrompt(p: FakePrompt): string {
  return [
    "# Autonomous Agent",
    "",
    `- **ID:** ${p.itemId ?? "WRK-001"}`,
    `phase: ${p.phase ?? "prd"}`,
    `mode: ${p.mode}`,
    ...(p.record ? [`record: ${p.record}`] : []),
    ...(p.extra ? ["", p.extra] : []),
    "",
    "When you are finished, write a JSON result file to:",
    "```",
    p.resultPath,
    "```",
  ].join("\n");
}

/** PIDs of the live (non-zombie) processes in a process group, from /proc. */
export async function liveGroupMembers(pgid: number): Promise<number[]> {
  const out: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => null);
    if (stat === null) continue;
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(f[2]) === pgid && f[0] !== "Z" && f[0] !== "X") out.push(Number(e.name));
  }
  return out;
}

/** Whether a PID is a live (non-zombie) process. */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => null);
  if (stat === null) return false;
  const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  return state !== "Z" && state !== "X";
}

/** Polls until `path` exists and returns its JSON. */
export async function waitForJson(
  path: string,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await Deno.readTextFile(path).catch(() => null);
    if (text !== null) return JSON.parse(text);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
