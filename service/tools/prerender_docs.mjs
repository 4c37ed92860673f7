// prerender_docs.mjs: build-time tool that draws the /docs page on the server (service/meson.build).
// usage: node prerender_docs.mjs IN.yaml OUT.html
//
// Redoc (node_modules/redoc, the version whose bundle planmon serves at /docs/redoc.standalone.js)
// renders the whole page to HTML with its styles, as redoc-cli's `bundle` did: every heading, the
// menu and the operations are in the HTML, drawn as the browser reads it, before any script runs.
// The store's state goes beside them in a JSON data block, and the page's one inline script hands
// it to Redoc.hydrate once the bundle has loaded; that script never changes, so the page's
// Content-Security-Policy names it by a fixed hash (resources/ops_http.c, tests/api/test_ops.py).
// The tool fails when the page would load anything from another host.
//
// (@redocly/cli's build-docs does the same with Redoc 3, a different page: one route per
// operation, other markup, and its bundle from Redocly's CDN unless inlined.)
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const [input, output] = process.argv.slice(2);
if (!output) {
  console.error('usage: node prerender_docs.mjs IN.yaml OUT.html');
  process.exit(2);
}

// How Redoc starts: with native scroll bars (its PerfectScrollbar laid the whole page out once
// more as it mounted) and a download button that links /openapi.yaml.
const OPTIONS = { nativeScrollbars: true, downloadDefinitionUrl: '/openapi.yaml' };
// The page's one inline script; its SHA-256 is in the page's policy.
export const HYDRATE = 'Redoc.hydrate(JSON.parse(document.getElementById("redoc-state").textContent),' +
  'document.getElementById("redoc"));';

const React = require('react');
const { renderToString } = require('react-dom/server');
const { ServerStyleSheet } = require('styled-components');
const { Redoc, createStore, loadAndBundleSpec } = require('redoc');

const spec = await loadAndBundleSpec(path.resolve(input));
const store = await createStore(spec, '/openapi.yaml', OPTIONS);
const sheet = new ServerStyleSheet();
const body = renderToString(sheet.collectStyles(React.createElement(Redoc, { store })));
const styles = sheet.getStyleTags();
sheet.seal();
// JSON in a data block: "<" escaped, so that no "</script>" in the document ends the block
const state = JSON.stringify(await store.toJS()).replace(/</g, '\\u003c')
  .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const page = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
  '<title>planmon API</title>\n' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
  '<link rel="icon" href="data:,">\n' +
  `<style>body{margin:0;padding:0}</style>\n${styles}\n</head>\n<body>\n` +
  `<div id="redoc">${body}</div>\n` +
  `<script type="application/json" id="redoc-state">${state}</script>\n` +
  '<script src="/docs/redoc.standalone.js"></script>\n' +
  `<script>${HYDRATE}</script>\n</body>\n</html>\n`;

// Nothing from another host: no script, style sheet, image, frame or font by an http(s) URL.
const remote = [
  /<(?:script|img|iframe|source|embed|video|audio)\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]*/gi,
  /<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]*/gi,
  /url\(\s*["']?\s*(?:https?:)?\/\/[^)]*/gi,
  /@import\s+["'](?:https?:)?\/\/[^"']*/gi,
].flatMap((re) => page.replace(/<script type="application\/json"[^]*?<\/script>/, '').match(re) ?? []);
if (remote.length) {
  console.error(`prerender_docs: the page would load from other hosts: ${remote.join(', ')}`);
  process.exit(1);
}
writeFileSync(output, page);
