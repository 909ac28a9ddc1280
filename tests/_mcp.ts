/**
 * A real MCP client for the tests of `tg mcp`: the SDK's `Client` with its
 * stdio transport, spawning `tg mcp` as a subprocess with the permissions
 * `deno task install` grants.
 *
 * @module
 */

import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { TG_ENTRY } from "./_helpers.ts";

/** The permissions of `deno task install` (and of the `tg` test helper). */
export const TG_PERMS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run=git",
];

/** The command line that runs `tg mcp` (program and arguments). */
export function tgMcpCommand(): { command: string; args: string[] } {
  return { command: Deno.execPath(), args: ["run", "--quiet", ...TG_PERMS, TG_ENTRY, "mcp"] };
}

/** A connected client and what its server wrote on stderr. */
export interface McpSession {
  /** The client. */
  client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Closes the client, which ends the server. */
  close(): Promise<void>;
}

/**
 * Spawns `tg mcp` in `cwd` and connects a client to it.
 *
 * @param cwd The server's working directory.
 * @param env Extra environment (the test environment `NO_COLOR=1`, `TG_AUTHOR=tester`,
 *   `TZ=UTC` is set).
 * @returns The session.
 */
export async function connectTgMcp(
  cwd: string,
  env: Record<string, string> = {},
): Promise<McpSession> {
  const client = new Client({ name: "golem-tests", version: "1.0.0" });
  const transport = new StdioClientTransport({
    ...tgMcpCommand(),
    cwd,
    env: { ...Deno.env.toObject(), NO_COLOR: "1", TG_AUTHOR: "tester", TZ: "UTC", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  const decoder = new TextDecoder();
  transport.stderr?.on("data", (chunk: Uint8Array) => stderr += decoder.decode(chunk));
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** A tool's result as the tests read it. */
export interface ToolCall {
  /** `isError` of the result. */
  isError: boolean;
  /** The text of the text content blocks, joined. */
  text: string;
  /** The structured content. */
  structured: Record<string, unknown> | undefined;
}

/**
 * Calls a tool and returns its result in the shape the tests check.
 *
 * @param session The session.
 * @param name Tool name.
 * @param args Arguments.
 * @returns The result.
 */
export async function callTool(
  session: McpSession,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolCall> {
  const r = await session.client.callTool({ name, arguments: args });
  const content = (r.content ?? []) as { type: string; text?: string }[];
  return {
    isError: r.isError === true,
    text: content.filter((c) => c.type === "text").map((c) => c.text).join(""),
    structured: r.structuredContent as Record<string, unknown> | undefined,
  };
}

/** What a server answered on the wire (see {@linkcode wireExchange}). */
export interface WireExchange {
  /** Each answer's line on stdout, by request ID. */
  answers: Map<number, string>;
  /** Every line the server wrote on stdout. */
  stdout: string[];
  /** Everything it wrote on stderr. */
  stderr: string;
  /** Its exit code once stdin was closed. */
  code: number;
}

/** Reads lines from a stream. */
async function* lines(stream: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
    }
  }
  if (buffer !== "") yield buffer;
}

/**
 * Talks to an MCP server on the wire as a client of the 2025 protocol does:
 * writes the requests (JSON-RPC lines; `jsonrpc` is added), reads stdout
 * until every request with an `id` has its answer, then closes stdin and
 * waits for the process to end (killing it after 10 s).
 *
 * @param command Program.
 * @param args Arguments.
 * @param cwd Working directory.
 * @param requests The messages to send.
 * @param env Extra environment.
 * @returns What the server answered.
 */
export async function wireExchange(
  command: string,
  args: string[],
  cwd: string,
  requests: Record<string, unknown>[],
  env: Record<string, string> = {},
): Promise<WireExchange> {
  const child = new Deno.Command(command, {
    args,
    cwd,
    env: { NO_COLOR: "1", TG_AUTHOR: "tester", TZ: "UTC", ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = (async () => {
    let text = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) text += chunk;
    return text;
  })();
  const writer = child.stdin.getWriter();
  const text = requests.map((r) => JSON.stringify({ jsonrpc: "2.0", ...r }) + "\n").join("");
  await writer.write(new TextEncoder().encode(text));
  const expected = requests.filter((r) => r.id !== undefined).length;
  const answers = new Map<number, string>();
  const stdout: string[] = [];
  for await (const line of lines(child.stdout)) {
    stdout.push(line);
    const id = (JSON.parse(line) as { id?: number }).id;
    if (id !== undefined) answers.set(id, line);
    if (answers.size === expected) await writer.close(); // the client goes away
  }
  const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  const status = await child.status;
  clearTimeout(killer);
  return { answers, stdout, stderr: await stderr, code: status.code };
}

/** The opening of a 2025 client: `initialize` (ID 1) and `notifications/initialized`. */
export const WIRE_OPENING: Record<string, unknown>[] = [
  {
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "wire", version: "1" },
    },
  },
  { method: "notifications/initialized" },
];
