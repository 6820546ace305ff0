"""`run_search_command`: the headless search prints results, statement, embedder and backend (text or JSON)."""

from __future__ import annotations

import json

from sqla_explore.queries.vector.cli_search import EXIT_OK, EXIT_USAGE, run_search_command

from vector_helpers import KNOWN_QUERIES


def test_json_output_on_both_backends(sample_url, capsys):
    code = run_search_command(sample_url, KNOWN_QUERIES["gardening"], k=4, metric="cosine", exact=False, as_json=True)
    out = capsys.readouterr().out
    assert code == EXIT_OK
    data = json.loads(out)
    assert {"results", "statement", "embedder", "backend", "index_used"} <= set(data)
    assert len(data["results"]) == 4
    assert set(data["results"][0]) == {"id", "title", "distance"}
    assert data["embedder"] == "wordllama-l2-256"
    if "://" in sample_url:
        assert data["backend"] == "pgvector" and "<=>" in data["statement"]
        assert isinstance(data["index_used"], bool)
    else:
        assert data["backend"] == "sqlite-vec" and data["index_used"] is None
        if data["path"] == "scan":
            assert "vec_distance_cosine" in data["statement"]
        else:  # a sample built with its vec0 table
            assert data["path"].startswith("vec0") and "MATCH" in data["statement"]


def test_text_output_and_exact(sqlite_sample, capsys):
    code = run_search_command(str(sqlite_sample), KNOWN_QUERIES["databases"], k=3, metric="l2", exact=True)
    out = capsys.readouterr().out
    assert code == EXIT_OK
    for needle in ("3 nearest by l2 distance", "embedder: wordllama-l2-256", "backend: sqlite-vec",
                   "vec_distance_l2", "q = embed(", "path: scan"):
        assert needle in out


def test_user_errors_exit_2_without_traceback(sqlite_sample, tmp_path, capsys):
    cases = [
        (str(tmp_path / "missing.db"), "boats", 5, "cosine", "no such database file"),
        (str(sqlite_sample), "", 5, "cosine", "type some text"),
        (str(sqlite_sample), "boats", 500, "cosine", "k must be a whole number"),
        (str(sqlite_sample), "boats", 5, "hamming", "unknown metric"),
    ]
    for database, text, k, metric, message in cases:
        code = run_search_command(database, text, k=k, metric=metric)
        captured = capsys.readouterr()
        assert code == EXIT_USAGE, message
        assert message in captured.err.replace("\n", " ")
        assert "Traceback" not in captured.err


def test_text_output_names_the_vec0_path(tmp_path, capsys):
    import asyncio

    from sqla_explore.sample_db.build import build_sample

    path = tmp_path / "vec.db"
    asyncio.run(build_sample(path, vec_table=True))
    code = run_search_command(str(path), KNOWN_QUERIES["sailing"], k=3, exact=True)
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "path: vec0 KNN (exact)" in out and "documents_vec.embedding MATCH" in out
    data_code = run_search_command(str(path), KNOWN_QUERIES["sailing"], k=3, as_json=True)
    assert data_code == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["path"] == "vec0 binary KNN + exact rescoring (approximate)"
    assert 0.0 <= data["recall"] <= 1.0
