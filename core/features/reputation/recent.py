"""Each member's last day of posting, in memory, for the rules that read it on every message.

The cooldown, the daily cap and the near-same check used to ask the database on every
message (three queries and an ORM flush, most of the ~20 ms reputation added to an ordinary
message). ``Recent`` keeps what they read: per member, the fingerprints of the last
``same_text_minutes`` and the posting points of the last 24 hours. It is loaded from the
database when the app starts, a member again after a link merged another into them, and any
member on first sight when nothing was loaded (a service used without the app).

Only committed rows are in it: what a session counts waits in that session (``note``) and
joins the window when the session commits, and is dropped if it rolls back, so the window
always says what the database says and every ceiling stays exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from core.features.reputation.models import RepEntry, RepMessage

POSTING_REASONS = ("topic", "reply", "message")
HORIZON = timedelta(days=1)
"""The longest look back any posting rule has: the daily cap (the cooldown and the
near-same window are capped at a day by their settings)."""
_PENDING = "reputation.recent"


@dataclass(frozen=True)
class Print:
    at: datetime
    fingerprint: int


@dataclass(frozen=True)
class Earned:
    at: datetime
    points: int
    reason: str


@dataclass
class Window:
    prints: list[Print] = field(default_factory=list)
    earned: list[Earned] = field(default_factory=list)

    def prune(self, now: datetime) -> None:
        cutoff = now - HORIZON
        if self.prints and self.prints[0].at <= cutoff:
            self.prints = [p for p in self.prints if p.at > cutoff]
        if self.earned and self.earned[0].at <= cutoff:
            self.earned = [e for e in self.earned if e.at > cutoff]

    def newest(self) -> datetime | None:
        ats = [items[-1].at for items in (self.prints, self.earned) if items]
        return max(ats) if ats else None


@dataclass
class _Pending:
    recent: Recent
    items: list[tuple[int, Print | Earned]] = field(default_factory=list)


class Recent:
    """Offered by the reputation feature; ``earning.on_post`` reads and notes through it."""

    def __init__(self) -> None:
        self._windows: dict[int, Window] = {}
        self._complete = False
        """Every member with rows inside the horizon has a window (after ``load``)."""
        self._stale: set[int] = set()
        self._notes = 0

    async def load(self, session: AsyncSession, now: datetime) -> None:
        self._windows = await _read(session, now, None)
        self._complete = True
        self._stale.clear()

    def forget(self, *member_ids: int) -> None:
        """Read these members from the database again (their rows changed hands)."""
        for member_id in member_ids:
            self._windows.pop(member_id, None)
            self._stale.add(member_id)

    async def prints(
        self, session: AsyncSession, member_id: int, at: datetime, within: timedelta
    ) -> list[int]:
        """The fingerprints of the member's messages after ``at - within``."""
        window = await self._window(session, member_id, at)
        own = [i for m, i in _pending(session, self) if m == member_id and isinstance(i, Print)]
        return [p.fingerprint for p in (*window.prints, *own) if p.at > at - within]

    async def earned(
        self, session: AsyncSession, member_id: int, at: datetime, within: timedelta
    ) -> list[Earned]:
        """The member's posting points after ``at - within``."""
        window = await self._window(session, member_id, at)
        own = [i for m, i in _pending(session, self) if m == member_id and isinstance(i, Earned)]
        return [e for e in (*window.earned, *own) if e.at > at - within]

    def note(self, session: AsyncSession, member_id: int, item: Print | Earned) -> None:
        """Counted in ``session``: joins the window when it commits."""
        pending = session.info.get(_PENDING)
        if not isinstance(pending, _Pending):
            pending = session.info[_PENDING] = _Pending(self)
        pending.items.append((member_id, item))

    def _committed(self, items: Iterable[tuple[int, Print | Earned]]) -> None:
        latest: datetime | None = None
        for member_id, item in items:
            if member_id in self._stale or (not self._complete and member_id not in self._windows):
                continue  # read whole from the database when next needed
            window = self._windows.setdefault(member_id, Window())
            (window.prints if isinstance(item, Print) else window.earned).append(item)  # type: ignore[arg-type]
            window.prune(item.at)
            latest = item.at if latest is None else max(latest, item.at)
            self._notes += 1
        if latest is not None and self._notes > 10 * len(self._windows) + 1000:
            self._drop_quiet(latest)

    def _drop_quiet(self, now: datetime) -> None:
        """Members with nothing inside the horizon need no window (absent means empty)."""
        self._notes = 0
        if not self._complete:
            return
        for member_id, window in list(self._windows.items()):
            newest = window.newest()
            if newest is None or newest <= now - HORIZON:
                del self._windows[member_id]

    async def _window(self, session: AsyncSession, member_id: int, now: datetime) -> Window:
        window = self._windows.get(member_id)
        if window is not None:
            return window
        if self._complete and member_id not in self._stale:
            return Window()
        read = await _read(session, now, member_id)
        window = self._windows[member_id] = read.get(member_id, Window())
        self._stale.discard(member_id)
        return window


def _pending(session: AsyncSession, recent: Recent) -> list[tuple[int, Print | Earned]]:
    pending = session.info.get(_PENDING)
    return pending.items if isinstance(pending, _Pending) and pending.recent is recent else []


async def _read(session: AsyncSession, now: datetime, member_id: int | None) -> dict[int, Window]:
    since = now - HORIZON
    messages = select(RepMessage.member_id, RepMessage.at, RepMessage.fingerprint).where(
        RepMessage.at > since
    )
    entries = select(RepEntry.member_id, RepEntry.at, RepEntry.points, RepEntry.reason).where(
        RepEntry.reason.in_(POSTING_REASONS), RepEntry.at > since
    )
    if member_id is not None:
        messages = messages.where(RepMessage.member_id == member_id)
        entries = entries.where(RepEntry.member_id == member_id)
    windows: dict[int, Window] = {}
    for owner, at, fingerprint in await session.execute(messages.order_by(RepMessage.at)):
        windows.setdefault(owner, Window()).prints.append(Print(at, fingerprint))
    for earner, at, points, reason in await session.execute(entries.order_by(RepEntry.at)):
        if earner is not None:  # a forgotten member's rows have no owner
            windows.setdefault(earner, Window()).earned.append(Earned(at, points, reason))
    return windows


@event.listens_for(Session, "after_commit")
def _join_windows(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if isinstance(pending, _Pending):
        pending.recent._committed(pending.items)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
