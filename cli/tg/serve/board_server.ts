/**
 * The HTTP server of `tg serve` on `Deno.serve`: the page and its assets
 * (embedded, so nothing is fetched from elsewhere), the board's JSON API, a
 * stream of changes (Server-Sent Events), and the changes the page makes
 * through the store operations. Every request passes the checks of
 * `_security.ts` first.
 *
 * | route | what |
 * |---|---|
 * | `GET /` | the page |
 * | `GET /assets/…` | its script, style sheet, font and icon |
 * | `GET /api/board` | the board ({@linkcode BoardSnapshot}) and the server's settings |
 * | `GET /api/events` | changes as they happen: `hello`, then a `patch` per change |
 * | `GET /api/items/ID` | one item in detail |
 * | `GET /api/history` | pg's recorded phase runs, summed per phase and per item |
 * | `POST /api/items` | add an item |
 * | `POST /api/items/ID/ACTION` | `do`, `done`, `todo`, `block`, `unblock`, `edit`, `note` |
 *
 * @module
 */

import type { TaskStore } from "../../../lib/store/store.ts";
import { VERSION } from "../../_version.ts";
import { addAction, BadRequest, errorResult, ITEM_ACTIONS, itemAction } from "./_actions.ts";
import {
  allowedHosts,
  checkApiRequest,
  checkHost,
  originOf,
  type Refusal,
  type RequestPolicy,
  SECURITY_HEADERS,
} from "./_security.ts";
import { WEB_ASSETS } from "./_web_assets.ts";
import type { BoardPatch } from "./board_data.ts";
import { BoardSource, type BoardSourceOptions } from "./board_source.ts";
import { CARD_NULLABLE as CARD_FIELDS_NULLABLE, PG_CARD_NULLABLE } from "./card_nulls.ts";

/** Largest request body accepted, in bytes. */
const MAX_BODY = 64 * 1024;

/** Options for {@linkcode BoardServer.start}. */
export interface BoardServerOptions {
  /** The store. */
  store: TaskStore;
  /** The address to listen on. */
  hostname: string;
  /** The port (0: a free one). */
  port: number;
  /** The token the API needs. */
  token: string;
  /** Refuse every change. */
  readOnly: boolean;
  /** How the data is kept current (watch, debounce, poll, liveness). */
  source?: Omit<BoardSourceOptions, "store">;
  /** Receives warnings. */
  warn?: (message: string) => void;
  /** Interval of the keep-alive comments on event streams (default 15 s). */
  keepAliveMs?: number;
}

interface Client {
  controller: ReadableStreamDefaultController<Uint8Array>;
}

const ENCODER = new TextEncoder();

function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      ...SECURITY_HEADERS,
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...extra,
    },
  });
}

function refuse(r: Refusal): Response {
  return json(r.status, { error: r.message });
}

/** A running board server. */
export class BoardServer {
  readonly #o: BoardServerOptions;
  readonly #source: BoardSource;
  readonly #clients = new Set<Client>();
  readonly #policy: RequestPolicy;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #unsubscribe: () => void;
  readonly #keepAlive: ReturnType<typeof setInterval>;
  readonly #hostname: string;
  readonly #port: number;
  #closed: Promise<void> | null = null;
  #boardBody: { version: number; bytes: Uint8Array } | null = null;

