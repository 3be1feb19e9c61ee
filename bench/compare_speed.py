"""Time `catalog compare` over a large catalog against `genai-prices calc` for one model.

    python bench/compare_speed.py                      # 100,000 offerings (built first if missing)
    python bench/compare_speed.py --runs 9 --count 20000
    python bench/compare_speed.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench

Both are timed as whole processes (start to exit, output read through a pipe), alternately, after
one warm-up run each; the figures are the medians of --runs (default 5): wall time, and CPU time
(user + system), which a busy machine disturbs less. The catalog command is

    python -m catalog compare llama --input-tokens 1M --output-tokens 200k --db URL

run from --tree (default: this checkout). genai-prices must live in its own virtualenv, not the
project's:

    python3 -m venv /tmp/gp-venv && /tmp/gp-venv/bin/pip install 'genai-prices[cli]'

and is run as `genai-prices calc gpt-4o --input-tokens 1000000 --output-tokens 200000`.
The database comes from bench/gen_db.py (same --count and --seed give the same catalog).
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

CATALOG_ARGS = ["compare", "llama", "--input-tokens", "1M", "--output-tokens", "200k"]
GENAI_ARGS = ["calc", "gpt-4o", "--input-tokens", "1000000", "--output-tokens", "200000"]


def timed(command: list[str], *, cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds (user + system, this child only) and standard output of COMMAND."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done.stdout


def main(argv: list[str] | None = None) -> None:
    import gen_db

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="catalog database URL (default: gen_db's SQLite file for --count)")
    parser.add_argument("--count", type=int, default=100_000, help="offerings when the database is built")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=ROOT, help="catalog checkout to run (default: this one)")
    parser.add_argument("--genai-prices", default="/tmp/gp-venv/bin/genai-prices", help="genai-prices executable")
    args = parser.parse_args(argv)

    url = args.db or gen_db.default_url(args.count)
    if args.db is None and not Path(url.removeprefix("sqlite:///")).exists():
        print(f"building {url} ({args.count} offerings)...", file=sys.stderr)
        gen_db.build(url, args.count)
    if not Path(args.genai_prices).exists():
        raise SystemExit(f"{args.genai_prices} not found; install it apart from the project:\n"
                         "  python3 -m venv /tmp/gp-venv && /tmp/gp-venv/bin/pip install 'genai-prices[cli]'")

    tree = args.tree.resolve()
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("CATALOG_DATABASE_URL", None)
    # as after any install: the warm-up run leaves bytecode caches (genai-prices has its own from pip)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    catalog = [sys.executable, "-m", "catalog", *CATALOG_ARGS, "--db", url]
    genai = [args.genai_prices, *GENAI_ARGS]

    *_, out = timed(catalog, cwd=tree, env=env)  # warm-up (and the answer's size)
    rows = max(0, out.count(b"\n") - 1)
    timed(genai)
    ours, theirs = [], []
    for _ in range(args.runs):  # alternate, so a busy machine slows both alike
        ours.append(timed(catalog, cwd=tree, env=env)[:2])
        theirs.append(timed(genai)[:2])

    for label, runs, extra in (("catalog compare  ", ours, f"; {rows} offerings ranked"), ("genai-prices calc", theirs, "")):
        wall = statistics.median(t for t, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{label} median {wall:.3f} s wall, {cpu:.3f} s CPU  "
              f"(wall runs: {', '.join(f'{t:.3f}' for t, _ in runs)}{extra})")
    print(f"load average during the runs: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    print(f"  catalog:      {shlex.join(['python', '-m', 'catalog', *CATALOG_ARGS, '--db', url])}  (cwd {tree})")
    print(f"  genai-prices: {shlex.join(genai)}")
    ratio = statistics.median(t for t, _ in ours) / statistics.median(t for t, _ in theirs)
    print(f"catalog compare takes {ratio:.2f}x the wall time of genai-prices calc")


if __name__ == "__main__":
    main()
