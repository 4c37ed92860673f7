// tests/contract/newman/prepare.mjs: turns the Postman collection that openapi-to-postmanv2
// generated from api/openapi.yaml into one that newman (or a person in Postman) can run against
// a server seeded with `planmon seed` and `planmon seed --demo`:
//   - the collection signs in once (POST /v1/auth/token as {{username}} with {{password}}) and
//     carries the access token as its bearer token; public operations send none;
//   - path variables get seeded ids (admin unit 89, agency SLDTBXH, indicator COMMUNE-AWARENESS,
//     period 2017VNS1, ...), ids that the seed does not fix (a target's) are looked up from the
//     API by the same sign-in script, and required query parameters get seeded values; optional
//     query parameters are switched off (they stay in the collection for a person to try);
//   - every request kept asserts the operation's success status and, for JSON, that the body
//     matches the operation's response schema, taken from the document (its components under
//     $defs); other bodies are checked for the declared media type.
// It keeps the GET operations whose path variables the seeded data can fill; the others are
// listed on stderr as left out, with the reason. Writes are not run: their effects would change
// the data the reads are checked on.
//
// usage: node prepare.mjs GENERATED.json OPENAPI.json OUT.json
import { readFileSync, writeFileSync } from 'node:fs';

const [generatedFile, specFile, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error('usage: node prepare.mjs GENERATED.json OPENAPI.json OUT.json');
  process.exit(2);
}
const collection = JSON.parse(readFileSync(generatedFile, 'utf8'));
const spec = JSON.parse(readFileSync(specFile, 'utf8'));

// Path variables, by operation path template and name. A value in {{…}} is a collection
// variable that the sign-in script fills from the API.
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
};

// Required (and a few chosen) query parameters, by operation path template.
const QUERY_VALUES = {
  '/v1/analytics': { indicator: 'COMMUNE-AWARENESS', period: '2017', unit: '89' },
  '/v1/reports/{period}': { plan: '1', unit: '89' },
  '/v1/reporting-completeness': { period: '2017VN' },
  '/v1/measurements/template': { indicator: 'COMMUNE-AWARENESS', period: '2017' },
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
};

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

// The success answer of an operation: its lowest 2xx status, and per media type the schema
// that a JSON body must match (null for other media types).
const success = op => {
  const status = Object.keys(op.responses).filter(s => /^2\d\d$/.test(s)).sort()[0];
  const response = resolve(op.responses[status]);
  const media = {};
  for (const [type, content] of Object.entries(response.content ?? {})) {
    media[type] = /json$/.test(type) && content.schema
      ? { $defs: defs, ...rewrite(content.schema) } : null;
  }
  return { status: Number(status), media };
};

// --- the collection --------------------------------------------------------------------------

const templateOf = request =>
  '/' + request.url.path.map(seg => seg.replace(/^:(.+)$/, '{$1}')).join('/');

// The test script of one request: status, media type and schema, in the sandbox (its
// pm.response.to.have.jsonSchema validates with Ajv).
const testScript = (method, template, ok) => [
  `// ${method} ${template}: the success answer of the document, and its body's schema`,
  `const ok = ${JSON.stringify(ok)};`,
  `pm.test('${method} ${template} answers ' + ok.status, function () {`,
  '  pm.response.to.have.status(ok.status);',
  '});',
  `pm.test('${method} ${template}: the body is what the document says', function () {`,
  "  const type = (pm.response.headers.get('Content-Type') || '').split(';')[0].trim();",
  "  pm.expect(Object.keys(ok.media), 'declared media types').to.include(type);",
  '  const schema = ok.media[type];',
  '  if (schema) pm.response.to.have.jsonSchema(schema);',
  "  else pm.expect(pm.response.text().length, 'a body').to.be.above(0);",
  '});',
];

