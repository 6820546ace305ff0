"""`sqla-explore bench`: serve the four endpoints with uvicorn in a child process and load them over HTTP.

The child (one uvicorn worker on 127.0.0.1, ephemeral port) is always stopped: on success, on errors and
on Ctrl-C. Prints a table (or `--json`) with the no-op endpoint's req/s as the load client's ceiling.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import subprocess
import sys
import tempfile
import time

from .modes import MAX_POOL, MODES

INSTALL_HINT = "pip install 'sqla-explore[bench]'"
START_TIMEOUT_S = 60.0


class BenchError(Exception):
    """A problem worth one line to the user, not a traceback."""


def _missing_extras() -> list[str]:
    missing = []
    for module in ("fastapi", "uvicorn"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    return missing


def _err(message: str) -> None:
    print(f"sqla-explore bench: {message}", file=sys.stderr, flush=True)


# -- the child server ---------------------------------------------------------------------------
class Server:
    """The uvicorn child process. `start()` returns its port; `stop()` is safe to call more than once."""

    def __init__(self, url: str, delay_ms: float, pool_size: int) -> None:
        self.url, self.delay_ms, self.pool_size = url, delay_ms, pool_size
        self.proc: subprocess.Popen | None = None
        self.stack = "?"
        self._stderr = tempfile.TemporaryFile()

    def start(self) -> int:
        env = dict(os.environ)
        env.update(
            SQLA_EXPLORE_BENCH_URL=self.url,
            SQLA_EXPLORE_BENCH_DELAY_MS=str(self.delay_ms),
            SQLA_EXPLORE_BENCH_POOL=str(self.pool_size),
            SQLA_EXPLORE_BENCH_PARENT=str(os.getpid()),
            PYTHONUNBUFFERED="1",
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sqla_explore.queries.loadlab.webapp"],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        line = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                line = self.proc.stdout.readline()
                if line.startswith(b"PORT "):
                    parts = line.decode().split()
                    self.stack = parts[2] if len(parts) > 2 else "?"
                    return int(parts[1])
                if not line:
                    break
            elif self.proc.poll() is not None:
                break
        raise BenchError(f"the web server did not start: {self.error_text() or line.decode(errors='replace')}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def error_text(self) -> str:
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace").strip().splitlines()
        mine = [ln.removeprefix("STARTUP-ERROR ") for ln in text if ln.startswith("STARTUP-ERROR ")]
        if mine:
            return mine[-1][:300]
        errors = [ln for ln in text if "Error" in ln or "error" in ln]
        return (errors[-1] if errors else (text[-1] if text else "")).strip()[:300]

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if proc.stdout:
            proc.stdout.close()
        self._stderr.close()


# -- driving the load ---------------------------------------------------------------------------
async def _wait_ready(port: int, server: Server) -> dict:
    from .client import get_once

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            status, body = await get_once("127.0.0.1", port, "/ids", timeout=START_TIMEOUT_S)
            if status == 200:
                return json.loads(body)
            raise BenchError(f"the web server answered HTTP {status}: {body[:200]!r}")
        except (OSError, asyncio.IncompleteReadError):
            if not server.alive():
                raise BenchError(f"the web server stopped: {server.error_text()}") from None
            if time.monotonic() > deadline:
                raise BenchError("the web server did not answer in time") from None
            await asyncio.sleep(0.1)


async def _drive(port: int, server: Server, requests: int, concurrency: int, say) -> tuple[float, list, dict]:
    from .client import load

    info = await _wait_ready(port, server)
    low, high = int(info["low"]), int(info["high"])

    def path(slug: str):
        if slug == "noop":
            return lambda i: "/noop"
        return lambda i: f"/{slug}/{low + i % (high - low + 1)}"

    warm = min(requests, max(concurrency, 20))
    for mode in MODES:  # open the pools' connections and warm every code path first
        await load("127.0.0.1", port, path(mode.slug), requests=warm, concurrency=concurrency)
    say("no-op endpoint (the client's ceiling)")
    ceiling = await load("127.0.0.1", port, path("noop"), requests=requests, concurrency=concurrency)
    results = []
    for mode in MODES:
        if not server.alive():
            raise BenchError(f"the web server stopped: {server.error_text()}")
        say(f"mode {mode.number}: {mode.title}")
        outcome = await load("127.0.0.1", port, path(mode.slug), requests=requests, concurrency=concurrency)
        results.append((mode, outcome.stats(mode.slug)))
    return ceiling.stats("noop").rps, results, info


def _loop_factory():
    """uvloop for the load client when it is installed (it makes the client cheaper), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _resolve(database: str | None, embedded_postgres: bool, holder: list) -> tuple[str, str]:
    """(URL with password for the child, label to print)."""
    from ..errors import ExploreError
    from .labdb import lab_urls

    if database and embedded_postgres:
        raise BenchError("give either DATABASE or --embedded-postgres, not both")
    try:
        if embedded_postgres:
            from ..embedded_pg import EmbeddedPostgres

            pg = EmbeddedPostgres(progress=lambda m: _err(m))
            holder.append(pg)
            database = pg.start()
        elif not database:
            from sqla_explore.sample_db.build import ensure_default_sample

            database = str(asyncio.run(ensure_default_sample()))
        async_url, _sync = lab_urls(database)
    except ExploreError as exc:
        raise BenchError(str(exc)) from None
    except Exception as exc:  # the sample builder's own errors
        raise BenchError(f"{type(exc).__name__}: {exc}") from None
    backend = async_url.get_backend_name()
    if backend == "sqlite":
        label = f"SQLite {async_url.database.removeprefix('file:')}"
    else:
        kind = "embedded PostgreSQL" if embedded_postgres else "PostgreSQL"
        label = f"{kind} {async_url.render_as_string(hide_password=True)}"
    return async_url.render_as_string(hide_password=False), label


