"""Where `sqla-explore bench`'s absolute req/s come from: CPU per request of the server and of the client.

Starts the bench's web app (one uvicorn worker, as `sqla-explore bench` does), drives each endpoint with the
same lean client, and reads the server process's CPU time from /proc (Linux) before and after. A mode whose
server sits near 100% of a core is bound by the per-request CPU of FastAPI + SQLAlchemy + the driver, not by
the database; its req/s is then about 1000 / (server ms per request).

    python benchmarks/bench_server_cpu.py [DATABASE] [--delay-ms 5] [--requests 2000] [--concurrency 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from sqla_explore.queries.loadlab.cli_bench import Server
from sqla_explore.queries.loadlab.client import load
from sqla_explore.queries.loadlab.labdb import lab_urls
from sqla_explore.queries.loadlab.modes import MAX_POOL, MODES
from sqla_explore.sample_db.build import ensure_default_sample


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(url: str, delay_ms: float, requests: int, concurrency: int) -> None:
    server = Server(url, delay_ms, min(concurrency, MAX_POOL))  # as `sqla-explore bench`
    port = server.start()
    try:
        await asyncio.sleep(1.0)
        print(f"database {url} · delay {delay_ms:g} ms · {requests} requests at concurrency {concurrency} · load {os.getloadavg()[0]:.2f}")
        print(f"{'endpoint':<12} {'req/s':>7} {'server ms/req':>14} {'server core %':>14} {'client ms/req':>14} {'errors':>7}")
        for slug in ["noop", *(mode.slug for mode in MODES)]:
            path = (lambda i: "/noop") if slug == "noop" else (lambda i, s=slug: f"/{s}/{1 + i % 1000}")
            await load("127.0.0.1", port, path, requests=min(300, requests), concurrency=concurrency)  # warm
            server_before, client_before = cpu_seconds(server.proc.pid), time.process_time()
            result = await load("127.0.0.1", port, path, requests=requests, concurrency=concurrency)
            server_cpu = cpu_seconds(server.proc.pid) - server_before
            client_cpu = time.process_time() - client_before
            print(
                f"{slug:<12} {requests / result.wall_s:7.0f} {server_cpu / requests * 1e3:14.2f} "
                f"{server_cpu / result.wall_s * 100:14.0f} {client_cpu / requests * 1e3:14.2f} {result.errors:7d}"
            )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", default=None, help="a SQLite file or an async URL (default: the sample)")
    parser.add_argument("--delay-ms", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    database = args.database or str(asyncio.run(ensure_default_sample()))
    url = lab_urls(database)[0].render_as_string(hide_password=False)
    asyncio.run(measure(url, args.delay_ms, args.requests, args.concurrency))


if __name__ == "__main__":
    main()
