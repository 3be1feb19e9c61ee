#!/usr/bin/env python3
"""Before/after: the read commands of two checkouts of catalog, side by side, on the same site.

    git worktree add /tmp/old 68d0afa
    python bench/serve.py SITE_DIR --port 8790 &      # e.g. a bench/sitegen.py site of 1,028 offerings
    python bench/read_versions.py /tmp/old http://127.0.0.1:8790 [ROUNDS]

Each checkout refreshes the site twice into a database of its own (two complete runs, so
`changes` has something to compare), then every read command runs ROUNDS times, alternating
the two checkouts; the medians are printed, and each command against `models llama`.
"""
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
VERSIONS = {"before": Path(sys.argv[1]), "after": Path(__file__).resolve().parent.parent}
SITE = sys.argv[2]
WORKLOAD = ["--input-tokens", "1M", "--output-tokens", "200k"]
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
WORK = Path(tempfile.mkdtemp(prefix="catalog-read-versions-"))

def run(root, args):
    env = {k: v for k, v in os.environ.items() if k != "CATALOG_DATABASE_URL"}
    t = time.perf_counter()
    p = subprocess.run([PY, "-m", "catalog", *args], cwd=root, capture_output=True, text=True, env=env)
    return time.perf_counter() - t, p

dbs = {}
for name, root in VERSIONS.items():
    db = WORK / f"{name}.sqlite3"
    if not db.exists():
        for _ in range(2):
            _, p = run(root, ["refresh", "--site", SITE, "--db", f"sqlite:///{db}", "--max-pages", "100000"])
            assert p.returncode == 0, (name, p.stdout[-500:], p.stderr[-500:])
    dbs[name] = db
with sqlite3.connect(dbs["after"]) as c:
    key = "/".join(c.execute("SELECT p.slug, m.model_id FROM offerings o JOIN providers p ON p.id=o.provider_id "
                             "JOIN models m ON m.id=o.model_ref_id WHERE lower(m.model_id) LIKE '%llama%' "
                             "ORDER BY 1, 2 LIMIT 1").fetchone())
commands = {
    "models llama": ["models", "llama"], "show": ["show", key], "compare llama": ["compare", "llama", *WORKLOAD],
    "cheapest": ["cheapest", *WORKLOAD], "history": ["history", key], "changes": ["changes"], "runs": ["runs"],
    "export csv": ["export", "--format", "csv", "--output", str(WORK / "out.csv")],
}
walls = {(v, c): [] for v in VERSIONS for c in commands}
for _ in range(ROUNDS):
    for c, args in commands.items():
        for v, root in VERSIONS.items():
            w, p = run(root, [*args, "--db", f"sqlite:///{dbs[v]}"])
            assert p.returncode == 0, (v, c, p.stderr[-300:])
            walls[(v, c)].append(w)
print(f"{'command':16} {'before':>8} {'after':>8}   after/models-llama(after)")
base = statistics.median(walls[("after", "models llama")])
for c in commands:
    b, a = statistics.median(walls[("before", c)]), statistics.median(walls[("after", c)])
    print(f"{c:16} {b:8.3f} {a:8.3f}   {a / base:.2f}x")
print("load", os.getloadavg())
