/// <reference lib="dom" />
/**
 * The page's connection to `tg serve`: the token, requests, the stream of
 * changes, and the board state they keep current.
 *
 * @module
 */

import { CARD_NULLABLE, PG_CARD_NULLABLE } from "../card_nulls.ts";
import type {
  BoardPatch,
  BoardSnapshot,
  Card,
  HistoryTotals,
  ItemDetail,
  RunView,
} from "../board_data.ts";

/** Server settings sent with the board. */
export interface Meta {
  /** The project's folder name. */
  project: string;
  /** Its path. */
  root: string;
  /** Changes are refused. */
  readOnly: boolean;
  /** tg's version. */
  version: string;
}

/** What the page knows of the board. */
export interface BoardState {
  /** Loaded at least once. */
  loaded: boolean;
  /** The event stream is open. */
  connected: boolean;
  /** The token was refused (the server restarted with a new one, or none was given). */
  unauthorized: boolean;
  /** Active items by ID. */
  items: Map<string, Card>;
  /** Active IDs in file order. */
  order: string[];
  /** Recently finished items. */
  done: Card[];
  /** Archived items in all. */
  doneTotal: number;
  /** Ready IDs in queue order. */
  ready: string[];
  /** Ready IDs as a set. */
  readySet: Set<string>;
  /** The store could not be read. */
  error: string | null;
  /** The pg run. */
  run: RunView | null;
  /** Server settings. */
  meta: Meta | null;
  /** The last version applied. */
  version: number;
  /** Server time minus page time, in ms. */
  skewMs: number;
  /** Bumped on every change (to memoize on). */
  revision: number;
}

const TOKEN_KEY = "tg-serve-token";

/** Puts back the `null` fields the server leaves out of cards. */
export function normalizeCard(c: Card): Card {
  const o = c as unknown as Record<string, unknown>;
  for (const k of CARD_NULLABLE) if (o[k] === undefined) o[k] = null;
  if (c.pg !== null) {
    const pg = c.pg as unknown as Record<string, unknown>;
    for (const k of PG_CARD_NULLABLE) if (pg[k] === undefined) pg[k] = null;
  }
  return c;
}

/** The token: from the URL the server printed (then removed from the address bar), else this tab's. */
export function takeToken(): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl !== null) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** An error the server answered with: the message `tg` prints and its hint. */
export class ApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** `tg`'s hint, when it has one. */
  readonly hint: string | null;
  /**
   * @param status HTTP status.
   * @param message The message.
   * @param hint The hint.
   */
  constructor(status: number, message: string, hint: string | null) {
    super(message);
    this.status = status;
    this.hint = hint;
  }
}

/** The board state and the requests that read and change it. */
export class Api {
  readonly #token: string;
  readonly #listeners = new Set<() => void>();
  #source: EventSource | null = null;
  #detailListeners = new Set<() => void>();
  #reloading: Promise<void> | null = null;
  state: BoardState = {
    loaded: false,
    connected: false,
    unauthorized: false,
    items: new Map(),
    order: [],
    done: [],
    doneTotal: 0,
    ready: [],
    readySet: new Set(),
    error: null,
    run: null,
    meta: null,
    version: -1,
    skewMs: 0,
    revision: 0,
  };

  /** @param token The token. */
  constructor(token: string) {
    this.#token = token;
  }

  /** Calls `fn` after every change of the state; returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Calls `fn` when an open item's detail may be stale. */
  onDetailStale(fn: () => void): () => void {
    this.#detailListeners.add(fn);
    return () => this.#detailListeners.delete(fn);
  }

  #set(patch: Partial<BoardState>): void {
    this.state = { ...this.state, ...patch, revision: this.state.revision + 1 };
    for (const fn of this.#listeners) fn();
  }

  /** The server's time now, in ms since the epoch. */
  now(): number {
    return Date.now() + this.state.skewMs;
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = {
      method,
      headers: { "x-golem-token": this.#token, accept: "application/json" },
      cache: "no-store",
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    let res: Response;
    try {
      res = await fetch(path, init);
    } catch {
      throw new ApiError(0, "Cannot reach tg serve: is it still running?", null);
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      if (res.status === 403 && method === "GET") this.#set({ unauthorized: true });
      throw new ApiError(res.status, data.error ?? `HTTP ${res.status}`, data.hint ?? null);
    }
    return data as T;
  }

  /** Loads the whole board. */
  reload(): Promise<void> {
    this.#reloading ??= (async () => {
      try {
        const snap = await this.#request<BoardSnapshot & { meta: Meta }>("GET", "/api/board");
        this.#apply(snap);
      } finally {
        this.#reloading = null;
      }
    })();
    return this.#reloading;
  }

