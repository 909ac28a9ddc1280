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
