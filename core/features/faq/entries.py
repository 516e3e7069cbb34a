"""Knowledge-base entries: the unit the search index ranks and the files a founder edits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KBEntry:
    """One answer with the phrasings members use to ask for it.

    ``source`` is where the entry came from ("file:knowledge/en/x.md" or "db"), so problems can
    be reported where the founder can fix them.
    """

    id: str
    title: str
    questions: tuple[str, ...]
    answer: str
    locale: str = "en"
    tags: tuple[str, ...] = ()
    source: str = ""

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The title first, then every question: what a member's question is matched against."""
        return (self.title, *self.questions)
