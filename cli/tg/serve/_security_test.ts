import assert from "node:assert/strict";
import {
  allowedHosts,
  checkApiRequest,
  checkHost,
  CONTENT_SECURITY_POLICY,
  makeToken,
  originOf,
  type RequestPolicy,
  sameToken,
} from "./_security.ts";

const POLICY: RequestPolicy = {
  hosts: allowedHosts("127.0.0.1", 7420),
  token: "secret-token",
  readOnly: false,
};

function headers(o: Record<string, string>): Headers {
  return new Headers(o);
}

const URL_ = new URL("http://127.0.0.1:7420/api/items");

Deno.test("allowedHosts() names the bound address, and localhost for a loopback one", () => {
  assert.deepEqual(allowedHosts("127.0.0.1", 80), ["127.0.0.1:80", "localhost:80"]);
  assert.deepEqual(allowedHosts("::1", 80), ["[::1]:80", "localhost:80"]);
  assert.deepEqual(allowedHosts("localhost", 80), ["localhost:80", "127.0.0.1:80"]);
  assert.deepEqual(allowedHosts("192.168.1.20", 80), ["192.168.1.20:80"]);
  assert.equal(originOf("::1", 8080), "http://[::1]:8080");
});

Deno.test("checkHost() refuses any other Host with 421", () => {
  assert.equal(checkHost(headers({ host: "127.0.0.1:7420" }), POLICY), null);
  assert.equal(checkHost(headers({ host: "LOCALHOST:7420" }), POLICY), null);
  for (const host of ["evil.example", "evil.example:7420", "127.0.0.1", "127.0.0.1:7421", ""]) {
    assert.equal(checkHost(headers({ host }), POLICY)?.status, 421, host);
  }
  assert.equal(checkHost(headers({}), POLICY)?.status, 421);
});

Deno.test("checkApiRequest() wants the token, and for a change the page's origin and JSON", () => {
  const write = {
    "x-golem-token": "secret-token",
    origin: "http://127.0.0.1:7420",
    "content-type": "application/json; charset=utf-8",
  };
  assert.equal(checkApiRequest("POST", headers(write), URL_, POLICY), null);
  assert.equal(
    checkApiRequest("POST", headers({ ...write, origin: "http://localhost:7420" }), URL_, POLICY),
    null,
  );
  const refused: [string, Record<string, string>, number][] = [
    ["no token", { ...write, "x-golem-token": "" }, 403],
    ["another token", { ...write, "x-golem-token": "secret-tokeN" }, 403],
    ["another origin", { ...write, origin: "http://evil.example" }, 403],
    ["a cross-site fetch", { ...write, "sec-fetch-site": "cross-site" }, 403],
    ["a form", { ...write, "content-type": "application/x-www-form-urlencoded" }, 415],
  ];
  for (const [what, h, status] of refused) {
    assert.equal(checkApiRequest("POST", headers(h), URL_, POLICY)?.status, status, what);
  }
  const noOrigin: Record<string, string> = { ...write };
  delete noOrigin.origin;
  assert.equal(checkApiRequest("POST", headers(noOrigin), URL_, POLICY)?.status, 403);
  const withQuery = new URL("http://127.0.0.1:7420/api/items?token=secret-token");
  assert.equal(checkApiRequest("POST", headers({}), withQuery, POLICY)?.status, 403);
  assert.equal(checkApiRequest("GET", headers({}), withQuery, POLICY), null, "reads: query ok");
  assert.equal(checkApiRequest("GET", headers({}), URL_, POLICY)?.status, 403);
  assert.equal(checkApiRequest("OPTIONS", headers(write), URL_, POLICY)?.status, 403);
  const ro = { ...POLICY, readOnly: true };
  assert.equal(
    checkApiRequest("POST", headers(write), URL_, ro)?.message,
    "The board is read-only (tg serve --read-only)",
  );
  assert.equal(checkApiRequest("GET", headers(write), URL_, ro), null);
});

Deno.test("sameToken() compares whole strings, and makeToken() makes 256-bit base64url tokens", () => {
  assert.ok(sameToken("abc", "abc"));
  assert.ok(!sameToken("abc", "abd"));
  assert.ok(!sameToken("abc", "abcd"));
  assert.ok(!sameToken("", "a"));
  const a = makeToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, makeToken());
});

Deno.test("the Content-Security-Policy allows nothing inline and nothing from elsewhere", () => {
  assert.ok(!/unsafe|\*|https?:/.test(CONTENT_SECURITY_POLICY));
  assert.match(CONTENT_SECURITY_POLICY, /require-trusted-types-for 'script'/);
});