const kept = [];
const leftOut = [];
const prepare = items => items.flatMap(item => {
  if (item.item) {
    const children = prepare(item.item);
    return children.length ? [{ ...item, item: children }] : [];
  }
  const request = item.request;
  const method = request.method;
  const template = templateOf(request);
  const op = operations.get(`${method} ${template}`);
  if (!op) throw new Error(`${method} ${template}: no such operation in the document`);
  if (method !== 'GET') { leftOut.push(`${method} ${template}: a write`); return []; }
  if (LEFT_OUT[template]) { leftOut.push(`${method} ${template}: ${LEFT_OUT[template]}`); return []; }

  for (const variable of request.url.variable ?? []) {
    const value = PATH_VALUES[template]?.[variable.key];
    if (value === undefined) throw new Error(`${method} ${template}: no value for {${variable.key}}`);
    variable.value = value;
  }
  const chosen = QUERY_VALUES[template] ?? {};
  for (const q of request.url.query ?? []) {
    if (q.key in chosen) { q.value = chosen[q.key]; q.disabled = false; } else q.disabled = true;
  }
  for (const [key, value] of Object.entries(chosen)) {
    if (!(request.url.query ?? []).some(q => q.key === key)) {
      throw new Error(`${method} ${template}: no query parameter ${key}`);
    }
  }
  // Accept what the document declares first (JSON where it has it).
  const ok = success(op);
  request.header = (request.header ?? []).filter(h => h.key.toLowerCase() !== 'accept');
  request.header.push({ key: 'Accept', value: Object.keys(ok.media)[0] ?? '*/*' });
  if (Array.isArray(op.security) && op.security.length === 0) request.auth = { type: 'noauth' };
  else delete request.auth; // the collection's bearer token

  item.event = [{ listen: 'test', script: { type: 'text/javascript', exec: testScript(method, template, ok) } }];
  kept.push(`${method} ${template}`);
  return [item];
});
collection.item = prepare(collection.item);

// Signing in, once per run, and the ids the seed does not fix. Runs before every request; it
// does its work only while there is no token, or the token is older than 10 minutes (they
// live 15).
const signIn = [
  "if (pm.collectionVariables.get('bearerToken') &&",
  "    Date.now() - Number(pm.collectionVariables.get('tokenTime') || 0) < 600000) return;",
  "const base = pm.variables.get('baseUrl');",
  'pm.sendRequest({',
  "  url: base + '/v1/auth/token', method: 'POST',",
  "  header: { 'Content-Type': 'application/json' },",
  "  body: { mode: 'raw', raw: JSON.stringify({",
  "    username: pm.variables.get('username'),",
  "    password: pm.variables.get('password') }) },",
  '}, function (err, res) {',
  "  if (err || res.code !== 200) throw new Error('sign-in failed: ' + (err || res.code));",
  '  const token = res.json().access_token;',
  "  pm.collectionVariables.set('bearerToken', token);",
  "  pm.collectionVariables.set('tokenTime', String(Date.now()));",
  '  // a target of the seeded indicator',
  '  pm.sendRequest({',
  "    url: base + '/v1/indicators/COMMUNE-AWARENESS/targets?limit=1', method: 'GET',",
  "    header: { Authorization: 'Bearer ' + token, Accept: 'application/json' },",
  '  }, function (err2, res2) {',
  "    if (err2 || res2.code !== 200) throw new Error('listing targets failed: ' + (err2 || res2.code));",
  '    const items = res2.json().items;',
  "    if (!items.length) throw new Error('COMMUNE-AWARENESS has no target');",
  "    pm.collectionVariables.set('targetId', String(items[0].id));",
  '  });',
  '});',
];
collection.event = [{ listen: 'prerequest', script: { type: 'text/javascript', exec: signIn } }];
collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{bearerToken}}', type: 'string' }] };
const setVar = (key, value) => {
  collection.variable = (collection.variable ?? []).filter(v => v.key !== key);
  collection.variable.push({ key, value, type: 'string' });
};
setVar('baseUrl', 'http://127.0.0.1:8080');
setVar('username', 'admin');
setVar('password', '');
setVar('bearerToken', '');
setVar('tokenTime', '');
setVar('targetId', '');
collection.info.description = {
  content: 'Generated from api/openapi.yaml by openapi-to-postmanv2 and prepared by ' +
    'tests/contract/newman/prepare.mjs. Set the collection variables baseUrl (the server) and ' +
    'password (the demo users\' DEMO_PASSWORD; username is a demo user, admin by default); ' +
    'the collection signs in itself and checks every answer against the document.',
  type: 'text/plain',
};

writeFileSync(outFile, JSON.stringify(collection, null, 2) + '\n');
for (const line of leftOut) console.error(`left out: ${line}`);
console.error(`${kept.length} requests kept, ${leftOut.length} operations left out`);
