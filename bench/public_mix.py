"""The public mix alone against a gunicorn of its own (bench.load's set-up, 10k database):

    DATABASE_URL=postgres://.../mc_bench REDIS_URL=redis://.../0 \
        python -m bench.public_mix [PAGE...]

Reuses the pages bench.load prepared (var/bench-load/10k/prepared.json); its own work folder,
port and cache prefix, so it runs beside a full ``make bench`` without sharing files or keys.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

from bench import load

SIZE = 10_000


def main() -> int:
    prepared = json.loads((load.WORK_DIR / load.label(SIZE) / "prepared.json").read_text())
    pages = prepared["pages"]
    load.WORK_DIR = Path(tempfile.mkdtemp(prefix="public-mix-"))  # wrk's paths file
    env = load.server_env(SIZE) | {"CACHE_KEY_PREFIX": f"public-mix-{os.getpid()}"}
    env["REDIS_URL"] = os.environ["REDIS_URL"]
    port, log = load.free_port(), load.WORK_DIR / "gunicorn.log"
    server = load.start_gunicorn(env, port, log)
    try:
        target = (port, log, server.pid)
        mix = load.interleave(load.mix_paths(pages))
        load.wrk(target, load.interleave(sorted(set(mix))), [], load.MIX_CONNECTIONS, 5)
        for name in sys.argv[1:] or ("map page", "event page", "home", "impact"):
            result = load.wrk(target, pages[name], [], load.PUBLIC_CONNECTIONS, load.SECONDS)
            print(f"{name:<12} {load.summary_line(result)}", flush=True)
        result = load.wrk(target, mix, [], load.MIX_CONNECTIONS, load.SECONDS)
        print(f"{'public mix':<12} {load.summary_line(result)}", flush=True)
        print(f"load average at the end: {os.getloadavg()}")
    finally:
        load.stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
