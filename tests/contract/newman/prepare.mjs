// tests/contract/newman/prepare.mjs: turns the Postman collection that openapi-to-postmanv2
// generated from api/openapi.yaml into api/postman.json, the collection planmon serves at
// /postman.json for administrators to import into Postman and that newman runs against a
// server seeded with `planmon seed` and `planmon seed --demo`:
//   - two folders, Reads and Writes, each holding one folder per tag of the document;
//   - the collection sends {{token}} as its bearer token to {{baseUrl}}: set those two
//     variables and send (public operations send none; Writes → Authentication → "Sign in"
//     fills {{token}} from {{username}} and {{password}} instead);
//   - Reads: the GET operations whose path variables the seeded data fills (admin unit 89,
//     agency SLDTBXH, indicator COMMUNE-AWARENESS, period 2017VNS1, ...; a target's id is
//     stored by the request that lists the targets), required query parameters with seeded
//     values; optional ones are switched off (they stay for a person to try);
//   - Writes: every other operation, with the document's example body, in an order that
//     chains: a create's test script stores the new object's key and ETag in collection
//     variables ({{documents_id}}, {{documents_etag}}, ...) that the requests after it use in
//     their paths and If-Match headers (and stores its first ETag: one more PATCH per
//     resource sends that stale ETag and expects 412); POSTs send Idempotency-Key {{$guid}};
//     a write whose object's ETag no earlier answer gives reads it first (a pre-request GET);
//   - every request asserts the status it expects (for a write: the one its place in the
//     chain gives) and that the body matches the document's schema for that status (the
//     schema and the components it reaches, under $defs).
// The output depends on the document alone (no random values, no generated ids), so that the
// committed api/postman.json can be compared with a fresh run (tests/contract/newman/generate).
// GET operations the seed cannot answer are listed on stderr as left out, with the reason.
//
// usage: node prepare.mjs GENERATED.json OPENAPI.json OUT.json
import { readFileSync, writeFileSync } from 'node:fs';

const [generatedFile, specFile, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error('usage: node prepare.mjs GENERATED.json OPENAPI.json OUT.json');
  process.exit(2);
}
const generated = JSON.parse(readFileSync(generatedFile, 'utf8'));
const spec = JSON.parse(readFileSync(specFile, 'utf8'));

// Path variables of the reads, by operation path template and name. A value in {{…}} is a
// collection variable that an earlier request stores.
const PATH_VALUES = {
  '/v1/admin-units/{code}': { code: '89' },
  '/v1/admin-units/{code}/history': { code: '89' },
  '/v1/agencies/{code}': { code: 'SLDTBXH' },
  '/v1/agencies/{code}/history': { code: 'SLDTBXH' },
  '/v1/agencies/{code}/responsibilities': { code: 'SLDTBXH' },
  '/v1/users/{username}': { username: 'coordinator' },
  '/v1/users/{username}/history': { username: 'coordinator' },
  '/v1/documents/{id}': { id: '1' },
  '/v1/documents/{id}/history': { id: '1' },
  '/v1/plans/{id}': { id: '1' },
  '/v1/plans/{id}/history': { id: '1' },
  '/v1/plans/{id}/sections': { id: '1' },
  '/v1/plans/{id}/sections/{code}': { id: '1', code: 'V.1' },
  '/v1/plans/{id}/sections/{code}/history': { id: '1', code: 'V.1' },
  '/v1/tasks/{id}': { id: '1' },
  '/v1/tasks/{id}/history': { id: '1' },
  '/v1/tasks/{id}/updates': { id: '1' },
  '/v1/tasks/{id}/occurrences': { id: '41' }, // V.1's six-monthly report duty
  '/v1/periods/{id}': { id: '2017VNS1' },
  '/v1/indicators/{code}': { code: 'COMMUNE-AWARENESS' },
  '/v1/indicators/{code}/history': { code: 'COMMUNE-AWARENESS' },
  '/v1/indicators/{code}/targets': { code: 'COMMUNE-AWARENESS' },
  '/v1/indicators/{code}/targets/{id}': { code: 'COMMUNE-AWARENESS', id: '{{targetId}}' },
  '/v1/indicators/{code}/targets/{id}/history': { code: 'COMMUNE-AWARENESS', id: '{{targetId}}' },
  '/v1/pilot-model-types/{code}': { code: 'PM1' },
  '/v1/pilot-model-types/{code}/history': { code: 'PM1' },
  '/v1/reporting-obligations/{code}': { code: 'RO-V1-6M' },
  '/v1/reporting-obligations/{code}/history': { code: 'RO-V1-6M' },
  '/v1/reporting-obligations/{code}/submissions': { code: 'RO-V1-6M' },
  '/v1/reports/{period}': { period: '2017VN' },
  '/v1/funding-sources/{code}': { code: 'NSTINH' },
  '/v1/funding-sources/{code}/history': { code: 'NSTINH' },
};

