// tests/browser/lib.mjs: what the browser tests share — their settings (from tests/browser/run),
// Debian's Chromium driven by playwright-core, a log of every request a browser context makes,
// and a tiny static server that plays a front-end's origin.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import { chromium } from 'playwright-core';

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through tests/browser/run`);
  return value;
}

// Settings the runner passes: the API's base URL, the ports of the allowed and the refused
// front-end origins, the demo users' password, the OpenAPI document as JSON and the file planmon
// logs to.
export const settings = {
  get api() { return need('PLANMON_API'); },
  get allowedPort() { return Number(need('BROWSER_ALLOWED_PORT')); },
  get otherPort() { return Number(need('BROWSER_OTHER_PORT')); },
  get demoPassword() { return need('DEMO_PASSWORD'); },
  get spec() { return JSON.parse(readFileSync(need('BROWSER_SPEC_JSON'), 'utf8')); },
  get serverLog() { return readFileSync(need('PLANMON_LOG'), 'utf8'); },
};

// Every wait is bounded: a step that hangs fails within these.
export const LAUNCH_TIMEOUT_MS = 30_000;
export const STEP_TIMEOUT_MS = 30_000;
export const RENDER_TIMEOUT_MS = 60_000;

// Hosts other than 127.0.0.1 resolve to nothing, so a page that tries to leave the machine
// fails that request (and the request log records the failure) instead of reaching it.
export const HOST_RULES = 'MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false, // as root, Chromium refuses to start with its sandbox
    timeout: LAUNCH_TIMEOUT_MS,
    args: ['--disable-gpu', '--disable-dev-shm-usage', `--host-resolver-rules=${HOST_RULES}`,
           '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

// A new context of `browser` whose every request, finished or failed, is recorded in the
// returned log (page, worker and sub-resource requests alike, before any cache).
export async function loggedContext(browser) {
  const context = await browser.newContext();
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const log = { requests: [], failures: [], pageErrors: [] };
  context.on('request', (r) => log.requests.push({ method: r.method(), url: r.url() }));
  context.on('requestfailed', (r) =>
    log.failures.push({ method: r.method(), url: r.url(), error: r.failure()?.errorText }));
  context.on('page', (page) => page.on('pageerror', (e) => log.pageErrors.push(String(e))));
  return { context, log };
}

// The requests Chromium reports for `page` through the DevTools protocol, as they are sent
// ({type, method, url, headers} with lower-case header names): these include CORS preflights and
// the favicon, which the request events of playwright leave out.
export async function sentRequests(context, page) {
  const cdp = await context.newCDPSession(page);
  const sent = [];
  cdp.on('Network.requestWillBeSent', (e) => sent.push({
    type: e.type, method: e.request.method, url: e.request.url,
    headers: Object.fromEntries(Object.entries(e.request.headers)
      .map(([k, v]) => [k.toLowerCase(), v])) }));
  await cdp.send('Network.enable');
  return sent;
}

// True when `url` stays on this machine: http(s) to 127.0.0.1, or a scheme that never goes out
// to the network (data:, blob:, about:).
export function isLocal(url) {
  const u = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(u.protocol)) return true;
  return ['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) && u.hostname === '127.0.0.1';
}

// A static server on 127.0.0.1:`port` that answers every GET with `html`; close() stops it.
export function staticServer(port, html) {
  const server = http.createServer((req, res) => {
    res.writeHead(req.method === 'GET' ? 200 : 405, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(req.method === 'GET' ? html : '');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({
      origin: `http://127.0.0.1:${port}`,
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
    }));
  });
}

// How many times over the machine's cores are asked for at once: the 1-minute load average per
// core, at least 1 (as tests/api/checks.py's load_share). A timing limit is for a machine the
// suite has to itself; on one twice as busy a fair share of it is half as fast.
export function loadShare() {
  return Math.max(1, os.loadavg()[0] / (os.cpus().length || 1));
}

// tests/.results/browser/, where the suite writes what people look at (screenshots).
export function resultsDir() {
  return new URL('../.results/browser/', import.meta.url).pathname;
}
