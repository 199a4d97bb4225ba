"""nginx in front of gunicorn for bench/load.py, as docs/deploy.md puts it in production.

gunicorn's sync workers expect a buffering proxy in front of them (gunicorn's own deployment
advice): the proxy holds the visitors' slow or idle keep-alive connections and hands each worker
a whole request, then takes the whole answer at once, so a worker never waits on a client.
Without it a load test measures workers blocked on connections that have nothing to send yet,
which production never sees. The configuration below is deploy.md's (Host kept,
X-Forwarded-Proto set, 20 MB bodies, 60 s read timeout) over plain HTTP on a free port: TLS is
the one part left out.
"""

import shutil
import subprocess
import time
from pathlib import Path

CONFIG = """\
worker_processes auto;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    keepalive_requests 100000;
    keepalive_timeout 75s;

    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;

        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 60s;
            # Room for a feed in memory (4 MB): larger answers spill to proxy_temp_path.
            proxy_buffers 64 64k;
        }}
    }}
}}
"""


def available() -> bool:
    return bool(shutil.which("nginx"))


def version() -> str:
    output = subprocess.run(  # noqa: S603 (a fixed command)
        [shutil.which("nginx") or "nginx", "-v"], capture_output=True, text=True
    )
    return output.stderr.strip().split("/")[-1]


def start(upstream: int, port: int, folder: Path) -> subprocess.Popen:
    """nginx on 127.0.0.1:port passing everything to gunicorn on 127.0.0.1:upstream."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(CONFIG.format(folder=folder, port=port, upstream=upstream))
    command = [shutil.which("nginx"), "-p", str(folder), "-c", str(config)]
    server = subprocess.Popen(  # noqa: S603 (our own fixed command)
        command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = (folder / "nginx-error.log").read_text()[-2000:]
            raise SystemExit(f"nginx stopped at start:\n{log}")
        if (folder / "nginx.pid").exists():
            return server
        time.sleep(0.1)
    raise SystemExit("nginx did not start in 10 s")