// Required (and a few chosen) query parameters, by operation path template.
const QUERY_VALUES = {
  '/v1/analytics': { indicator: 'COMMUNE-AWARENESS', period: '2017', unit: '89' },
  '/v1/dashboard': { period: '2017VN', plan: '1', unit: '883' },
  '/v1/reports/{period}': { plan: '1', unit: '89' },
  '/v1/reporting-completeness': { period: '2017VN' },
  '/v1/measurements/template': { indicator: 'COMMUNE-AWARENESS', period: '2017' },
  '/v1/funding': { plan: '1' },
};

// GET operations the seed alone cannot answer: no measurement, pilot site, progress update or
// submission exists until someone writes one.
const LEFT_OUT = {
  '/v1/measurements/{id}': 'the seed has no measurement',
  '/v1/measurements/{id}/history': 'the seed has no measurement',
  '/v1/pilot-sites/{id}': 'the seed has no pilot site',
  '/v1/pilot-sites/{id}/history': 'the seed has no pilot site',
  '/v1/pilot-sites/{id}/status-history': 'the seed has no pilot site',
  '/v1/tasks/{id}/updates/{update_id}': 'the seed has no progress update',
  '/v1/reporting-obligations/{code}/submissions/{id}': 'the seed has no submission',
  '/v1/measurement-imports/{id}': 'the seed has no import',
  '/v1/webhooks/{id}': 'the seed has no webhook',
  '/v1/webhooks/{id}/deliveries': 'the seed has no webhook',
  '/v1/budget-lines/{id}': 'the seed has no budget line',
  '/v1/budget-lines/{id}/history': 'the seed has no budget line',
  '/v1/budget-lines/{id}/disbursements': 'the seed has no budget line',
  '/v1/budget-lines/{id}/disbursements/{entry}': 'the seed has no budget line',
};

// Values a read stores for later requests: variable name → expression on the body `json`.
const READ_STORES = {
  'GET /v1/indicators/{code}/targets': { targetId: 'json.items[0].id' },
};

