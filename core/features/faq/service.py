"""Answering questions from the knowledge base, and keeping that knowledge current.

The index is built from the files in ``knowledge/`` overlaid with entries moderators manage
through /faq (the database wins on the same id and locale). Rebuilding happens off the event
loop and swaps the index in one assignment, so answers never see a half-built index.
Searching runs off the loop too: embedding a question takes tens of milliseconds, which would
stall every other chat meanwhile.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import locale as locales
from core.db.engine import Database
from core.features.faq import files, indexes, learning
from core.features.faq.entries import KBEntry
from core.features.faq.models import AnswerLog, StoredEntry
from core.features.faq.search import MinConfidence, SearchIndex, SearchResult

VOTES = ("up", "down")
TOPIC_MIN_SCORE = 0.05
"""A declined question's candidates with less chance than this of being what was meant are
noise: they are neither offered to the member as topics nor passed on to staff."""

_SEARCHER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="faq-search")
"""A few threads, so a question being embedded never holds up the next one. Each sentence
encoder still embeds one text at a time on one thread; a question that cannot have its
encoder soon is ranked lexically (``semantic_cache.QUESTION_WAIT``) rather than queued."""


@dataclass(frozen=True)
class ReloadReport:
    entries: int
    problems: tuple[files.Problem, ...]


@dataclass(frozen=True)
class Answer:
    """What the bot decided for one question, and the log row that tracks its outcome."""

    result: SearchResult
    entry: KBEntry | None
    log_id: int
    locale: str
    topics: tuple[str, ...] = ()
    """When declined, the entries worth offering instead, best first."""


def slugify(text: str) -> str:
    """An id moderators can read and type back: a Chinese title keeps its characters."""
    slug = re.sub(r"[\W_]+", "-", text.lower()).strip("-")[:60].strip("-")
    return slug or "entry"


class FaqService:
    def __init__(
        self,
        database: Database,
        knowledge_dir: Path,
        min_confidence: MinConfidence,
        synonyms_dir: Path | None = None,
    ) -> None:
        self._database = database
        self.knowledge_dir = knowledge_dir
        self.min_confidence = min_confidence
        self._synonyms_dir = synonyms_dir or knowledge_dir / "synonyms"
        self._index: SearchIndex | None = None
        self._files_signature: tuple[tuple[str, float], ...] = ()
        self._lock = asyncio.Lock()

    @property
    def _indexed(self) -> Mapping[str, KBEntry]:
        return self._index.entries if self._index is not None else {}

    def entries(self, locale: str | None = None) -> list[KBEntry]:
        return sorted(
            (_public(e) for e in self._indexed.values() if locale in (None, e.locale)),
            key=lambda e: e.id,
        )

    async def reload(self) -> ReloadReport:
        """Files plus the database's entries, indexed again."""
        async with self._lock:
            signature = self._signature()
            file_entries, problems = await asyncio.to_thread(files.load_dir, self.knowledge_dir)
            merged = {(e.locale, e.id): e for e in file_entries}
            async with self._database.session() as session:
                for stored in await session.scalars(select(StoredEntry)):
                    if stored.removed:
                        merged.pop((stored.locale, stored.id), None)
                    else:
                        merged[(stored.locale, stored.id)] = _from_stored(stored)
            indexed = [replace(e, id=index_key(e.id, e.locale)) for e in merged.values()]
            self._index = (
                await asyncio.to_thread(indexes.build, indexed, self._synonyms_dir)
                if indexed
                else None
            )
            self._files_signature = signature
            return ReloadReport(len(indexed), tuple(problems))

    async def reload_if_files_changed(self) -> bool:
        if self._signature() == self._files_signature:
            return False
        await self.reload()
        return True

    def _signature(self) -> tuple[tuple[str, float], ...]:
        if not self.knowledge_dir.is_dir():
            return ()
        return tuple(
            (str(path), path.stat().st_mtime) for path in sorted(self.knowledge_dir.rglob("*.md"))
        )

    async def search(self, question: str, limit: int = 3) -> tuple[SearchResult, str]:
        """Rank entries written in the question's language; returns the result and that locale."""
        locale = locales.of_text(question) or "en"
        index = self._index
        if index is None:
            return SearchResult(question, ()), locale
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(
            _SEARCHER, functools.partial(index.search, question, limit=limit, locale=locale)
        )
        return result, locale

    async def answer(
        self,
        session: AsyncSession,
        question: str,
        *,
        member_id: int,
        platform: str,
        now: datetime,
        min_confidence: float | None = None,
        message_id: str | None = None,
        chat_id: str | None = None,
    ) -> Answer:
        """Search, decide and log the decision, and mark earlier answers this one repeats.

        ``message_id`` and ``chat_id`` locate the member's question so a moderator can answer
        it by replying to it. Flushes; the caller's handler commits.
        """
        result, locale = await self.search(question)
        threshold = self.min_confidence if min_confidence is None else min_confidence
        best = result.confident(threshold)
        entry = self._indexed.get(best.entry_id) if best else None
        topics = (
            ()
            if entry
            else tuple(c.entry_id for c in result.candidates if c.score >= TOPIC_MIN_SCORE)
        )
        log = AnswerLog(
            member_id=member_id,
            question=question[:2000],
            locale=locale,
            entry_id=_plain_id(entry.id) if entry else None,
            score=result.best.score if result.best else 0.0,
            answered=entry is not None,
            platform=platform,
            asked_at=now,
            suggestions=list(topics),
            message_id=message_id,
            chat_id=chat_id,
        )
        session.add(log)
        await session.flush()
        top = _plain_id(result.best.entry_id) if result.best else None
        await learning.record_repeat(session, log, top)
        return Answer(result, _public(entry) if entry else None, log.id, locale, topics)

    async def log_shown(
        self,
        session: AsyncSession,
        entry: KBEntry,
        *,
        member_id: int,
        platform: str,
        now: datetime,
        parent_id: int | None = None,
    ) -> int:
        """A member picked a suggested topic: log it like an answer so it can be rated.

        ``parent_id`` is the declined question it was offered for, which stats count once.
        """
        log = AnswerLog(
            member_id=member_id,
            question=entry.title,
            locale=entry.locale,
            entry_id=entry.id,
            score=1.0,
            answered=True,
            platform=platform,
            asked_at=now,
            suggestions=[],
            parent_id=parent_id,
        )
        session.add(log)
        await session.flush()
        return log.id

    async def vote(
        self, session: AsyncSession, log_id: int, member_id: int, vote: str, now: datetime
    ) -> AnswerLog | None:
        """Record 👍/👎 on an answer the member was given; pressing again only changes it."""
        if vote not in VOTES:
            return None
        log = await session.get(AnswerLog, log_id)
        if log is None or log.member_id != member_id:
            return None
        log.vote, log.voted_at = vote, now
        await session.flush()
        return log

    async def save(
        self, session: AsyncSession, entry: KBEntry, member_id: int, now: datetime
    ) -> None:
        """Flushes; members are answered from it once the caller's transaction is committed
        and ``reload`` has run (a handler asks for it with ``ctx.after_commit``)."""
        await self._store(session, entry, member_id, now, removed=False)

    async def remove(
        self, session: AsyncSession, entry: KBEntry, member_id: int, now: datetime
    ) -> None:
        """Kept as a removed row, so a file entry with the same id stays hidden too."""
        await self._store(session, entry, member_id, now, removed=True)

    async def _store(
        self,
        session: AsyncSession,
        entry: KBEntry,
        member_id: int,
        now: datetime,
        *,
        removed: bool,
    ) -> None:
        stored = await session.get(StoredEntry, (entry.id, entry.locale))
        if stored is None:
            stored = StoredEntry(id=entry.id, locale=entry.locale)
            session.add(stored)
        stored.title, stored.questions, stored.answer = (
            entry.title,
            list(entry.questions),
            entry.answer,
        )
        stored.tags, stored.removed = list(entry.tags), removed
        stored.updated_by, stored.updated_at = member_id, now
        await session.flush()

    def free_id(self, title: str, locale: str) -> str:
        base = slugify(title)
        candidate, n = base, 2
        while index_key(candidate, locale) in self._indexed:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def public_entry(self, indexed_id: str) -> KBEntry | None:
        entry = self._indexed.get(indexed_id)
        return _public(entry) if entry else None

    def find(self, entry_id: str, locale: str) -> KBEntry | None:
        """By the id a moderator types, preferring their language."""
        for candidate in (
            index_key(entry_id, locale),
            *(index_key(entry_id, other) for other in locales.SUPPORTED),
        ):
            entry = self._indexed.get(candidate)
            if entry is not None:
                return _public(entry)
        return None

    async def stored_entries(self, session: AsyncSession) -> list[KBEntry]:
        rows = await session.scalars(select(StoredEntry).where(StoredEntry.removed.is_(False)))
        return [_from_stored(row) for row in rows]


