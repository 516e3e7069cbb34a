"""The sentence-embedding view of a small knowledge base's phrasings.

TF-IDF only matches words a question shares with a phrasing; embeddings also match
paraphrases ("close my account" / "remove my profile"). The index fuses the two by giving
the phrasing classifier one joint space: a question's similarity to a phrasing is its TF-IDF
cosine plus a weight times its embedding cosine, and the classifier learns on both.

Each script family has its own encoders (all-MiniLM-L6-v2 reads English but not Chinese), so
a phrasing is embedded only by its family's encoders, other families' rows stay zero, and a
question is embedded by the encoders of its own script. A family read by two encoders
(English: MiniLM and multilingual-e5) compares texts by a blend of the two cosines, kept as
one vector per text: each encoder's unit vector scaled by the square root of its share, side
by side, so that dot products are the blended cosine and every signal below reads it as one
encoder's. A family without an encoder installed keeps the lexical pipeline and pays nothing.

Raw embedding cosines do not mean the same for every model or entry: multilingual-e5 puts
almost any two Chinese questions above 0.85, MiniLM spreads English ones from 0 to 1, and
an entry whose phrasings are near-identical is matched more closely than a broad one. So each
entry also gets a typical similarity: how close each of its phrasings comes to the nearest of
its other phrasings, on average. A question that is really one more way of asking the entry
should come about that close; "how do I change my avatar" against an entry phrased "how do I
change my password" does not, although its raw cosine is high.
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


USUAL_TYPICAL = {"latin": 0.79, "cjk": 0.90}
"""Typical similarity of an entry's phrasings with each family's encoders (MiniLM and e5
blended, e5), the mean over the benchmark sets' entries."""
SHARES = {"all-MiniLM-L6-v2": 0.7, "multilingual-e5-small-q4": 0.3}
"""Each encoder's share of its family's blended cosine, renormalised over the encoders a
family has (so e5 alone reads Chinese at full share); an unlisted encoder counts as 1.

Chosen on the val splits: e5 alone ranks English worse than MiniLM (nearest phrasing, top-1
0.69 against 0.77 on CLINC150), but beside it, it adds answers. At a threshold allowing at
most 7.5% wrong on both English sets, CLINC150 / BANKING77 answered 72.7% / 72.5% correctly
with MiniLM alone (weight 16), and 74.0 / 73.8, 74.2 / 73.8 and 73.8 / 73.5 with e5 at 0.2,
0.3 and 0.5 (weight 32)."""


@dataclass(frozen=True)
class _Channel:
    embedders: tuple[tuple[Embedder, np.float32], ...]
    """The family's encoders, each with the square root of its share."""
    vectors: F32
    """One unit row per phrasing, in index order; zero outside this channel's family."""
    weight: float
    typical: FloatArray
    """Per entry, the mean similarity of its phrasings in this family's script to their
    nearest sibling (see ``build`` for entries with a single such phrasing)."""


@dataclass(frozen=True)
class SemanticView:
    channels: Mapping[str, _Channel]

    @classmethod
    def build(
        cls,
        embedders: Mapping[str, Sequence[Embedder]],
        phrasings: Sequence[str],
        families: Sequence[str],
        owners: npt.NDArray[np.intp],
        weights: Mapping[str, float],
    ) -> SemanticView | None:
        """Embed each family's phrasings (from the caches where possible) and persist new
        ones; None when no phrasing has an encoder for its family. ``owners`` gives each
        phrasing's entry, in index order."""
        channels = {}
        for family, encoders in embedders.items():
            rows = [i for i, f in enumerate(families) if f == family]
            if not rows or not encoders:
                continue
            scaled = _scales(encoders)
            vectors = np.zeros((len(phrasings), sum(e.dimension for e in encoders)), np.float32)
            vectors[rows] = np.hstack(
                [scale * e.embed([phrasings[i] for i in rows]) for e, scale in scaled]
            )
            for encoder in encoders:
                encoder.save()
            # A phrasing in another script (the English title of a Chinese entry) says
            # nothing about how close the entry's paraphrases come to each other.
            own = [i for i in rows if has_cjk(phrasings[i]) == (family == "cjk")]
            typical = _typical(vectors[own], owners[own], int(owners.max()) + 1)
            # An entry with a single such phrasing has no typical similarity of its own; the
            # knowledge base's average stands in, or without any, the encoder's usual one.
            known = typical[np.isfinite(typical)]
            typical[np.isnan(typical)] = known.mean() if len(known) else USUAL_TYPICAL[family]
            channels[family] = _Channel(scaled, vectors, weights[family], typical)
        return cls(channels) if channels else None

    def gram(self) -> FloatArray:
        """The weighted embedding dot products between phrasings, added to the TF-IDF ones."""
        out: FloatArray | None = None
        for channel in self.channels.values():
            product = (channel.vectors @ channel.vectors.T).astype(np.float64) * channel.weight
            out = product if out is None else out + product
        assert out is not None
        return out

    def similarities(self, question: str) -> Similarities | None:
        """The question's embedding cosines to every phrasing; None if no encoder reads the
        question's script, or one that does is busy (see ``Embedder.embed_question``), so it
        is ranked lexically."""
        family = "cjk" if has_cjk(question) else "latin"
        channel = self.channels.get(family)
        if channel is None:
            return None
        parts = []
        for embedder, scale in channel.embedders:
            embedded = embedder.embed_question(question)
            if embedded is None:
                return None
            parts.append(scale * embedded)
        vector = np.hstack(parts)
        cosines: FloatArray = (channel.vectors @ vector).astype(np.float64)
        return Similarities(family, cosines, channel.weight, channel.typical)


@dataclass(frozen=True)
class Similarities:
    """A question's view through the encoders of its script family."""

    family: str
    cosines: FloatArray
    """To every phrasing, in index order; zero for phrasings of other families."""
    weight: float
    typical: FloatArray
    """Per entry, as :attr:`_Channel.typical`."""


def _scales(encoders: Sequence[Embedder]) -> tuple[tuple[Embedder, np.float32], ...]:
    """Each encoder with the square root of its renormalised share (see :data:`SHARES`)."""
    shares = [SHARES.get(e.name, 1.0) for e in encoders]
    total = sum(shares)
    return tuple(
        (e, np.float32(np.sqrt(share / total))) for e, share in zip(encoders, shares, strict=True)
    )


def _typical(vectors: F32, owners: npt.NDArray[np.intp], n_entries: int) -> FloatArray:
    """Per entry, the mean over its phrasings of the cosine to their nearest sibling."""
    gram = (vectors @ vectors.T).astype(np.float64)
    siblings = owners[:, None] == owners[None, :]
    np.fill_diagonal(siblings, False)
    nearest = np.where(siblings, gram, -np.inf).max(axis=1, initial=-np.inf)
    has = np.isfinite(nearest)
    totals = np.bincount(owners[has], weights=nearest[has], minlength=n_entries)
    counts = np.bincount(owners[has], minlength=n_entries)
    out: FloatArray = np.full(n_entries, np.nan)
    np.divide(totals, counts, out=out, where=counts > 0)
    return out