// The writes, where the document's example is not the chain's: `body`, the body instead of
// the example, or `merge`, fields changed in it ('@@name@@' stands for the variable {{name}},
// unquoted); `stores`, variables stored from a successful answer (expressions on its body
// `json`); `vars`, path variables instead of the chain's; `status`, the status the chain gets
// instead of the lowest 2xx; `readEtag`, the object's ETag read by a GET before the request.
const WRITES = {
  'POST /v1/auth/token': {
    body: { username: '{{username}}', password: '{{password}}' },
    stores: { token: 'json.access_token', refreshToken: 'json.refresh_token' },
  },
  'POST /v1/auth/refresh': {
    body: { refresh_token: '{{refreshToken}}' },
    stores: { token: 'json.access_token', refreshToken: 'json.refresh_token' },
  },
  'POST /v1/auth/logout': { body: { refresh_token: '{{refreshToken}}' } },
  // the caller's own password: {{password}} becomes {{newPassword}}
  'PUT /v1/me/password': {
    body: { current_password: '{{password}}', new_password: '{{newPassword}}' },
    stores: { password: "pm.variables.get('newPassword')" },
  },
  // the seed holds the examples' document, indicator and model type: new ones, the
  // indicator of the plan the chain created
  'POST /v1/documents': {
    body: { number: '01/KH-UBND', type: 'ke_hoach', title: 'Kế hoạch năm 2017' },
  },
  'POST /v1/indicators': { merge: { code: 'DISTRICT-INTEGRATION-2017', plan: '@@plans_id@@' } },
  'POST /v1/pilot-model-types': { merge: { code: 'PM4' } },
  // the task goes into the plan the chain created, under the section it created (II.1)
  'POST /v1/tasks': { merge: { plan: '@@plans_id@@' } },
  // the admin's agency reports nothing: the report of the obligation's reporter
  'POST /v1/reporting-obligations/{code}/submissions': { merge: { agency: 'TAND' } },
  'POST /v1/measurements/import': { stores: { measurementImports_id: 'json.import' } },
  'POST /v1/measurements/submit': { body: { import: '@@measurementImports_id@@' } },
  'POST /v1/measurements/approve': { body: { ids: ['@@measurements_id@@'] } },
  // the 201 of POST /v1/webhooks holds the secret, which GET never shows, so its ETag is that
  // of another representation: If-Match takes the one GET gives
  'PATCH /v1/webhooks/{id}': { readEtag: true },
  // one's own account is not created by the run: its ETag is read first
  'PATCH /v1/me': { readEtag: true },
  // nothing is ever delivered in the run (the example receiver's host, which the suite's server
  // allows by name, never resolves), so there is no delivery to send again
  'POST /v1/webhooks/{id}/deliveries/{delivery}/redeliver': {
    vars: { delivery: '1' }, status: '404',
  },
  // a line is proposed without a body, as it mostly is (the note is optional)
  'POST /v1/budget-lines/{id}/propose': { body: '' },
  // the chain's one budget line is allocated by then: it is neither rejected nor deleted
  'POST /v1/budget-lines/{id}/reject': { status: '409' },
  'DELETE /v1/budget-lines/{id}': { status: '409' },
};

// A create's answer names the new object by the field its path variable is named after, but:
const CREATED_FIELD = { update_id: 'id', entry: 'id' };

// The order of a tag's writes where the document's is not the chain's: a measurement goes
// draft → submitted → approved → submitted → draft, then an import of two rows (updating
// that draft) is submitted and approved in bulk.
const WRITE_ORDER = {
  Measurements: [
    'POST /v1/measurements', 'PATCH /v1/measurements/{id}', 'POST /v1/measurements/{id}/submit',
    'POST /v1/measurements/{id}/approve', 'POST /v1/measurements/{id}/unapprove',
    'POST /v1/measurements/{id}/return', 'POST /v1/measurements/import',
    'POST /v1/measurements/submit', 'POST /v1/measurements/approve',
  ],
  // a password change ends the sessions of its user, the one signed in: it comes last
  Users: ['POST /v1/users', 'PATCH /v1/users/{username}', 'PATCH /v1/me', 'PUT /v1/me/password'],
  // a source added and changed; a line drafted, changed, proposed, appraised and allocated (then
  // refused a rejection and a deletion, 409), and money spent on it
  Funding: [
    'POST /v1/funding-sources', 'PATCH /v1/funding-sources/{code}', 'POST /v1/budget-lines',
    'PATCH /v1/budget-lines/{id}', 'POST /v1/budget-lines/{id}/propose',
    'POST /v1/budget-lines/{id}/appraise', 'POST /v1/budget-lines/{id}/allocate',
    'POST /v1/budget-lines/{id}/reject', 'DELETE /v1/budget-lines/{id}',
    'POST /v1/budget-lines/{id}/disbursements',
  ],
  // the webhook is deleted last
  Webhooks: [
    'POST /v1/webhooks', 'PATCH /v1/webhooks/{id}',
    'POST /v1/webhooks/{id}/deliveries/{delivery}/redeliver', 'DELETE /v1/webhooks/{id}',
  ],
};
// The tags whose writes come last, in this order (Users ends with the password change).
const LAST_TAGS = ['Users'];

// --- the document ----------------------------------------------------------------------------

const resolve = obj => {
  while (obj && obj.$ref) {
    obj = obj.$ref.slice(2).split('/').map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((node, key) => node[key], spec);
  }
  return obj;
};

