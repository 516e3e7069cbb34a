"""Feedback from members: submitting, voting, and moving items through their statuses.

A submission that resembles open items is kept as a draft while its author chooses between
backing one of them and submitting anyway, so the choice can come back as a button press
that carries only ids; only a submitted item takes a number. Every method flushes; the
router commits, with whatever notices belong to the same change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import locale as locales
from core.features.feedback.models import (
    FeedbackComposition,
    FeedbackDraft,
    FeedbackItem,
    FeedbackVote,
)
from core.features.feedback.settings import FeedbackSettings
from core.features.feedback.similar import SimilarFinder
from core.features.feedback.status import MOVES, OPEN, Status
from core.features.feedback.themes import ThemeFinder

CATEGORIES = ("bug", "feature", "ux", "other")
LISTS = ("top", "new", "mine")
DRAFT_LIFETIME = timedelta(days=7)
COMPOSITION_LIFETIME = timedelta(minutes=30)
"""How long the guided exchange waits for the member to write their feedback."""
"""A draft its author never confirmed nor withdrew is dropped after this."""


class VoteOutcome(StrEnum):
    COUNTED = "counted"
    ALREADY = "already"
    OWN = "own"
    CLOSED = "closed"
    MISSING = "missing"


@dataclass(frozen=True)
class Summary:
    """An item as members see it, with its vote count."""

    id: int
    category: str
    title: str
    description: str
    status: str
    reason: str | None
    votes: int
    member_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Submission:
    """Either the submitted ``item``, or a draft awaiting a choice between it and ``similar``."""

    item: Summary | None
    draft_id: int | None = None
    similar: tuple[Summary, ...] = ()


@dataclass(frozen=True)
class Move:
    """The outcome of a status change; ``allowed`` lists the legal moves when it was refused.

    ``recipients`` are the submitter and voters to tell, as (member id, was the submitter).
    """

    item: Summary | None
    moved: bool
    previous: Status | None
    allowed: tuple[Status, ...]
    recipients: tuple[tuple[int, bool], ...] = ()


class FeedbackService:
    def __init__(self, settings: FeedbackSettings) -> None:
        self.settings = settings
        self.similar = SimilarFinder(settings.similar_min_score, settings.similar_limit)
        self.themes = ThemeFinder(
            max_distance=settings.themes_max_distance,
            min_size=settings.themes_min_size,
            max_themes=settings.max_themes,
            max_texts=settings.themes_max_texts,
        )

    async def submit(
        self,
        session: AsyncSession,
        member_id: int,
        category: str,
        title: str,
        description: str,
        now: datetime,
    ) -> Submission:
        """Save the item, or a draft of it when open items look like the same request."""
        matches = await self.similar.find(session, title, description)
        similar = [await self.get(session, match.item_id) for match in matches]
        draft = FeedbackDraft(
            member_id=member_id,
            category=category,
            title=title[:200],
            description=description,
            locale=locales.of_text(f"{title}{description}") or "en",
            created_at=now,
        )
        if not matches:
            return Submission(await self._file(session, draft, now))
        session.add(draft)
        await session.flush()
        return Submission(None, draft.id, tuple(s for s in similar if s is not None))

    async def _file(self, session: AsyncSession, draft: FeedbackDraft, now: datetime) -> Summary:
        """A numbered item made from a submission, saved as a draft first or not."""
        item = FeedbackItem(
            member_id=draft.member_id,
            category=draft.category,
            title=draft.title,
            description=draft.description,
            locale=draft.locale,
            status=Status.NEW,
            created_at=now,
            updated_at=now,
        )
        session.add(item)
        await session.flush()
        return _summary(item, 0)

    async def confirm(
        self, session: AsyncSession, draft_id: int, member_id: int, now: datetime
    ) -> Summary | None:
        """Submit a draft anyway; pressing again just shows the submitted item."""
        draft = await session.get(FeedbackDraft, draft_id)
        if draft is None or draft.member_id != member_id:
            return None
        # Claimed with a conditional update, so two presses at once file one item.
        claimed = await session.execute(
            update(FeedbackDraft)
            .where(FeedbackDraft.id == draft_id, FeedbackDraft.submitted_at.is_(None))
            .values(submitted_at=now)
        )
        if not getattr(claimed, "rowcount", 0):
            await session.refresh(draft)
            return await self.get(session, draft.item_id) if draft.item_id else None
        item = await self._file(session, draft, now)
        draft.item_id = item.id
        await session.flush()
        return item

    async def vote_instead(
        self, session: AsyncSession, draft_id: int, item_id: int, member_id: int, now: datetime
    ) -> tuple[VoteOutcome, Summary | None]:
        """Back the similar item and withdraw the draft."""
        await session.execute(
            delete(FeedbackDraft).where(
                FeedbackDraft.id == draft_id,
                FeedbackDraft.member_id == member_id,
                FeedbackDraft.submitted_at.is_(None),
            )
        )
        return await self.vote(session, item_id, member_id, now)

    async def vote(
        self, session: AsyncSession, item_id: int, member_id: int, now: datetime
    ) -> tuple[VoteOutcome, Summary | None]:
        """One vote per member and item, never on one's own item, only while it is open."""
        summary = await self.get(session, item_id)
        if summary is None:
            return VoteOutcome.MISSING, None
        if summary.member_id == member_id:
            return VoteOutcome.OWN, summary
        if summary.status not in OPEN:
            return VoteOutcome.CLOSED, summary
        existing = await session.scalar(
            select(FeedbackVote.id).where(
                FeedbackVote.item_id == item_id, FeedbackVote.member_id == member_id
            )
        )
        if existing is not None:
            return VoteOutcome.ALREADY, summary
        try:
            # A double press can arrive twice at once; the unique pair lets one through.
            async with session.begin_nested():
                session.add(FeedbackVote(item_id=item_id, member_id=member_id, created_at=now))
        except IntegrityError:
            return VoteOutcome.ALREADY, summary
        return VoteOutcome.COUNTED, await self.get(session, item_id)

    async def get(self, session: AsyncSession, item_id: int) -> Summary | None:
        """An item by its number."""
        rows = await self._summaries(session, FeedbackItem.id == item_id)
        return rows[0] if rows else None

    async def listing(self, session: AsyncSession, which: str, member_id: int) -> list[Summary]:
        """Open items by votes ("top") or age ("new"), or the member's own and backed ones."""
        limit = self.settings.list_limit
        if which == "mine":
            backed = select(FeedbackVote.item_id).where(FeedbackVote.member_id == member_id)
            mine = or_(FeedbackItem.member_id == member_id, FeedbackItem.id.in_(backed))
            return await self._summaries(session, mine, newest_first=True, limit=limit)
        is_open = FeedbackItem.status.in_(OPEN)
        return await self._summaries(
            session, is_open, newest_first=which == "new", by_votes=which == "top", limit=limit
        )

    async def move(
        self, session: AsyncSession, item_id: int, status: Status, reason: str | None, now: datetime
    ) -> Move:
        """Change the status if the workflow allows it; a decline needs a reason."""
        item = await session.get(FeedbackItem, item_id)
        if item is None:
            return Move(None, False, None, ())
        previous = Status(item.status)
        allowed = MOVES[previous]
        if status not in allowed or (status is Status.DECLINED and not reason):
            return Move(await self.get(session, item_id), False, previous, allowed)
        item.status, item.reason, item.updated_at = status, reason, now
        await session.flush()
        voters = await session.scalars(
            select(FeedbackVote.member_id)
            .where(FeedbackVote.item_id == item_id)
            .order_by(FeedbackVote.id)
        )
        recipients = [(item.member_id, True)] if item.member_id is not None else []
        recipients += [(voter, False) for voter in voters if voter != item.member_id]
        return Move(await self.get(session, item_id), True, previous, allowed, tuple(recipients))

    async def drop_stale_drafts(self, session: AsyncSession, now: datetime) -> int:
        dropped = 0
        for stale in (
            delete(FeedbackDraft).where(FeedbackDraft.created_at < now - DRAFT_LIFETIME),
            delete(FeedbackComposition).where(
                FeedbackComposition.started_at < now - COMPOSITION_LIFETIME
            ),
        ):
            result = await session.execute(stale)
            dropped += int(getattr(result, "rowcount", 0) or 0)
        return dropped

    async def _summaries(
        self,
        session: AsyncSession,
        condition: ColumnElement[bool],
        *,
        newest_first: bool = False,
        by_votes: bool = False,
        limit: int | None = None,
    ) -> list[Summary]:
        votes = func.count(FeedbackVote.id)
        query = (
            select(FeedbackItem, votes)
            .outerjoin(FeedbackVote, FeedbackVote.item_id == FeedbackItem.id)
            .where(condition)
            .group_by(FeedbackItem.id)
        )
        order: list[ColumnElement[Any]] = [votes.desc()] if by_votes else []
        if newest_first or by_votes:
            order += [FeedbackItem.created_at.desc(), FeedbackItem.id.desc()]
        else:
            order.append(FeedbackItem.id.asc())
        rows = await session.execute(query.order_by(*order).limit(limit))
        return [_summary(item, count) for item, count in rows]


def _summary(item: FeedbackItem, votes: int) -> Summary:
    return Summary(
        id=item.id,
        category=item.category,
        title=item.title,
        description=item.description,
        status=item.status,
        reason=item.reason,
        votes=votes,
        member_id=item.member_id,
        created_at=item.created_at,
    )
