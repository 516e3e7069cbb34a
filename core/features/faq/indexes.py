"""Search indexes shared by every FAQ service in the process, keyed on what they index.

Building an index fits the phrasing classifier, about a second of CPU for the sample
knowledge base. An index is immutable, so a process that indexes the same entries with the
same synonyms and encoders again (a reload that changed nothing, a second app built in the
same process as the console and the tests do) takes the one it built. The key is the content
itself, so an edit to any entry or synonym list builds afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from pathlib import Path

from core.features.faq.entries import KBEntry
from core.features.faq.search import SearchIndex
from core.features.faq.search_text import load_synonyms
from core.features.faq.semantic_cache import shared_embedders

KEPT = 2
"""Indexes kept: the current knowledge and the one before it, not every version ever built."""

_built: OrderedDict[Hashable, SearchIndex] = OrderedDict()
_lock = threading.Lock()


def build(entries: Sequence[KBEntry], synonyms_dir: Path) -> SearchIndex:
    """The index of ``entries`` with ``synonyms_dir``'s lists and the process's encoders,
    built unless an identical one was. Blocking: call it off the event loop."""
    embedders = shared_embedders()
    synonyms = load_synonyms(synonyms_dir)
    key = (
        tuple(entries),
        tuple((locale, tuple(sorted(terms.items()))) for locale, terms in synonyms.items()),
        tuple((family, tuple(encoders)) for family, encoders in embedders.items()),
    )
    with _lock:
        if key in _built:
            _built.move_to_end(key)
            return _built[key]
    index = SearchIndex.build(entries, synonyms_dir, embedders=embedders)
    with _lock:
        _built[key] = index
        while len(_built) > KEPT:
            _built.popitem(last=False)
    return index