def run_bench_command(database, requests, concurrency, delay_ms, as_json, embedded_postgres) -> int:
    """Run the bench; return the exit code (0 ok, 1 failed, 2 bad input or missing extras, 130 Ctrl-C)."""
    missing = _missing_extras()
    if missing:
        _err(f"the bench needs {', '.join(missing)}: {INSTALL_HINT}")
        return 2
    if requests < 1 or concurrency < 1 or delay_ms < 0:
        _err("--requests and --concurrency must be at least 1, --delay-ms 0 or more")
        return 2
    concurrency = min(concurrency, requests)
    say = (lambda m: None) if as_json else (lambda m: _err(m))
    holder: list = []
    server: Server | None = None
    hangup = contextlib.ExitStack()
    if embedded_postgres:  # a closed terminal or a kill still lets the embedded server go (see finally)
        from ..embedded_pg import exit_cleanly_on_hangup

        hangup.enter_context(exit_cleanly_on_hangup())
    try:
        url, label = _resolve(database, embedded_postgres, holder)
        server = Server(url, delay_ms, min(concurrency, MAX_POOL))
        port = server.start()
        say(f"serving on 127.0.0.1:{port} (one uvicorn worker); {requests} requests at concurrency {concurrency}")
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            ceiling, results, info = runner.run(_drive(port, server, requests, concurrency, say))
        info["stack"] = server.stack
    except BenchError as exc:
        _err(str(exc))
        return 2 if server is None or server.proc is None else 1
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    finally:
        if server is not None:
            server.stop()
        for pg in holder:
            pg.stop()
        hangup.close()
    from .bench_report import render_json, render_table

    if as_json:
        print(render_json(label, delay_ms, requests, concurrency, ceiling, results))
    else:
        print(render_table(label, delay_ms, requests, concurrency, ceiling, results, info))
    return 0 if all(stats.errors == 0 for _, stats in results) else 1


def main(argv: list[str] | None = None) -> int:
    """`python -m sqla_explore.queries.loadlab.cli_bench`: the same options as `sqla-explore bench`."""
    import argparse

    parser = argparse.ArgumentParser(prog="sqla-explore bench", description=__doc__)
    parser.add_argument("database", nargs="?")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--delay-ms", type=float, default=5.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--embedded-postgres", action="store_true")
    args = parser.parse_args(argv)
    return run_bench_command(
        args.database, args.requests, args.concurrency, args.delay_ms, args.json, args.embedded_postgres
    )


if __name__ == "__main__":
    sys.exit(main())
