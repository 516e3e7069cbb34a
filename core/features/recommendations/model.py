"""Item-based collaborative filtering over what members did (no database here).

Each member is a row of a sparse 0/1 matrix, each item (an event, a knowledge-base entry, a
feedback item, a channel) a column. Two items are alike when the same members chose both:
the cosine of their columns. A member's score for an item is the sum of its likeness to
what they already chose; what they chose is never recommended back. A member with fewer
than ``min_history`` choices has too little to go on and gets the most popular items.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

Item = Hashable


@dataclass(frozen=True)
class Model:
    items: tuple[Item, ...]
    index: dict[Item, int]
    members: dict[int, int]
    """Member id -> row."""
    chosen: sparse.csr_matrix
    """Members x items, 1 where the member chose the item."""
    similar: sparse.csr_matrix
    """Items x items cosine, the diagonal cleared."""
    popularity: np.ndarray
    """Members who chose each item."""

    def history(self, member_id: int) -> list[Item]:
        row = self.members.get(member_id)
        if row is None:
            return []
        return [self.items[i] for i in self.chosen.getrow(row).indices]

    def popular(
        self, n: int, *, skip: Collection[Item] = (), allowed: Collection[Item] | None = None
    ) -> list[Item]:
        return _top(self.popularity.astype(np.float64), self, n, skip, allowed)

    def recommend(
        self,
        member_id: int,
        n: int,
        *,
        min_history: int = 2,
        allowed: Collection[Item] | None = None,
    ) -> list[Item]:
        """The ``n`` items the member is likeliest to want, best first: by likeness to their
        history, topped up with popular ones; never one they chose, only ``allowed`` ones."""
        seen = self.history(member_id)
        if len(seen) < min_history:
            return self.popular(n, skip=seen, allowed=allowed)
        row = self.chosen.getrow(self.members[member_id])
        scores = np.asarray((row @ self.similar).todense()).ravel()
        found = _top(scores, self, n, seen, allowed, positive=True)
        if len(found) < n:
            found += self.popular(n - len(found), skip=[*seen, *found], allowed=allowed)
        return found


def _top(
    scores: np.ndarray,
    model: Model,
    n: int,
    skip: Collection[Item],
    allowed: Collection[Item] | None,
    *,
    positive: bool = False,
) -> list[Item]:
    mask = np.ones(len(model.items), np.bool_)
    for item in skip:
        if item in model.index:
            mask[model.index[item]] = False
    if allowed is not None:
        keep = np.zeros(len(model.items), np.bool_)
        keep[[model.index[i] for i in allowed if i in model.index]] = True
        mask &= keep
    if positive:
        mask &= scores > 0
    candidates = np.flatnonzero(mask)
    # Ties broken by popularity, then by the item's place: the same answer every time.
    order = np.lexsort((candidates, -model.popularity[candidates], -scores[candidates]))
    return [model.items[i] for i in candidates[order][:n]]


def fit(interactions: Iterable[tuple[int, Item]]) -> Model:
    """The model of ``(member id, item)`` pairs (repeats count once)."""
    pairs = sorted(set(interactions), key=repr)
    items = tuple(sorted({item for _, item in pairs}, key=repr))
    index = {item: n for n, item in enumerate(items)}
    members: dict[int, int] = {}
    rows = [members.setdefault(member, len(members)) for member, _ in pairs]
    cols = [index[item] for _, item in pairs]
    chosen = sparse.csr_matrix(
        (np.ones(len(pairs), np.float64), (rows, cols)), shape=(len(members), len(items))
    )
    chosen.sum_duplicates()
    if pairs:
        by_item = normalize(chosen.T.tocsr(), norm="l2", axis=1)
        similar = (by_item @ by_item.T).tocsr()
    else:
        similar = sparse.csr_matrix((0, 0))
    similar.setdiag(0)
    similar.eliminate_zeros()
    popularity = np.asarray(chosen.sum(axis=0)).ravel()
    return Model(items, index, members, chosen, similar, popularity)


def hit_rate(
    histories: dict[int, Sequence[Item]], n: int = 5, *, popular_only: bool = False
) -> float:
    """Leave-last-out: each member's last choice hidden, the model fitted on the rest; the
    share of members whose hidden choice is among their ``n`` recommendations."""
    held = {m: h[-1] for m, h in histories.items() if len(h) >= 2}
    model = fit((m, item) for m, h in histories.items() for item in (h[:-1] if m in held else h))
    hits = 0
    for member, hidden in held.items():
        if popular_only:
            found = model.popular(n, skip=model.history(member))
        else:
            found = model.recommend(member, n)
        hits += hidden in found
    return hits / len(held) if held else 0.0
