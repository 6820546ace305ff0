"""Offline text embedders (256 floats): WordLlama from the wheel's bundled files, or a lexical hashing fallback.

Nothing here downloads anything; the same embedder builds the stored vectors and embeds queries.
"""

from __future__ import annotations

import re
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol, Sequence

import numpy as np

EMBEDDING_DIM = 256
WORDLLAMA_NAME = "wordllama-l2-256"
LEXICAL_NAME = "lexical-hash-256"

_WORD = re.compile(r"[a-z0-9]+")


class Embedder(Protocol):
    name: str
    kind: str  # "wordllama" or "lexical": what the UI shows
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a (len(texts), dim) float32 array of L2-normalised rows."""


class EmbedderUnavailable(RuntimeError):
    """The requested embedder cannot be loaded on this machine."""


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


@dataclass
class LexicalEmbedder:
    """Words and character trigrams hashed with crc32 into signed buckets (deterministic across runs)."""

    name: str = LEXICAL_NAME
    kind: str = "lexical"
    dim: int = EMBEDDING_DIM

    def _features(self, text: str) -> Iterable[tuple[str, float]]:
        words = _WORD.findall(text.lower())
        for word in words:
            yield "w:" + word, 1.0
            padded = f"#{word}#"
            for i in range(len(padded) - 2):
                yield "g:" + padded[i : i + 3], 0.35

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in self._features(text):
                code = zlib.crc32(feature.encode("utf-8"))
                sign = 1.0 if (code >> 31) & 1 else -1.0
                out[row, code % self.dim] += sign * weight
        return _normalise(out)


class WordLlamaEmbedder:
    """WordLlama's 256-d token table, mean-pooled over the tokens of a text, then normalised."""

    name = WORDLLAMA_NAME
    kind = "wordllama"
    dim = EMBEDDING_DIM

    def __init__(self) -> None:
        try:
            import wordllama
            from safetensors import safe_open
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbedderUnavailable(f"wordllama is not installed ({exc})") from exc
        root = Path(wordllama.__file__).parent
        weights = root / "weights" / "l2_supercat_256.safetensors"
        tokenizer_file = root / "tokenizers" / "l2_supercat_tokenizer_config.json"
        if not weights.exists() or not tokenizer_file.exists():
            raise EmbedderUnavailable(f"wordllama's bundled files are missing under {root}")
        try:
            with safe_open(str(weights), framework="np") as handle:
                table = handle.get_tensor("embedding.weight")
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
        except Exception as exc:  # corrupt file, incompatible tokenizers version...
            raise EmbedderUnavailable(f"cannot load wordllama's bundled files: {exc}") from exc
        self._table = table.astype(np.float32)
        tokenizer.no_padding()
        tokenizer.no_truncation()
        self._tokenizer = tokenizer
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        with self._lock:  # a Tokenizer is not documented as thread-safe
            encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        for row, encoding in enumerate(encodings):
            ids = encoding.ids
            if ids:
                out[row] = self._table[ids].mean(axis=0)
        return _normalise(out)


def wordllama_available() -> bool:
    """Cheap check (no loading): are WordLlama's bundled weights and tokenizer installed?"""
    try:
        import importlib.util

        spec = importlib.util.find_spec("wordllama")
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.origin:
        return False
    root = Path(spec.origin).parent
    return (root / "weights" / "l2_supercat_256.safetensors").exists() and (
        root / "tokenizers" / "l2_supercat_tokenizer_config.json"
    ).exists()


def default_embedder_name() -> str:
    """The name of the embedder `get_embedder()` picks here."""
    return WORDLLAMA_NAME if wordllama_available() else LEXICAL_NAME


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(name: str | None = None) -> Embedder:
    """The embedder called `name` (None: WordLlama, or the lexical fallback when it cannot load)."""
    with _cache_lock:
        key = name or "default"
        if key in _cache:
            return _cache[key]
        if name is None:
            try:
                embedder: Embedder = WordLlamaEmbedder()
            except EmbedderUnavailable:
                embedder = LexicalEmbedder()
        elif name == WORDLLAMA_NAME:
            embedder = WordLlamaEmbedder()
        elif name == LEXICAL_NAME:
            embedder = LexicalEmbedder()
        else:
            raise EmbedderUnavailable(
                f"unknown embedder {name!r}; this version knows {WORDLLAMA_NAME!r} and {LEXICAL_NAME!r}"
            )
        _cache[key] = embedder
        return embedder


def embed_one(text: str, embedder: Embedder | None = None) -> np.ndarray:
    """One text as a 1-d float32 vector."""
    return (embedder or get_embedder()).embed([text])[0]