// Components referenced as '#/components/schemas/X' become '#/$defs/X' of one schema. Keywords
// that only document (examples, description) are dropped, so that the validator has nothing
// to trip on.
const rewrite = node => {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'examples' || key === 'example' || key === 'description' || key === 'readOnly' ||
        key === 'writeOnly' || key === 'deprecated' || key.startsWith('x-')) continue;
    // OpenAPI's integer widths are not JSON Schema formats (Ajv refuses unknown ones)
    if (key === 'format' && (value === 'int32' || value === 'int64')) continue;
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.replace('#/components/schemas/', '#/$defs/');
    } else if (key === 'properties' || key === 'patternProperties' || key === '$defs') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    } else {
      out[key] = rewrite(value);
    }
  }
  return out;
};
const defs = Object.fromEntries(Object.entries(spec.components.schemas)
  .map(([name, schema]) => [name, rewrite(schema)]));

const operations = new Map(); // 'GET /v1/x/{id}' -> operation
for (const [template, item] of Object.entries(spec.paths)) {
  for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
    if (item[method]) operations.set(`${method.toUpperCase()} ${template}`, item[method]);
  }
}

// The components a schema reaches through $ref, as the $defs it needs.
const reached = (schema, names = new Set()) => {
  const walk = node => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) {
        const name = value.slice('#/$defs/'.length);
        if (!names.has(name)) { names.add(name); walk(defs[name]); }
      } else walk(value);
    }
  };
  walk(schema);
  return Object.fromEntries([...names].sort().map(name => [name, defs[name]]));
};

// The answer of an operation with `status` (default: its lowest 2xx): per media type the
// schema that a JSON body must match (null for other media types).
const answer = (op, status) => {
  status ??= Object.keys(op.responses).filter(s => /^2\d\d$/.test(s)).sort()[0];
  const response = resolve(op.responses[status]);
  if (!response) throw new Error(`no response ${status} in the document`);
  const media = {};
  for (const [type, content] of Object.entries(response.content ?? {})) {
    if (!/json$/.test(type) || !content.schema) { media[type] = null; continue; }
    const schema = rewrite(content.schema);
    media[type] = { $defs: reached(schema), ...schema };
  }
  return { status: Number(status), media };
};

// An example's value: the one of `example`, else the first of `examples` (a schema's list, or
// a parameter's or media type's map of Example objects).
const exampleOf = holder => {
  if (!holder) return undefined;
  if (holder.example !== undefined) return holder.example;
  if (Array.isArray(holder.examples)) return holder.examples[0];
  const first = Object.values(holder.examples ?? {})[0];
  return first === undefined ? undefined : resolve(first).value;
};

// --- the requests ------------------------------------------------------------------------------

const templateOf = request =>
  '/' + request.url.path.map(seg => seg.replace(/^:(.+)$/, '{$1}')).join('/');

// openapi-to-postmanv2's requests by 'METHOD template'
const generatedItems = new Map();
const collect = items => items.forEach(item => {
  if (item.item) return collect(item.item);
  const key = `${item.request.method} ${templateOf(item.request)}`;
  if (!operations.has(key)) throw new Error(`${key}: no such operation in the document`);
  generatedItems.set(key, item);
});
collect(generated.item);

const camel = segment => segment.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
// The variables of the object a path variable names in the writes: {{documents_id}} for
// /v1/documents/{id}, {{sections_code}} for /v1/plans/{id}/sections/{code}.
const chainVar = (template, name) => {
  const segs = template.split('/');
  const at = segs.indexOf(`{${name}}`);
  return `${camel(segs[at - 1])}_${name}`;
};
// A create: a POST to a collection whose objects the document addresses by one more variable.
const createdKey = template => {
  for (const other of operations.keys()) {
    const m = other.match(/^GET (.*)\/\{([^}]+)\}$/);
    if (m && m[1] === template) return m[2];
  }
  return null;
};

const paramsOf = (key, op) => {
  const item = spec.paths[key.slice(key.indexOf(' ') + 1)];
  return [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve);
};

