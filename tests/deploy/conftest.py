"""tests/deploy: the deployment files (Dockerfile, deploy/compose.yaml, deploy/kubernetes/,
deploy/systemd/, deploy/nginx/, deploy/pgbouncer/) checked without Docker or Kubernetes, and
test_scale.py's real multi-instance run.

Environment (from tests/run; each has a default for a run by hand): PLANMON_BIN (build/planmon),
PG_PORT (a cluster with the superuser postgres trusted on 127.0.0.1; else a throwaway one),
PLANMON_TESTS_RUN, DOCS_JS_FILE, REPO_ROOT, PLANMON_RESULTS (tests/.results).
"""
