/**
 * `tg mcp`: the task store as a Model Context Protocol server on stdio, for
 * coding agents. Each tool runs the same code as its `tg` command (see
 * `_mcp_tools.ts`) against the store found from the call's `root` (default:
 * the server's working directory), so one server serves every repository.
 * Only protocol messages go to stdout; the server ends when stdin closes.
 *
 * This module is imported only when `tg mcp` runs: it loads the MCP SDK and
 * zod, which no other command needs.
 *
 * @module
 */

import { type CallToolResult, McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";
import type { Parsed } from "../_args.ts";
import type { Io } from "../_io.ts";
import { describeError } from "../_main.ts";
import { VERSION } from "../_version.ts";
import type { Clock } from "../../lib/io/clock.ts";
import { resolve } from "../../lib/io/path.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { TgContext } from "./_context.ts";
import { tgHint } from "./_hints.ts";
import { MCP_TOOLS, type McpTool } from "./_mcp_tools.ts";

/** What the server tells an agent about working with tg (`initialize` → `instructions`). */
export const MCP_INSTRUCTIONS: string =
  `tg is this project's task tracker: items with a status (todo, doing, done, blocked), a priority, dependencies and an event log, kept in .task-golem/ in the repository.
- Pick work with \`next\` (or \`ready\` for the queue); \`show\` gives the details.
- Claim it with \`do\` (id, claim: your agent name; ttl such as "2h" lets an abandoned claim expire). An item claimed by someone else is theirs: pick another.
- Record progress, findings and decisions with \`note\` as you go.
- Finish with \`done\`; if you cannot go on, \`block\` it with a reason (or \`todo\` to hand it back).
- Work you discover on the way: \`add\` it (deps: what it waits for; parent: the item it belongs to) rather than doing it unasked.
- IDs can be shortened to a unique prefix. Pass \`root\` (a directory inside the project) when you work outside the server's working directory.
- Every result has the data of \`tg <command> --json\` as structured content; errors carry a hint.`;

const ROOT = z.string().min(1).optional().describe(
  "A directory in the project (default: the server's working directory)",
);

/** Options for {@linkcode createMcpServer}. */
export interface McpServerOptions {
  /** Log each call on stderr. */
  verbose?: boolean;
}

/** The `Io` of one call: the server's environment and clock, `root` as working directory. */
class CallIo implements Io {
  readonly clock?: Clock;
  /** Warnings the call wrote (shown before the tool's text). */
  stderr = "";
  readonly #base: Io;
  readonly #cwd: string;

  constructor(base: Io, cwd: string) {
    this.#base = base;
    this.#cwd = cwd;
    if (base.clock !== undefined) this.clock = base.clock;
  }
  /** Commands write through their results; anything else is dropped, never sent to stdout. */
  write(): Promise<void> {
    return Promise.resolve();
  }
  writeErr(text: string): void {
    this.stderr += text;
  }
  env(name: string): string | undefined {
    return this.#base.env(name);
  }
  cwd(): string {
    return this.#cwd;
  }
  stdoutIsTerminal(): boolean {
    return false;
  }
}

/** The directory a call works from: `root` (a path or a `file:` URL) or the server's. */
async function callDir(io: Io, root: string | undefined): Promise<string> {
  if (root === undefined) return io.cwd();
  const path = root.startsWith("file://") ? decodeURIComponent(new URL(root).pathname) : root;
  const dir = resolve(io.cwd(), path);
  let isDirectory: boolean;
  try {
    isDirectory = (await Deno.stat(dir)).isDirectory;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw invalidInput(`Cannot use root "${root}": no such directory`);
    }
    throw e;
  }
  if (!isDirectory) throw invalidInput(`Cannot use root "${root}": not a directory`);
  return dir;
}

/** Runs one tool call; every error becomes an `isError` result with its message and hint. */
async function callTool(
  io: Io,
  tool: McpTool,
  args: Record<string, unknown>,
  options: McpServerOptions,
): Promise<CallToolResult> {
  const t0 = performance.now();
  const { root, ...rest } = args;
  let outcome = "ok";
  try {
    const callIo = new CallIo(io, await callDir(io, root as string | undefined));
    const out = await tool.run(new TgContext(callIo, { json: false, verbose: false }), rest);
    return {
      content: [{ type: "text", text: callIo.stderr + out.text }],
      structuredContent: out.structured,
    };
  } catch (e) {
    const { message, exitCode, hint } = describeError(e, tgHint);
    outcome = `error: ${message}`;
    if (message.startsWith("internal error: ")) io.writeErr(`tg mcp: ${tool.name}: ${message}\n`);
    const text = `Error: ${message}` + (hint === undefined ? "" : `\nhint: ${hint}`);
    const structured: Record<string, unknown> = { error: message, "exit_code": exitCode };
    if (hint !== undefined) structured.hint = hint;
    return { isError: true, content: [{ type: "text", text }], structuredContent: structured };
  } finally {
    if (options.verbose) {
      const ms = (performance.now() - t0).toFixed(0);
      io.writeErr(
        `[verbose] ${tool.name}${root ? ` (root ${root})` : ""}: ${outcome} (${ms} ms)\n`,
      );
    }
  }
}

/**
 * The MCP server of `tg mcp`, with every tool registered, not yet connected.
 *
 * @param io The server's environment, working directory and clock.
 * @param options Logging.
 * @returns The server.
 */
export function createMcpServer(io: Io, options: McpServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: "tg", version: VERSION },
    { instructions: MCP_INSTRUCTIONS },
  );
  for (const tool of MCP_TOOLS) {
    const config = {
      description: tool.description,
      inputSchema: tool.input.extend({ root: ROOT }),
      ...(tool.output === undefined ? {} : { outputSchema: tool.output }),
      annotations: tool.readOnly
        ? { readOnlyHint: true, openWorldHint: false }
        : { destructiveHint: false, idempotentHint: tool.idempotent, openWorldHint: false },
    };
    server.registerTool(
      tool.name,
      config,
      (args: Record<string, unknown>) => callTool(io, tool, args, options),
    );
  }
  return server;
}

/** Sends what the runtime's `console.log` and friends would print to stderr: stdout is the protocol's. */
function keepStdoutForProtocol(): void {
  const toStderr = console.error.bind(console);
  const c = globalThis.console as unknown as Record<string, unknown>;
  for (const name of ["log", "info", "debug", "dir", "dirxml", "table", "trace"]) {
    c[name] = toStderr;
  }
}

/** Runs `tg mcp` until the client closes stdin. */
export async function mcp(_p: Parsed, ctx: TgContext): Promise<void> {
  keepStdoutForProtocol();
  if (Deno.stdin.isTerminal()) {
    ctx.warn(
      "tg mcp serves the task store to a coding agent over stdio; register it with your agent " +
        '(see the README, "Use tg from a coding agent"). Ctrl-D ends it.',
    );
  }
  const server = createMcpServer(ctx.io, { verbose: ctx.verbose });
  const closed = new Promise<void>((resolve) => server.server.onclose = resolve);
  await server.connect(new StdioServerTransport());
  ctx.log(`tg mcp ${VERSION}: serving ${MCP_TOOLS.length} tools on stdio from ${ctx.io.cwd()}`);
  await closed;
}
