// tests/browser/docs.test.mjs: the docs page planmon serves at /docs, rendered by headless
// Chromium (issue 11, item 3). Run by tests/browser/run.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { RENDER_TIMEOUT_MS, isLocal, launch, loggedContext, sentRequests, settings } from './lib.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let browser;
let context;
let page;
let log;
let sent; // what Chromium sent for the page (DevTools protocol), favicon included
let rendered; // what the page shows, read once it has rendered

// The tags and operations of api/openapi.yaml: {tags: [name], operations: [{id, summary, ...}]}.
function documented() {
  const spec = settings.spec;
  const tags = (spec.tags ?? []).map((t) => t['x-displayName'] ?? t.name);
  const operations = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) operations.push({ id: op.operationId, summary: op.summary, method, path });
    }
  }
  return { tags, operations };
}

before(async () => {
  browser = await launch();
  ({ context, log } = await loggedContext(browser));
  page = await context.newPage();
  sent = await sentRequests(context, page);
  const response = await page.goto(`${settings.api}/docs`, { waitUntil: 'load' });
  assert.equal(response.status(), 200, 'GET /docs');
  const { tags } = documented();
  // Redoc has rendered when every tag has its section (or it shows its error box instead).
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-section-id^="tag/"]').length >= n ||
      /something went wrong/i.test(document.body.innerText),
    tags.length, { timeout: RENDER_TIMEOUT_MS });
  rendered = await page.evaluate(() => {
    const sectionId = (e) => e.getAttribute('data-section-id');
    const sections = [...document.querySelectorAll('[data-section-id]')];
    return {
      text: document.body.innerText,
      // tag sections are "tag/<slug>", their operations "tag/<slug>/operation/<operationId>"
      tagHeadings: sections.filter((e) => /^tag\/[^/]+$/.test(sectionId(e)))
        .map((e) => e.querySelector('h1, h2')?.textContent.trim()),
      operations: sections.filter((e) => /^tag\/[^/]+\/operation\//.test(sectionId(e)))
        .map((e) => ({ id: sectionId(e).replace(/^.*\/operation\//, ''),
                       heading: e.querySelector('h2')?.textContent.trim(),
                       text: e.innerText })),
      menu: [...document.querySelectorAll('[role="menuitem"], li[data-item-id] label')]
        .map((e) => e.textContent.trim()),
    };
  });
  // a short settling time for anything the page fetches after it has rendered
  await page.waitForTimeout(1000);
});

after(async () => {
  await browser?.close();
});

test('the page renders a section for every tag of api/openapi.yaml', () => {
  assert.doesNotMatch(rendered.text, /something went wrong/i, 'Redoc shows an error');
  const { tags } = documented();
  assert.ok(tags.length > 0, 'the document has tags');
  const missing = tags.filter((t) => !rendered.tagHeadings.includes(t));
  assert.deepEqual(missing, [], `tags without a section; the page's tag headings: ${rendered.tagHeadings}`);
});

test('the side menu lists every tag', () => {
  const { tags } = documented();
  const missing = tags.filter((t) => !rendered.menu.includes(t));
  assert.deepEqual(missing, [], 'tags missing from the menu');
});

test('every operation of the document is rendered under its tag', () => {
  const { operations } = documented();
  assert.ok(operations.length > 0, 'the document has operations');
  const shown = new Set(rendered.operations.map((o) => o.id));
  const missing = operations.filter((o) => !shown.has(o.id)).map((o) => `${o.method} ${o.path}`);
  assert.deepEqual(missing, [], 'operations without a section');
});

test('an operation shows its summary, method and path', async () => {
  const { operations } = documented();
  const op = operations.find((o) => o.path === '/v1/admin-units/{code}' && o.method === 'get') ??
    operations[0];
  const section = rendered.operations.find((o) => o.id === op.id);
  assert.ok(section, `operation ${op.id} is on the page`);
  assert.equal(section.heading, op.summary);
  assert.ok(section.text.toLowerCase().includes(op.method), `${op.id} names its method`);
  assert.ok(section.text.includes(op.path), `${op.id} names its path ${op.path}`);
  // and a reader gets there from the side menu: the heading scrolls into view
  const id = `[data-section-id$="/operation/${op.id}"]`;
  const heading = page.locator(`${id} h2`);
  assert.equal(await heading.count(), 1, `one heading for ${op.id}`);
  assert.ok(await heading.isVisible(), `the heading of ${op.id} is visible`);
  const tagItem = (await page.locator(id).getAttribute('data-section-id')).replace(/\/operation\/.*/, '');
  await page.locator(`li[data-item-id="${tagItem}"] > label`).click({ timeout: 10_000 });
  await page.locator(`li[data-item-id="${tagItem}/operation/${op.id}"] > label`)
    .click({ timeout: 10_000 });
  await page.waitForFunction((sel) => {
    const r = document.querySelector(sel)?.getBoundingClientRect();
    return r && r.bottom > 0 && r.top < window.innerHeight;
  }, `${id} h2`, { timeout: 10_000 });
});

test('the page loads its script from planmon itself', () => {
  const urls = log.requests.map((r) => r.url);
  for (const path of ['/docs', '/docs/redoc.standalone.js']) {
    assert.ok(urls.includes(`${settings.api}${path}`), `${path} was requested; requests: ${urls}`);
  }
  assert.deepEqual(log.pageErrors, [], 'script errors on the page');
});

test('no request of the page leaves 127.0.0.1', () => {
  // A request the browser itself refused to send (the page's Content-Security-Policy) never left.
  const notSent = (r) => /^(csp|net::ERR_BLOCKED_BY_(CSP|CLIENT))$/.test(r.error ?? '');
  const blocked = new Set(log.failures.filter(notSent).map((r) => `${r.method} ${r.url}`));
  const outside = [...new Set([...log.requests, ...sent].filter((r) => !isLocal(r.url))
    .map((r) => `${r.method} ${r.url}`))].filter((r) => !blocked.has(r));
  // Chromium runs with --host-resolver-rules: a name other than 127.0.0.1 does not resolve, so
  // an attempt to go out also shows as a failed request.
  const failed = log.failures.filter((r) => !notSent(r)).map((r) => `${r.method} ${r.url}: ${r.error}`);
  assert.deepEqual({ outside, failed }, { outside: [], failed: [] });
});