  #apply(s: BoardSnapshot & { meta: Meta }): void {
    const items = new Map<string, Card>();
    for (const c of s.items) items.set(c.id, normalizeCard(c));
    s.done.forEach(normalizeCard);
    this.#set({
      loaded: true,
      unauthorized: false,
      items,
      order: s.items.map((c) => c.id),
      done: s.done,
      doneTotal: s.doneTotal,
      ready: s.ready,
      readySet: new Set(s.ready),
      error: s.error,
      run: s.run,
      meta: s.meta,
      version: s.version,
      skewMs: Date.parse(s.now) - Date.now(),
    });
    for (const fn of this.#detailListeners) fn();
  }

  #patch(p: BoardPatch): void {
    const st = this.state;
    if (p.from < st.version) return; // already in the snapshot
    if (p.from !== st.version) {
      void this.reload();
      return;
    }
    const items = new Map(st.items);
    let order = st.order;
    if (p.remove.length > 0) {
      const gone = new Set(p.remove);
      for (const id of gone) items.delete(id);
      order = order.filter((id) => !gone.has(id));
    }
    const added: string[] = [];
    for (const c of p.upsert) {
      normalizeCard(c);
      if (!items.has(c.id)) added.push(c.id);
      items.set(c.id, c);
    }
    if (added.length > 0) order = [...order, ...added];
    if (p.order !== undefined) order = p.order;
    const next: Partial<BoardState> = {
      items,
      order,
      version: p.version,
      skewMs: Date.parse(p.now) - Date.now(),
    };
    if (p.done !== undefined) next.done = p.done.map(normalizeCard);
    if (p.doneTotal !== undefined) next.doneTotal = p.doneTotal;
    if (p.ready !== undefined) {
      next.ready = p.ready;
      next.readySet = new Set(p.ready);
    }
    if (p.error !== undefined) next.error = p.error;
    if (p.run !== undefined) next.run = p.run;
    this.#set(next);
    for (const fn of this.#detailListeners) fn();
  }

  /** Opens the stream of changes (and reopens it after a drop, as `EventSource` does). */
  connect(): void {
    const es = new EventSource(`/api/events?token=${encodeURIComponent(this.#token)}`);
    this.#source = es;
    es.addEventListener("hello", (e) => {
      const { version } = JSON.parse((e as MessageEvent).data);
      this.#set({ connected: true });
      if (version !== this.state.version) void this.reload().catch(() => {});
    });
    es.addEventListener("patch", (e) => this.#patch(JSON.parse((e as MessageEvent).data)));
    es.addEventListener("error", () => {
      this.#set({ connected: false });
      if (es.readyState === EventSource.CLOSED) {
        // Refused (e.g. a new token after a restart): check, then try again later.
        void this.reload().catch(() => {});
        setTimeout(() => {
          if (this.#source === es) this.connect();
        }, 3000);
      }
    });
  }

  /**
   * One item in detail.
   *
   * @param id The ID (as typed: a unique prefix works).
   * @returns The detail.
   */
  item(id: string): Promise<ItemDetail> {
    return this.#request("GET", `/api/items/${encodeURIComponent(id)}`);
  }

  /** pg's recorded phase runs, summed. */
  history(): Promise<HistoryTotals> {
    return this.#request("GET", "/api/history");
  }

  /**
   * Runs a change.
   *
   * @param path `/api/items` or `/api/items/ID/ACTION`.
   * @param body The arguments.
   * @returns The line `tg` prints for it.
   */
  async change(path: string, body: Record<string, unknown> = {}): Promise<string> {
    const r = await this.#request<{ message: string }>("POST", path, body);
    return r.message;
  }

  /**
   * Runs an action on an item.
   *
   * @param id The item.
   * @param action `do`, `done`, `todo`, `block`, `unblock`, `edit` or `note`.
   * @param body The arguments.
   * @returns The line `tg` prints.
   */
  act(id: string, action: string, body: Record<string, unknown> = {}): Promise<string> {
    return this.change(`/api/items/${encodeURIComponent(id)}/${action}`, body);
  }
}
