"""Phrasing embeddings remembered by text, in memory and on disk.

Embedding a phrasing costs milliseconds, and a knowledge base is reloaded on every edit, so
each distinct text is embedded once: the vectors are kept by a hash of the text and written
to a cache file, and a reload (or a restart) only embeds phrasings that changed. Questions
are never cached: they are one-off, and members' words do not belong in a cache file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

import numpy as np
import numpy.typing as npt

from core.features.faq import semantic

F32 = npt.NDArray[np.float32]

log = logging.getLogger(__name__)

CACHE_LIMIT = 50_000
"""Vectors kept (about 77 MB on disk): several knowledge bases' worth, not unbounded."""
DISABLE_ENV = "TOWNHALL_SEMANTIC"
"""Set to ``0`` to run lexical-only even when the model is installed."""
CACHE_ENV = "TOWNHALL_CACHE_DIR"
QUESTION_WAIT = 0.25
"""Seconds a question waits for its encoder while another text is being embedded; past that
it is ranked lexically (see :meth:`Embedder.embed_question`)."""


class Encoder(Protocol):
    dimension: int

    def encode(self, texts: list[str]) -> F32: ...


class Embedder:
    """An encoder with a text-hash cache; ``embed`` returns unit-length float32 rows."""

    def __init__(self, encoder: Encoder, name: str, cache_file: Path | None = None) -> None:
        self.encoder = encoder
        self.name = name
        self.dimension = encoder.dimension
        self._file = cache_file
        self._vectors: OrderedDict[bytes, F32] = OrderedDict()
        self._dirty = False
        # Questions are embedded on the search thread while a reload embeds phrasings on
        # another; the encoders are built to run one call at a time on one core.
        self._encoding = threading.Lock()
        self.encoded = 0
        """Texts actually run through the encoder, so tests and benchmarks can see hits."""
        if cache_file is not None:
            self._load(cache_file)

    def embed(self, texts: Sequence[str]) -> F32:
        """Cached phrasing vectors; only texts never seen before reach the encoder."""
        keys = [_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            with self._encoding:
                fresh = self.encoder.encode([by_key[k] for k in missing])
            self.encoded += len(missing)
            for key, vector in zip(missing, fresh, strict=True):
                self._vectors[key] = vector
            self._dirty = True
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, key in enumerate(keys):
            self._vectors.move_to_end(key)
            out[row] = self._vectors[key]
        while len(self._vectors) > CACHE_LIMIT:
            self._vectors.popitem(last=False)
        return out

    def embed_question(self, text: str, wait: float = QUESTION_WAIT) -> F32 | None:
        """One uncached vector for a member's question; None when the encoder is still busy
        with other texts after ``wait`` seconds, so one member's question never queues
        behind another's (or behind a reload) for longer than that."""
        if not self._encoding.acquire(timeout=wait):
            return None
        try:
            result: F32 = self.encoder.encode([text])[0]
        finally:
            self._encoding.release()
        return result

    def save(self) -> None:
        """Write new vectors to the cache file; a failure costs only a re-embed later."""
        if self._file is None or not self._dirty:
            return
        keys = np.array(list(self._vectors), dtype="S20")
        vectors = (
            np.vstack(list(self._vectors.values()))
            if self._vectors
            else np.zeros((0, self.dimension), dtype=np.float32)
        )
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self._file.parent, delete=False) as handle:
                np.savez(handle, keys=keys, vectors=vectors)
            os.replace(handle.name, self._file)
            self._dirty = False
        except OSError as error:
            log.warning("could not write the embedding cache %s: %s", self._file, error)

    def _load(self, path: Path) -> None:
        try:
            with np.load(path) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, KeyError, ValueError) as error:
            if path.exists():
                log.warning("ignoring an unreadable embedding cache %s: %s", path, error)
            return
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension or len(keys) != len(vectors):
            return
        for key, vector in zip(keys, vectors.astype(np.float32), strict=True):
            self._vectors[bytes(key)] = vector


def cache_dir() -> Path:
    """``$TOWNHALL_CACHE_DIR``, else the user's cache folder (``$XDG_CACHE_HOME``)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "townhall"


@cache
def shared_embedders() -> Mapping[str, tuple[Embedder, ...]]:
    """The process's encoders by script family ("latin", "cjk"), each present only when its
    model package is installed (and ``TOWNHALL_SEMANTIC`` is not ``0``).

    English is read by MiniLM and, beside it, by multilingual-e5, the one Chinese is read by
    (one model and one cache serve both families). English needs MiniLM: e5 alone ranks it
    worse than MiniLM alone. A family without an encoder stays lexical; that is logged once,
    not raised."""
    if os.environ.get(DISABLE_ENV, "1") == "0":
        return MappingProxyType({})
    minilm = None
    folder = semantic.model_dir()
    if folder is None:
        log.info("semantic search off for English: %s is not installed", semantic.MODEL_PACKAGE)
    else:
        minilm = _load("English", semantic.MODEL_NAME, lambda: semantic.MiniLM(folder))
    e5 = None
    without_e5 = "Chinese, and English is read by MiniLM alone"
    if importlib.util.find_spec(semantic.E5_PACKAGE) is None:
        log.info("semantic search off for %s: %s is not installed", without_e5, semantic.E5_PACKAGE)
    else:
        e5 = _load(without_e5, semantic.E5_MODEL_NAME, semantic.E5Small)
    found: dict[str, tuple[Embedder, ...]] = {}
    if minilm is not None:
        found["latin"] = (minilm,) if e5 is None else (minilm, e5)
    if e5 is not None:
        found["cjk"] = (e5,)
    return MappingProxyType(found)


def _load(lost: str, name: str, load: Callable[[], Encoder]) -> Embedder | None:
    """The encoder with its cache; None (and ``lost``, what goes without it, logged) if it
    cannot load."""
    try:
        encoder = load()
    except (ImportError, OSError, KeyError, ValueError, RuntimeError) as error:
        log.warning("semantic search off for %s: could not load %s: %s", lost, name, error)
        return None
    return Embedder(encoder, name, cache_dir() / f"{name}.npz")


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).digest()