// The test script: the status, the media type and schema of the body (pm.response.to.have.
// jsonSchema validates with Ajv in the sandbox), then the variables to store.
const testScript = (label, ok, stores) => [
  `// ${label}: the answer the document gives for ${ok.status}, and its body's schema`,
  `const ok = ${JSON.stringify(ok)};`,
  `pm.test('${label} answers ' + ok.status, function () {`,
  '  pm.response.to.have.status(ok.status);',
  '});',
  `pm.test('${label}: the body is what the document says', function () {`,
  "  const type = (pm.response.headers.get('Content-Type') || '').split(';')[0].trim();",
  '  if (!Object.keys(ok.media).length) {',
  "    return pm.expect(pm.response.text(), 'no body').to.equal('');",
  '  }',
  "  pm.expect(Object.keys(ok.media), 'declared media types').to.include(type);",
  '  const schema = ok.media[type];',
  '  if (schema) pm.response.to.have.jsonSchema(schema);',
  "  else pm.expect(pm.response.text().length, 'a body').to.be.above(0);",
  '});',
  ...(Object.keys(stores).length ? [
    '// what later requests use',
    'const store = function (name, value) {',
    '  if (value !== undefined && value !== null) pm.collectionVariables.set(name, String(value));',
    '};',
    'if (pm.response.code === ok.status) {',
    ...(Object.values(stores).some(e => e.includes('json'))
      ? ['  const json = pm.response.json();'] : []),
    ...Object.entries(stores).map(([name, expr]) => `  store('${name}', ${expr});`),
    '}',
  ] : []),
];

// One request from the generated one: deterministic (no ids, saved responses or random
// values), its path, query and header values set, its test script attached.
const makeItem = (key, options) => {
  const { name, vars = {}, query = {}, headers = {}, body, contentType, status } = options;
  const prerequest = options.prerequest ?? [];
  const stores = options.stores ?? {};
  const source = generatedItems.get(key);
  if (!source) throw new Error(`${key}: openapi-to-postmanv2 made no request`);
  const [method, template] = key.split(' ');
  const op = operations.get(key);
  const params = paramsOf(key, op);
  const request = JSON.parse(JSON.stringify(source.request));
  delete request.name;
  for (const variable of request.url.variable ?? []) {
    if (vars[variable.key] === undefined) throw new Error(`${key}: no value for {${variable.key}}`);
    variable.value = vars[variable.key];
    delete variable.type;
  }
  for (const q of request.url.query ?? []) {
    const param = params.find(p => p.in === 'query' && p.name === q.key);
    if (q.key in query) { q.value = query[q.key]; q.disabled = false; continue; }
    const example = exampleOf(param) ?? exampleOf(param?.schema);
    q.value = example === undefined ? '' : String(example);
    q.disabled = true;
  }
  for (const k of Object.keys(query)) {
    if (!(request.url.query ?? []).some(q => q.key === k)) {
      throw new Error(`${key}: no query parameter ${k}`);
    }
  }
  const ok = answer(op, status);
  request.header = (request.header ?? []).filter(h => h.key.toLowerCase() !== 'accept').map(h => {
    const param = params.find(p =>
      p.in === 'header' && p.name.toLowerCase() === h.key.toLowerCase());
    if (!param) return h;
    if (h.key in headers) return { ...h, value: headers[h.key], disabled: false };
    const example = exampleOf(param) ?? exampleOf(param.schema);
    return { ...h, value: example === undefined ? '' : String(example), disabled: true };
  });
  for (const k of Object.keys(headers)) {
    if (!request.header.some(h => h.key === k)) throw new Error(`${key}: no header ${k}`);
  }
  // Accept what the document declares first (JSON where it has it).
  request.header.push({ key: 'Accept', value: Object.keys(ok.media)[0] ?? '*/*' });
  if (contentType) {
    request.header = request.header.map(h =>
      h.key.toLowerCase() === 'content-type' ? { ...h, value: contentType } : h);
  }
  if (body === undefined) delete request.body;
  else {
    const raw = typeof body === 'string' ? body
      : JSON.stringify(body, null, 2).replace(/"@@([A-Za-z_]+)@@"/g, '{{$1}}');
    request.body = { ...request.body, mode: 'raw', raw };
  }
  if (Array.isArray(op.security) && op.security.length === 0) request.auth = { type: 'noauth' };
  else delete request.auth; // the collection's bearer token

  const label = `${method} ${template}`;
  return {
    name: name ?? source.name,
    request,
    event: [
      ...(prerequest.length
        ? [{ listen: 'prerequest', script: { type: 'text/javascript', exec: prerequest } }] : []),
      { listen: 'test', script: { type: 'text/javascript', exec: testScript(label, ok, stores) } },
    ],
    ...(source.protocolProfileBehavior
      ? { protocolProfileBehavior: source.protocolProfileBehavior } : {}),
  };
};