  private constructor(o: BoardServerOptions, source: BoardSource, listen: Deno.TcpListenOptions) {
    this.#o = o;
    this.#source = source;
    let bound: Deno.NetAddr | null = null;
    this.#server = Deno.serve({
      ...listen,
      onListen: (addr) => {
        bound = addr;
      },
      onError: (e) => {
        o.warn?.(`Warning: ${(e as Error).message}`);
        return json(500, { error: "Internal error" });
      },
    }, (req) => this.#handle(req));
    const addr = bound ?? this.#server.addr;
    this.#hostname = o.hostname;
    this.#port = addr.port;
    this.#policy = {
      hosts: allowedHosts(o.hostname, addr.port),
      token: o.token,
      readOnly: o.readOnly,
    };
    this.#unsubscribe = source.subscribe((p) => this.#broadcast(p));
    this.#keepAlive = setInterval(() => this.#send(": keep-alive\n\n"), o.keepAliveMs ?? 15_000);
  }

  /**
   * Reads the store, starts watching it, and listens.
   *
   * @param options Store, address, token, mode.
   * @returns The running server.
   * @throws {Deno.errors.AddrInUse} When the port is taken; what `Deno.serve` throws.
   */
  static async start(options: BoardServerOptions): Promise<BoardServer> {
    const source = new BoardSource({ store: options.store, ...options.source });
    await source.start();
    try {
      return new BoardServer(options, source, { hostname: options.hostname, port: options.port });
    } catch (e) {
      await source.close();
      throw e;
    }
  }

  /** The port listened on. */
  get port(): number {
    return this.#port;
  }

  /** `http://host:port`. */
  get origin(): string {
    return originOf(this.#hostname, this.#port);
  }

  /** The URL to open: the origin with the token. */
  get url(): string {
    return `${this.origin}/?token=${this.#o.token}`;
  }

  /** The data source (for tests and benchmarks). */
  get source(): BoardSource {
    return this.#source;
  }

  /** Ends the event streams, stops watching and stops listening (once). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      clearInterval(this.#keepAlive);
      this.#unsubscribe();
      for (const c of this.#clients) {
        try {
          c.controller.close();
        } catch {
          // already closed by the client
        }
      }
      this.#clients.clear();
      await this.#source.close();
      await this.#server.shutdown();
    })();
    return this.#closed;
  }

  #send(text: string): void {
    const bytes = ENCODER.encode(text);
    for (const c of this.#clients) {
      try {
        c.controller.enqueue(bytes);
      } catch {
        this.#clients.delete(c);
      }
    }
  }

  #broadcast(p: BoardPatch): void {
    this.#send(`event: patch\ndata: ${JSON.stringify(p, withoutNulls)}\n\n`);
  }

  async #handle(req: Request): Promise<Response> {
    const hostRefusal = checkHost(req.headers, this.#policy);
    if (hostRefusal !== null) return refuse(hostRefusal);
    const url = new URL(req.url);
    const path = url.pathname;
    if (!path.startsWith("/api/")) return this.#asset(req.method, path);
    const refusal = checkApiRequest(req.method, req.headers, url, this.#policy);
    if (refusal !== null) return refuse(refusal);
    try {
      return await this.#api(req, path);
    } catch (e) {
      const r = errorResult(e);
      return json(r.status, r.body);
    }
  }

  #asset(method: string, path: string): Response {
    if (method !== "GET" && method !== "HEAD") {
      return json(405, { error: `Method ${method} not allowed` }, { allow: "GET" });
    }
    const name = path === "/" ? "/index.html" : path;
    const asset = WEB_ASSETS[name];
    if (asset === undefined) return json(404, { error: `Not found: ${path}` });
    const body = asset.base64
      ? Uint8Array.from(atob(asset.body), (c) => c.charCodeAt(0))
      : asset.body;
    return new Response(method === "HEAD" ? null : body, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": asset.type,
        "cache-control": name === "/index.html" ? "no-store" : "no-cache",
        etag: `"${asset.hash}"`,
      },
    });
  }

  async #api(req: Request, path: string): Promise<Response> {
    const parts = path.split("/").slice(2).map(decodeURIComponent); // ["items", ID, ACTION]
    if (req.method === "GET") {
      if (path === "/api/board") return this.#board();
      if (path === "/api/events") return this.#events();
      if (path === "/api/history") return json(200, await this.#source.historyTotals());
      if (parts[0] === "items" && parts.length === 2 && parts[1] !== "") {
        return json(200, await this.#source.detail(parts[1]!));
      }
      return json(404, { error: `Not found: ${path}` });
    }
    if (req.method !== "POST") {
      return json(405, { error: `Method ${req.method} not allowed` }, { allow: "GET, POST" });
    }
    const body = await readBody(req);
    const store = this.#o.store;
    let result;
    if (parts[0] === "items" && parts.length === 1) result = await addAction(store, body);
    else if (parts[0] === "items" && parts.length === 3 && ITEM_ACTIONS.includes(parts[2]!)) {
      result = await itemAction(store, parts[1]!, parts[2]!, body);
    } else return json(404, { error: `Not found: ${path}` });
    await this.#source.changed(); // the page's change is on the stream before the answer
    return json(result.status, result.body);
  }

  /**
   * The board: its JSON is built once per version (a large store's board
   * is megabytes) and sent after a small head with the server's time.
   */
  #board(): Response {
    const snap = this.#source.snapshot;
    if (this.#boardBody?.version !== snap.version) {
      const root = this.#o.store.projectDir;
      const { now: _now, ...rest } = snap;
      const text = JSON.stringify({
        ...rest,
        meta: {
          project: root.split("/").filter((s) => s !== "").pop() ?? root,
          root,
          readOnly: this.#o.readOnly,
          version: VERSION,
        },
      }, withoutNulls);
      this.#boardBody = { version: snap.version, bytes: ENCODER.encode(text.slice(1)) };
    }
    const body = this.#boardBody.bytes;
    const head = ENCODER.encode(`{"now":${JSON.stringify(this.#source.now())},`);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(head);
        c.enqueue(body);
        c.close();
      },
    });
    return new Response(stream, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-store",
        "content-length": String(head.length + body.length),
      },
    });
  }

  #events(): Response {
    let client: Client;
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        client = { controller };
        this.#clients.add(client);
        const version = this.#source.snapshot.version;
        controller.enqueue(
          ENCODER.encode(`retry: 1000\nevent: hello\ndata: {"version":${version}}\n\n`),
        );
      },
      cancel: () => {
        this.#clients.delete(client);
      },
    });
    return new Response(stream, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
      },
    });
  }
}

/** The card fields (camelCase, so no run-state field is among them) that are often `null`. */
const CARD_NULLABLE = new Set<string>([...CARD_FIELDS_NULLABLE, ...PG_CARD_NULLABLE]);

/**
 * Leaves out the card fields that are `null` (a card is mostly empty
 * fields; the page puts the nulls back), keeping every other `null`.
 */
function withoutNulls(key: string, value: unknown): unknown {
  return value === null && CARD_NULLABLE.has(key) ? undefined : value;
}

async function readBody(req: Request): Promise<Record<string, unknown>> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > MAX_BODY) throw new BadRequest(`Request body too large (over ${MAX_BODY} bytes)`);
  const text = await req.text();
  if (text.length > MAX_BODY) {
    throw new BadRequest(`Request body too large (over ${MAX_BODY} bytes)`);
  }
  if (text.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new BadRequest("Request body is not valid JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new BadRequest("Request body must be a JSON object");
  }
  return v as Record<string, unknown>;
}
