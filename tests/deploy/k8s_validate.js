// tests/deploy/k8s_validate.js: validates Kubernetes objects against the API schemas of the
// kubernetes-models package (Kubernetes 1.27). Reads a JSON array of objects on stdin; prints
// a JSON array with, for each, {"kind", "name", "errors": [...]} (no errors: valid).
"use strict";
const path = require("path");

function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const dir = group ? path.join(group, version) : version;
  const mod = require(path.join("kubernetes-models", dir, kind));
  return mod[kind];
}

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = input.map((obj) => {
  const name = obj && obj.metadata && obj.metadata.name;
  const result = { kind: obj && obj.kind, name, errors: [] };
  let Model;
  try {
    Model = modelFor(obj.apiVersion, obj.kind);
  } catch (e) {
    result.errors.push(`no schema for ${obj.apiVersion} ${obj.kind}`);
    return result;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    result.errors.push(String(e.message || e));
  }
  return result;
});
process.stdout.write(JSON.stringify(out));