const tagOf = key => operations.get(key).tags?.[0] ?? 'Other';
const tags = (spec.tags ?? []).map(t => t.name);
const folders = (items, kind, order = tags) => order.flatMap(tag => {
  const mine = items.filter(i => i.tag === tag).map(i => i.item);
  if (!mine.length) return [];
  const description = (spec.tags.find(t => t.name === tag).description ?? '').trim();
  return [{ name: tag, description: `${kind} — ${description}`, item: mine }];
});

// --- Reads -------------------------------------------------------------------------------------

const leftOut = [];
const reads = [];
for (const key of operations.keys()) {
  const [method, template] = key.split(' ');
  if (method !== 'GET') continue;
  if (LEFT_OUT[template]) { leftOut.push(`${key}: ${LEFT_OUT[template]}`); continue; }
  reads.push({
    tag: tagOf(key),
    item: makeItem(key, {
      vars: PATH_VALUES[template], query: QUERY_VALUES[template] ?? {},
      stores: READ_STORES[key] ?? {},
    }),
  });
}

// --- Writes ------------------------------------------------------------------------------------

// A pre-request script that GETs the object at `template` (its variables filled from `vars`)
// with the collection's token and stores its ETag in the collection variable `name`.
const readEtagScript = (template, vars, name) => [
  `// the ETag of the object as GET shows it, for If-Match`,
  'pm.sendRequest({',
  `  url: pm.variables.replaceIn('{{baseUrl}}${template.replace(/\{([^}]+)\}/g, (_, v) => vars[v])}'),`,
  "  method: 'GET',",
  "  header: { Authorization: 'Bearer ' + pm.variables.get('token') },",
  '}, function (err, res) {',
  `  if (!err && res.code === 200) pm.collectionVariables.set('${name}', res.headers.get('ETag'));`,
  '});',
];

const writeKeys = [...operations.keys()].filter(k => !k.startsWith('GET '));
const writeTags = [...tags.filter(t => !LAST_TAGS.includes(t)), ...LAST_TAGS];
const ordered = writeTags.flatMap(tag => {
  const mine = writeKeys.filter(k => tagOf(k) === tag);
  const order = WRITE_ORDER[tag];
  if (!order) return mine;
  const missing = mine.filter(k => !order.includes(k));
  if (missing.length) throw new Error(`WRITE_ORDER.${tag} leaves out ${missing.join(', ')}`);
  return order;
});

const writes = [];
for (const key of ordered) {
  const [method, template] = key.split(' ');
  const op = operations.get(key);
  const override = WRITES[key] ?? {};
  const vars = {};
  for (const [, name] of template.matchAll(/\{([^}]+)\}/g)) {
    vars[name] = override.vars?.[name] ?? `{{${chainVar(template, name)}}}`;
  }
  const headerNames = paramsOf(key, op).filter(p => p.in === 'header').map(p => p.name);
  const headers = {};
  // the object the path names: the one of its last variable
  const last = [...template.matchAll(/\{([^}]+)\}/g)].pop()?.[1];
  const resource = last ? chainVar(template, last).replace(/_[^_]+$/, '') : null;
  if (headerNames.includes('Idempotency-Key')) headers['Idempotency-Key'] = '{{$guid}}';
  if (headerNames.includes('If-Match')) headers['If-Match'] = `{{${resource}_etag}}`;
  // the body: the override, else the example of the media type openapi-to-postmanv2 chose
  // (or of the first media type that has one: then the Content-Type is that one)
  let body = override.body;
  let contentType;
  if (body === undefined && op.requestBody) {
    const content = resolve(op.requestBody).content;
    const chosen = generatedItems.get(key).request.header
      .find(h => h.key.toLowerCase() === 'content-type')?.value;
    contentType = [chosen, ...Object.keys(content)].find(t => exampleOf(content[t]) !== undefined);
    if (!contentType) throw new Error(`${key}: the document has no example body`);
    body = exampleOf(content[contentType]);
    if (override.merge) body = { ...body, ...override.merge };
  }
  const stores = { ...(override.stores ?? {}) };
  const created = method === 'POST' ? createdKey(template) : null;
  if (created) {
    const v = camel(template.split('/').pop());
    stores[`${v}_${created}`] = `json.${CREATED_FIELD[created] ?? created}`;
    stores[`${v}_etag`] = "pm.response.headers.get('ETag')";
    stores[`${v}_first_etag`] = "pm.response.headers.get('ETag')";
  } else if (resource && method !== 'DELETE') {
    stores[`${resource}_etag`] = "pm.response.headers.get('ETag')"; // the new version's
  }
  // the object's current ETag, read first where no earlier answer gives it
  const prerequest = override.readEtag ? readEtagScript(template, vars, `${resource}_etag`) : [];
  writes.push({
    tag: tagOf(key),
    item: makeItem(key, {
      vars, headers, body, contentType, stores, prerequest, status: override.status,
    }),
  });
  // a change from an old version is refused
  if (method === 'PATCH') {
    writes.push({
      tag: tagOf(key),
      item: makeItem(key, {
        name: `${op.summary} — with a stale If-Match (412)`,
        vars, body, contentType, status: '412',
        headers: { ...headers, 'If-Match': `{{${resource}_first_etag}}` },
      }),
    });
  }
}

