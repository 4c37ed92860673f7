"""deploy/kubernetes/: every manifest valid against the Kubernetes API schemas (kubernetes-models,
through node) and free of fields the API does not know (from the same package's type
declarations), and the pieces fit together: probes, resources, selectors, user, settings."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from stack import REPO_ROOT

K8S = REPO_ROOT / "deploy" / "kubernetes"
MODELS = REPO_ROOT / "node_modules" / "kubernetes-models"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def documents(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


ALL = [(p.name, d) for p in MANIFESTS for d in documents(p)]


def by_kind(kind):
    found = [d for _, d in ALL if d["kind"] == kind]
    assert len(found) == 1, f"{len(found)} {kind}s"
    return found[0]


def schema_errors(objs):
    if not (MODELS / "package.json").exists():
        pytest.fail("node_modules/kubernetes-models is missing: run npm ci", pytrace=False)
    r = subprocess.run(["node", str(Path(__file__).with_name("k8s_validate.js"))],
                       input=json.dumps(objs), capture_output=True, text=True, timeout=60,
                       cwd=REPO_ROOT)
    assert r.returncode == 0, r.stderr
    return [res["errors"] for res in json.loads(r.stdout)]


# --- unknown fields, from the type declarations (.d.ts) of kubernetes-models ----------------

_PROP = re.compile(r'^    "([^"]+)"\??: (.*?);?$')
_IMPORT = re.compile(r'^import \{ (\w+) \} from "([^"]+)";$', re.M)
_cache = {}


def _dts(module):
    """module: a path under node_modules, without .d.ts."""
    return (REPO_ROOT / "node_modules" / (module + ".d.ts"))


def shape(dts):
    """{property: type text} of the interface a .d.ts declares, and its imports."""
    if dts in _cache:
        return _cache[dts]
    text = dts.read_text()
    imports = {}
    for name, module in _IMPORT.findall(text):
        target = (dts.parent / module).resolve() if module.startswith(".") else None
        imports[name] = (Path(str(target) + ".d.ts") if target
                         else _dts(module) if module.startswith("@kubernetes-models/") else None)
    m = re.search(r"^export interface \w+(?: extends [\w, ]+)? \{\n(.*?)^\}", text, re.M | re.S)
    props = {}
    if m:
        lines = m.group(1).splitlines()
        i = 0
        while i < len(lines):
            pm = _PROP.match(lines[i])
            if pm:
                kind = pm.group(2)
                if kind == "{":  # a map: the value type is on the next line
                    kind = "map:" + lines[i + 1].split(":", 2)[-1].strip().rstrip(";")
                props[pm.group(1)] = kind
            i += 1
    _cache[dts] = (props, imports)
    return _cache[dts]


def unknown_fields(obj, dts, where=""):
    props, imports = shape(dts)
    if not props:  # a type alias (quantity, int-or-string, time): no fields
        return []
    if not isinstance(obj, dict):
        return []
    found = []
    for key, value in obj.items():
        if key not in props:
            found.append(f"{where}/{key}")
            continue
        kind = props[key]
        is_map = kind.startswith("map:")
        kind = kind[4:] if is_map else kind
        m = re.fullmatch(r"Array<(\w+)>", kind)
        name = m.group(1) if m else kind
        child = imports.get(name)
        if child is None or not child.exists():
            continue
        items = (value.items() if is_map and isinstance(value, dict)
                 else enumerate(value) if m and isinstance(value, list) else [(None, value)])
        for k, v in items:
            sub = f"{where}/{key}" + (f"/{k}" if k is not None else "")
            found += unknown_fields(v, child, sub)
    return found


def dts_of(obj):
    group, _, version = obj["apiVersion"].rpartition("/")
    return MODELS / group / version / f"{obj['kind']}.d.ts" if group else \
        MODELS / version / f"{obj['kind']}.d.ts"


# --- the tests ---------------------------------------------------------------------------

def test_every_manifest_is_valid_against_the_kubernetes_schemas():
    errors = schema_errors([d for _, d in ALL])
    bad = {f"{f}: {d['kind']}/{d['metadata']['name']}": e
           for (f, d), e in zip(ALL, errors) if e}
    assert bad == {}
    assert {d["kind"] for _, d in ALL} >= {"Deployment", "Service", "ConfigMap", "Secret",
                                            "PodDisruptionBudget", "HorizontalPodAutoscaler",
                                            "Job"}


def test_no_manifest_has_a_field_the_api_does_not_know():
    bad = {f"{f}: {d['kind']}": unknown_fields(d, dts_of(d)) for f, d in ALL}
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_checks_find_planted_mistakes():
    deployment = json.loads(json.dumps(by_kind("Deployment")))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["livenesProbe"] = container.pop("livenessProbe")  # a typo
    container["resources"]["limits"]["cpu"] = "lots"            # not a quantity
    container["ports"][0]["containerPort"] = "8080"             # not an integer
    assert unknown_fields(deployment, dts_of(deployment)) == [
        "/spec/template/spec/containers/0/livenesProbe"]
    [errors] = schema_errors([deployment])
    text = " ".join(errors)
    assert "limits/cpu" in text and "containerPort" in text, errors


def test_the_deployment_probes_and_resources():
    d = by_kind("Deployment")
    pod = d["spec"]["template"]["spec"]
    [c] = pod["containers"]
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert c[probe]["httpGet"]["port"] in ports
    for job_or_deploy in (d, by_kind("Job")):
        for cont in job_or_deploy["spec"]["template"]["spec"]["containers"]:
            res = cont["resources"]
            assert set(res["requests"]) >= {"cpu", "memory"}
            assert set(res["limits"]) >= {"cpu", "memory"}
    assert d["spec"]["replicas"] >= 2
    assert c["args"] == ["serve"]


def test_pods_run_as_the_images_user_without_privileges():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    user = re.findall(r"^USER (\d+)", dockerfile, re.M)[-1]
    for obj in (by_kind("Deployment"), by_kind("Job")):
        pod = obj["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert str(pod["securityContext"]["runAsUser"]) == user
        assert pod["automountServiceAccountToken"] is False
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False
            assert sc["readOnlyRootFilesystem"] is True
            assert sc["capabilities"]["drop"] == ["ALL"]


def test_service_pdb_and_hpa_point_at_the_deployment():
    d = by_kind("Deployment")
    labels = d["spec"]["template"]["metadata"]["labels"]
    assert d["spec"]["selector"]["matchLabels"].items() <= labels.items()
    svc = by_kind("Service")
    assert svc["spec"]["selector"].items() <= labels.items()
    port_names = {p["name"] for p in d["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert all(p["targetPort"] in port_names for p in svc["spec"]["ports"])
    pdb = by_kind("PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    hpa = by_kind("HorizontalPodAutoscaler")
    ref = hpa["spec"]["scaleTargetRef"]
    assert (ref["apiVersion"], ref["kind"], ref["name"]) == ("apps/v1", "Deployment",
                                                              d["metadata"]["name"])
    assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    assert pdb["spec"]["maxUnavailable"] < hpa["spec"]["minReplicas"]


def test_settings_and_secrets_are_ones_planmon_reads():
    config_c = (REPO_ROOT / "service/src/config.c").read_text()
    known = set(re.findall(r'"([A-Z][A-Z0-9_]+)"', config_c))
    assert "DATABASE_URL" in known and "JWT_PRIVATE_KEY_FILE" in known, "config.c changed shape"
    cm = by_kind("ConfigMap")
    assert set(cm["data"]) <= known, set(cm["data"]) - known
    secret = by_kind("Secret")
    d = by_kind("Deployment")
    pod = d["spec"]["template"]["spec"]
    [c] = pod["containers"]
    for env in c["env"] + by_kind("Job")["spec"]["template"]["spec"]["containers"][0]["env"]:
        assert env["name"] in known
        ref = env.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["stringData"]
    [vol] = pod["volumes"]
    [item] = vol["secret"]["items"]
    assert item["key"] in secret["stringData"]
    [mount] = c["volumeMounts"]
    assert cm["data"]["JWT_PRIVATE_KEY_FILE"] == f"{mount['mountPath']}/{item['path']}"
    assert cm["data"]["BIND_ADDRESS"] == "0.0.0.0"
    ini = (REPO_ROOT / "deploy/pgbouncer/pgbouncer.ini").read_text()
    timeout = re.search(r"statement_timeout = (\d+)", ini).group(1)
    assert cm["data"]["DB_QUERY_TIMEOUT_MS"] == timeout
    assert int(cm["data"]["DB_POOL_SIZE"]) >= int(cm["data"]["HTTP_THREADS"])


def test_the_migration_job_runs_migrate_once():
    job = by_kind("Job")
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["containers"][0]["args"] == ["migrate"]
    assert job["spec"]["backoffLimit"] <= 5


def test_the_kustomization_lists_the_manifests_but_not_the_secret_template():
    k = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(k["resources"])
    assert all((K8S / r).exists() for r in listed)
    assert listed == {p.name for p in MANIFESTS} - {"secret.template.yaml", "migration-job.yaml"}


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_kustomize_builds_the_manifests():
    r = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    kinds = {d["kind"] for d in yaml.safe_load_all(r.stdout) if d}
    assert kinds == {"ConfigMap", "Deployment", "Service", "PodDisruptionBudget",
                     "HorizontalPodAutoscaler"}
