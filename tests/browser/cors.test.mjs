// tests/browser/cors.test.mjs: browser front-ends (issue 11, item 5). A page served from an
// origin listed in planmon's CORS_ORIGINS calls the API with fetch from headless Chromium; a page
// from another origin (same host, another port) cannot read its answers. Run by tests/browser/run.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launch, loggedContext, sentRequests, settings, staticServer } from './lib.mjs';

const PAGE = '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">' +
  '<title>planmon front-end</title></head><body><p>Kế hoạch 1994/QĐ-UBND</p></body></html>';
// The headers the API exposes to scripts, and those a script reads here.
const READ = ['etag', 'link', 'x-request-id', 'content-type', 'location', 'www-authenticate'];

let browser;
const servers = [];

before(async () => {
  servers.push(await staticServer(settings.allowedPort, PAGE));
  servers.push(await staticServer(settings.otherPort, PAGE));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

// A page of `origin` in a fresh context, with the requests Chromium sends for it (preflights
// included).
async function frontEnd(origin) {
  const { context, log } = await loggedContext(browser);
  const page = await context.newPage();
  const sent = await sentRequests(context, page);
  const response = await page.goto(`${origin}/`);
  assert.equal(response.status(), 200, `the front-end page of ${origin}`);
  return {
    page, log, sent, origin,
    // fetch(api + path) in the page; the answer as a script sees it, or the error it gets
    call: (method, path, { headers = {}, body } = {}) => page.evaluate(
      async ({ url, method, headers, body, names }) => {
        try {
          const r = await fetch(url, { method, headers, body, cache: 'no-store' });
          const text = await r.text();
          const seen = {};
          for (const n of names) if (r.headers.get(n) !== null) seen[n] = r.headers.get(n);
          return { status: r.status, type: r.type, headers: seen,
                   headerNames: [...r.headers.keys()], text };
        } catch (e) {
          return { error: `${e.name}: ${e.message}` };
        }
      }, { url: settings.api + path, method, headers, body, names: READ }),
    // the preflights Chromium sent for `path` (OPTIONS with Access-Control-Request-Method)
    preflights: (path) => sent.filter((r) => r.method === 'OPTIONS' && r.url === settings.api + path &&
                                            r.headers['access-control-request-method']),
    close: () => context.close(),
  };
}

function listOf(value) {
  return (value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

function json(answer) {
  try {
    return JSON.parse(answer.text);
  } catch {
    assert.fail(`not JSON (${answer.status}): ${answer.text?.slice(0, 300)}`);
  }
}

async function login(fe, username = 'coordinator') {
  const answer = await fe.call('POST', '/v1/auth/token', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: settings.demoPassword }),
  });
  assert.equal(answer.status, 200, `login as ${username}: ${JSON.stringify(answer)}`);
  return { answer, token: json(answer).access_token };
}

describe('a page of an allowed origin', () => {
  let fe;
  let token;
  before(async () => {
    fe = await frontEnd(`http://127.0.0.1:${settings.allowedPort}`);
  });
  after(async () => fe?.close());

  test('logs in with fetch and reads the token and the request id', async () => {
    const { answer, token: t } = await login(fe);
    token = t;
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a JWT');
    assert.match(answer.headers['x-request-id'] ?? '', /\S/, 'X-Request-Id is readable');
    // a JSON body is not a simple request: the browser asked first
    const [pre] = fe.preflights('/v1/auth/token');
    assert.ok(pre, 'a preflight for POST /v1/auth/token');
    assert.equal(pre.headers['access-control-request-method'], 'POST');
    assert.ok(listOf(pre.headers['access-control-request-headers']).includes('content-type'));
  });

  test('reads a document with Authorization and sees its ETag and X-Request-Id', async () => {
    assert.ok(token, 'logged in');
    const requestId = `browser-${Date.now()}`;
    const answer = await fe.call('GET', '/v1/documents/1', {
      headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': requestId } });
    assert.equal(answer.status, 200, JSON.stringify(answer));
    assert.equal(json(answer).number, '1994/QĐ-UBND');
    assert.match(answer.headers.etag ?? '', /^(W\/)?"[^"]+"$/, 'ETag is readable');
    assert.equal(answer.headers['x-request-id'], requestId, 'the request id comes back, readable');
    const pre = fe.preflights('/v1/documents/1').at(-1);
    assert.ok(pre, 'a preflight for GET with Authorization');
    assert.ok(listOf(pre.headers['access-control-request-headers']).includes('authorization'));
  });

  test('reads the Link header of a list and follows it', async () => {
    const first = await fe.call('GET', '/v1/admin-units?parent=883&limit=2', {
      headers: { Authorization: `Bearer ${token}` } });
    assert.equal(first.status, 200, JSON.stringify(first));
    const link = first.headers.link ?? '';
    const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
    assert.ok(next, `a readable Link with rel="next": ${JSON.stringify(first.headers)}`);
    const nextUrl = new URL(next[1], settings.api);
    const second = await fe.call('GET', nextUrl.pathname + nextUrl.search, {
      headers: { Authorization: `Bearer ${token}` } });
    assert.equal(second.status, 200, JSON.stringify(second));
    const codes = (a) => json(a).items.map((u) => u.code);
    assert.equal(codes(second).length, 2);
    assert.deepEqual(codes(first).filter((c) => codes(second).includes(c)), [], 'pages do not overlap');
  });

  test('changes a document with PATCH and If-Match, and gets 412 for a stale ETag', async (t) => {
    const path = '/v1/documents/1';
    const auth = { Authorization: `Bearer ${token}` };
    const read = await fe.call('GET', path, { headers: auth });
    const etag = read.headers.etag;
    assert.ok(etag, 'an ETag to send back');
    // The change comes from a second page of the origin, in a fresh browser context: its
    // preflight cache is empty, so Chromium must ask before this PATCH.
    const writer = await frontEnd(fe.origin);
    t.after(() => writer.close());
    const title = `Plan to implement the prostitution prevention programme 2016-2020 (${Date.now()})`;
    const patch = (ifMatch) => writer.call('PATCH', path, {
      headers: { ...auth, 'If-Match': ifMatch, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ title_en: title }) });
    const changed = await patch(etag);
    assert.equal(changed.status, 200, JSON.stringify(changed));
    assert.equal(json(changed).title_en, title);
    assert.ok(changed.headers.etag && changed.headers.etag !== etag, 'a new, readable ETag');
    assert.match(changed.headers['x-request-id'] ?? '', /\S/);

    const pre = writer.preflights(path).find((p) => p.headers['access-control-request-method'] === 'PATCH');
    assert.ok(pre, 'a preflight for PATCH');
    assert.deepEqual(
      ['authorization', 'content-type', 'if-match']
        .filter((h) => !listOf(pre.headers['access-control-request-headers']).includes(h)),
      [], `the preflight asked for Authorization and If-Match: ${JSON.stringify(pre.headers)}`);

    const stale = await patch(etag);
    assert.equal(stale.status, 412, JSON.stringify(stale));
    assert.match(stale.headers['content-type'] ?? '', /^application\/problem\+json/);
    assert.equal(json(stale).request_id, stale.headers['x-request-id'], 'the problem names the request');
  });

  test('sends Planmon-Read-After through the preflight, and Planmon-Write-Position is exposed',
    async (t) => {
      // read-your-writes behind a replica: the page sends back the position of its last write.
      // A fresh context, whose preflight cache is empty, so that Chromium must ask first.
      const reader = await frontEnd(fe.origin);
      t.after(() => reader.close());
      const path = '/v1/documents/1';
      const seen = reader.page.waitForResponse((r) => r.url() === settings.api + path &&
                                               r.request().method() === 'GET');
      const answer = await reader.call('GET', path, {
        headers: { Authorization: `Bearer ${token}`, 'Planmon-Read-After': '0/0' } });
      assert.equal(answer.status, 200, JSON.stringify(answer));
      const pre = reader.preflights(path).find((p) =>
        listOf(p.headers['access-control-request-headers']).includes('planmon-read-after'));
      assert.ok(pre, 'a preflight that asked for Planmon-Read-After');
      const exposed = listOf((await seen).headers()['access-control-expose-headers']);
      assert.ok(exposed.includes('planmon-write-position'), `exposed: ${exposed}`);
    });

  test('reads a refusal: 401 without a token', async () => {
    const answer = await fe.call('GET', '/v1/me');
    assert.equal(answer.status, 401, JSON.stringify(answer));
    assert.equal(json(answer).status, 401);
  });

  test('the browser sent nothing to another host', () => {
    const outside = fe.sent.filter((r) => !r.url.startsWith('http://127.0.0.1:'));
    assert.deepEqual(outside.map((r) => r.url), []);
  });
});

describe('a page of an origin that is not allowed', () => {
  let fe;
  let token;
  before(async () => {
    // a token of the allowed front-end, which this page must not be able to use
    const allowed = await frontEnd(`http://127.0.0.1:${settings.allowedPort}`);
    ({ token } = await login(allowed));
    await allowed.close();
    fe = await frontEnd(`http://127.0.0.1:${settings.otherPort}`);
  });
  after(async () => fe?.close());

  test('cannot read a public answer (a simple GET, no preflight)', async () => {
    const answer = await fe.call('GET', '/healthz');
    assert.match(answer.error ?? '', /TypeError/, `the fetch fails: ${JSON.stringify(answer)}`);
    assert.deepEqual(fe.preflights('/healthz'), [], 'a simple request needs no preflight');
  });

  test('cannot log in: the preflight is refused and the POST never reaches planmon', async () => {
    const requestId = `refused-${Date.now()}`;
    const answer = await fe.call('POST', '/v1/auth/token', {
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': requestId },
      body: JSON.stringify({ username: 'coordinator', password: settings.demoPassword }) });
    assert.match(answer.error ?? '', /TypeError/, JSON.stringify(answer));
    assert.equal(fe.preflights('/v1/auth/token').length, 1, 'one preflight');
    // planmon writes the request id in every log line of a request it served
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(!settings.serverLog.includes(requestId), 'planmon never saw the POST');
  });

  test('cannot read or change a document even with a valid token', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const read = await fe.call('GET', '/v1/documents/1', { headers: auth });
    assert.match(read.error ?? '', /TypeError/, JSON.stringify(read));
    const patch = await fe.call('PATCH', '/v1/documents/1', {
      headers: { ...auth, 'If-Match': '"x"', 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ title_en: 'changed from an origin that is not allowed' }) });
    assert.match(patch.error ?? '', /TypeError/, JSON.stringify(patch));
  });

  test('a no-cors request gets an opaque answer: no status, no header, no body', async () => {
    const answer = await fe.page.evaluate(async (url) => {
      const r = await fetch(url, { mode: 'no-cors', cache: 'no-store' });
      return { type: r.type, status: r.status, headers: [...r.headers.keys()], text: await r.text() };
    }, `${settings.api}/healthz`);
    assert.deepEqual(answer, { type: 'opaque', status: 0, headers: [], text: '' });
  });
});