// --- the collection ----------------------------------------------------------------------------

const variables = [
  ['baseUrl', 'http://127.0.0.1:8080', 'the server'],
  ['token', '',
    'an access token (`planmon token --username admin`, or Writes → Authentication → Sign in)'],
  ['username', 'admin', 'for Sign in'],
  ['password', '', 'for Sign in and Change my password'],
  ['newPassword', '', 'for Change my password'],
  ['refreshToken', '', 'stored by Sign in'],
  ['targetId', '', 'stored by listing the targets of COMMUNE-AWARENESS'],
];
const stored = new Set();
const scan = items => items.forEach(i => i.item ? scan(i.item) : i.event.forEach(e =>
  e.script.exec.forEach(line => {
    const m = line.match(/pm\.collectionVariables\.set\('([^']+)'/);
    if (m) stored.add(m[1]);
  })));
const collection = {
  info: {
    _postman_id: '6f1e2f5c-5b0e-4d43-9a38-1994a1b20160',
    name: generated.info.name,
    description: [
      'Every operation of the planmon API, generated from its OpenAPI document (/openapi.yaml)',
      'by tests/contract/newman/generate. Set two collection variables and send: baseUrl (the',
      'server, e.g. http://127.0.0.1:8080) and token (an access token: `planmon token --username',
      'admin` on the server, or set username and password and send Writes → Authentication →',
      'Sign in, which fills it; tokens live 15 minutes).',
      '',
      'Reads holds the GET operations, aimed at data every seeded server has (the plan of',
      'Decision 1994/QĐ-UBND). Writes creates, changes, archives and restores objects with the',
      'document\'s example bodies, in an order that chains: a create stores the new object\'s key',
      'and ETag in collection variables that the requests after it use in their paths and',
      'If-Match headers; POSTs send a fresh Idempotency-Key ({{$guid}}). Run Writes against a',
      'test server: it changes data (and, with Change my password, the password of the user',
      'signed in). Each request checks its answer\'s status and body against the document.',
    ].join('\n'),
  },
  item: [
    { name: 'Reads', item: folders(reads, 'Reads') },
    { name: 'Writes', item: folders(writes, 'Writes', writeTags) },
  ],
  auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
};
scan(collection.item);
for (const [key] of variables) stored.delete(key);
collection.variable = [
  ...variables.map(([key, value, description]) => ({ key, value, type: 'string', description })),
  ...[...stored].sort()
    .map(key => ({ key, value: '', type: 'string', description: 'stored by a request' })),
];
collection.info.schema = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

writeFileSync(outFile, JSON.stringify(collection, null, 2) + '\n');
for (const line of leftOut) console.error(`left out: ${line}`);
console.error(
  `${reads.length} reads, ${writes.length} writes, ${leftOut.length} operations left out`);
