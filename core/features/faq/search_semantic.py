"""The sentence-embedding view of a small knowledge base's phrasings.

TF-IDF only matches words a question shares with a phrasing; embeddings also match
paraphrases ("close my account" / "remove my profile"). The index fuses the two by giving
the phrasing classifier one joint space: a question's similarity to a phrasing is its TF-IDF
cosine plus a weight times its embedding cosine, and the classifier learns on both.

Each script family has its own encoder (all-MiniLM-L6-v2 reads English but not Chinese), so
a phrasing is embedded only by its family's encoder, other families' rows stay zero, and a
question is embedded by the encoder of its own script. A family without an encoder
installed keeps the lexical pipeline and pays nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core.features.faq.search_text import has_cjk
from core.features.faq.semantic_cache import Embedder

FloatArray = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class _Channel:
    embedder: Embedder
    vectors: F32
    """One unit row per phrasing, in index order; zero outside this channel's family."""
    weight: float


@dataclass(frozen=True)
class SemanticView:
    channels: Mapping[str, _Channel]

    @classmethod
    def build(
        cls,
        embedders: Mapping[str, Embedder],
        phrasings: Sequence[str],
        families: Sequence[str],
        weights: Mapping[str, float],
    ) -> SemanticView | None:
        """Embed each family's phrasings (from the cache where possible) and persist new
        ones; None when no phrasing has an encoder for its family."""
        channels = {}
        for family, embedder in embedders.items():
            rows = [i for i, f in enumerate(families) if f == family]
            if not rows:
                continue
            vectors = np.zeros((len(phrasings), embedder.dimension), dtype=np.float32)
            vectors[rows] = embedder.embed([phrasings[i] for i in rows])
            embedder.save()
            channels[family] = _Channel(embedder, vectors, weights[family])
        return cls(channels) if channels else None

    def gram(self) -> FloatArray:
        """The weighted embedding dot products between phrasings, added to the TF-IDF ones."""
        out: FloatArray | None = None
        for channel in self.channels.values():
            product = (channel.vectors @ channel.vectors.T).astype(np.float64) * channel.weight
            out = product if out is None else out + product
        assert out is not None
        return out

    def similarities(self, question: str) -> tuple[FloatArray, float] | None:
        """The question's embedding cosine to every phrasing and its channel's weight; None
        if no encoder reads the question's script, so it is ranked lexically."""
        channel = self.channels.get("cjk" if has_cjk(question) else "latin")
        if channel is None:
            return None
        vector = channel.embedder.embed_question(question)
        out: FloatArray = (channel.vectors @ vector).astype(np.float64)
        return out, channel.weight
