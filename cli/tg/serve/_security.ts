/**
 * The rules every request to `tg serve` passes (pure):
 *
 * - the `Host` header names the address the server listens on (against DNS
 *   rebinding: a page of another site that resolves its name to 127.0.0.1
 *   still sends its own name) — else 421;
 * - the API needs the token made at start: in the `X-Golem-Token` header, or
 *   for reads only in the `token` query parameter (`EventSource` cannot set
 *   headers) — else 403;
 * - a request that changes something also needs a same-origin `Origin` (and,
 *   when the browser sends it, `Sec-Fetch-Site: same-origin`) and a JSON
 *   body — else 403 (415 for another body type);
 * - no CORS: no `Access-Control-*` header is ever sent, and preflights are
 *   refused;
 * - every response carries a strict Content-Security-Policy (scripts,
 *   styles, fonts and connections from the server only, no inline code, no
 *   string-to-DOM sinks through Trusted Types), and headers against framing,
 *   sniffing and leaking the token in a `Referer`.
 *
 * @module
 */

/** The header the page sends the token in. */
export const TOKEN_HEADER = "x-golem-token";

/** The Content-Security-Policy of every response. */
export const CONTENT_SECURITY_POLICY: string = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

/** Headers sent with every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};

/**
 * The `host:port` spellings a request may name: the bound host (IPv6 in
 * brackets), and `localhost` when the server listens on a loopback address.
 *
 * @param hostname The address the server listens on.
 * @param port The port.
 * @returns Lower-cased `host:port` values.
 */
export function allowedHosts(hostname: string, port: number): string[] {
  const h = hostname.toLowerCase();
  const bare = h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
  const spelled = bare.includes(":") ? `[${bare}]` : bare;
  const out = [`${spelled}:${port}`];
  if (bare === "127.0.0.1" || bare === "::1") out.push(`localhost:${port}`);
  if (bare === "localhost") out.push(`127.0.0.1:${port}`);
  return out;
}

/**
 * The URL of the server, as the page is opened.
 *
 * @param hostname The address the server listens on.
 * @param port The port.
 * @returns `http://host:port`.
 */
export function originOf(hostname: string, port: number): string {
  return `http://${allowedHosts(hostname, port)[0]}`;
}

/** Why a request was refused, or `null`. */
export interface Refusal {
  /** HTTP status. */
  status: number;
  /** The message (the response body's `error`). */
  message: string;
}

/** What {@linkcode checkRequest} needs to know about the server. */
export interface RequestPolicy {
  /** Lower-cased `host:port` values a request may name. */
  hosts: readonly string[];
  /** The token. */
  token: string;
  /** Whether writes are refused. */
  readOnly: boolean;
}

/** Whether a method changes something. */
export function isWriteMethod(method: string): boolean {
  return method !== "GET" && method !== "HEAD";
}

/**
 * Compares two strings in time that depends only on their lengths.
 *
 * @param a One string.
 * @param b The other.
 * @returns Whether they are equal.
 */
export function sameToken(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * Checks the Host of any request.
 *
 * @param headers The request's headers.
 * @param policy The allowed hosts.
 * @returns A 421 refusal, or `null`.
 */
export function checkHost(headers: Headers, policy: RequestPolicy): Refusal | null {
  const host = (headers.get("host") ?? "").toLowerCase();
  if (policy.hosts.includes(host)) return null;
  return {
    status: 421,
    message: `Misdirected request: this server answers only ${policy.hosts[0]}`,
  };
}

/**
 * Checks a request to the API: the token, and for writes the origin, the
 * body type and the read-only mode.
 *
 * @param method The method.
 * @param headers The request's headers.
 * @param url The request's URL.
 * @param policy Token, hosts and mode.
 * @returns A refusal, or `null`.
 */
export function checkApiRequest(
  method: string,
  headers: Headers,
  url: URL,
  policy: RequestPolicy,
): Refusal | null {
  const write = isWriteMethod(method);
  if (method === "OPTIONS") return { status: 403, message: "Cross-origin requests are refused" };
  const given = headers.get(TOKEN_HEADER) ?? (write ? null : url.searchParams.get("token"));
  if (given === null || !sameToken(given, policy.token)) {
    return {
      status: 403,
      message: write
        ? `Forbidden: a change needs the token in the ${TOKEN_HEADER} header`
        : "Forbidden: open the URL tg serve printed (it carries the token)",
    };
  }
  if (!write) return null;
  const origin = headers.get("origin");
  const allowed = policy.hosts.map((h) => `http://${h}`);
  if (origin === null || !allowed.includes(origin.toLowerCase())) {
    return { status: 403, message: "Forbidden: a change must come from the board's own page" };
  }
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") {
    return { status: 403, message: "Forbidden: a change must come from the board's own page" };
  }
  if (policy.readOnly) {
    return { status: 403, message: "The board is read-only (tg serve --read-only)" };
  }
  const type = (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    return { status: 415, message: "A change must be sent as application/json" };
  }
  return null;
}

/**
 * A fresh token: 32 random bytes, base64url.
 *
 * @returns The token.
 */
export function makeToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