def index_key(entry_id: str, locale: str | None) -> str:
    """Ids are unique per locale; the index needs them unique overall."""
    return f"{locale}/{entry_id}"


def _plain_id(indexed_id: str) -> str:
    return indexed_id.split("/", 1)[-1]


def _public(entry: KBEntry) -> KBEntry:
    return replace(entry, id=_plain_id(entry.id))


def _from_stored(stored: StoredEntry) -> KBEntry:
    return KBEntry(
        id=stored.id,
        title=stored.title,
        questions=tuple(stored.questions),
        answer=stored.answer,
        locale=stored.locale,
        tags=tuple(stored.tags),
        source="db",
    )


_QUESTION_START = re.compile(
    r"^(how|what|why|where|when|who|which|can|could|is|are|does|do|did|should|will|would|"
    r"anyone|any)\b",
    re.IGNORECASE,
)
_CHINESE_QUESTION = re.compile(
    r"(怎么|怎样|如何|为什么|为啥|什么|哪|咋|能不能|可不可以|是否|吗|呢)"
)


def looks_like_question(text: str) -> bool:
    """Help channels get unsolicited answers only for text that reads as a question."""
    stripped = text.strip()
    if stripped.endswith(("?", "？")):
        return True
    return bool(_QUESTION_START.match(stripped) or _CHINESE_QUESTION.search(stripped))
