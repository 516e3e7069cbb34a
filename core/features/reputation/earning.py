"""What a message, a reaction or a gift earns, by the rules in ``[reputation]``.

Posting earns by kind (a new topic, a reply to someone else in a help place or thread, an
ordinary message at most once per ``message_cooldown_seconds``) up to
``max_message_points_per_day``; short messages and the same words again within
``same_text_minutes`` earn nothing. Thanks earn through :mod:`farming`'s verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.events import Place
from core.features.reputation import ledger, rules
from core.features.reputation.farming import DAY, Verdict, judge
from core.features.reputation.models import RepMessage, RepStats
from core.features.reputation.recent import Earned, Print, Recent
from core.features.reputation.settings import ReputationSettings
from core.members.models import Identity


def scope_of(place: Place) -> str:
    """The server or group a place belongs to, whose leaderboard its points join."""
    return f"{place.platform.value}:{place.guild_id or place.chat_id}"


def counts_here(settings: ReputationSettings, place: Place) -> bool:
    return (
        settings.enabled
        and not place.is_dm
        and f"{place.platform.value}:{place.chat_id}" not in settings.ignore_places
    )


@dataclass(frozen=True)
class Post:
    """One message as reputation reads it."""

    member_id: int
    place: Place
    message_id: str
    text: str
    reply_to_id: str | None
    at: datetime
    in_help_place: bool


async def stats_of(session: AsyncSession, member_id: int) -> RepStats:
    stats = await session.get(RepStats, member_id)
    if stats is None:
        stats = RepStats(member_id=member_id)
        session.add(stats)
        await session.flush()
    return stats


async def author_of(session: AsyncSession, place: Place, message_id: str | None) -> int | None:
    if message_id is None:
        return None
    found: int | None = await session.scalar(
        select(RepMessage.member_id).where(
            RepMessage.platform == place.platform.value,
            RepMessage.chat_id == place.chat_id,
            RepMessage.message_id == message_id,
        )
    )
    return found


async def on_post(
    session: AsyncSession, settings: ReputationSettings, post: Post, recent: Recent
) -> list[str]:
    """Count, remember and reward one message; returns the reasons it earned points for.

    An ordinary message reads nothing from the database (``recent`` holds what the rules
    need) and writes its row, its counters and, when it earns, its points."""
    print_ = rules.fingerprint(post.text)
    within = timedelta(minutes=settings.same_text_minutes)
    earlier = await recent.prints(session, post.member_id, post.at, within)
    repeated = any(rules.near_same(print_, other) for other in earlier)
    kind = await _kind(session, post)
    await session.execute(
        insert(RepMessage).values(
            platform=post.place.platform.value,
            chat_id=post.place.chat_id,
            thread_id=post.place.thread_id,
            message_id=post.message_id,
            member_id=post.member_id,
            fingerprint=print_,
            at=post.at,
        )
    )
    recent.note(session, post.member_id, Print(post.at, print_))
    await _count_post(session, post, kind)
    earned: list[str] = []
    too_short = rules.meaningful_length(post.text) < settings.min_message_chars
    if not repeated and not too_short and await _post_points(session, settings, post, kind, recent):
        earned.append(kind)
    if rules.is_thanks(post.text):
        receiver = await author_of(session, post.place, post.reply_to_id)
        if receiver is None:
            receiver = await _named_member(session, post)
        if receiver is not None:
            verdict = await thank(
                session,
                settings,
                Thanks(post.member_id, receiver, "thanks", post.at, scope_of(post.place)),
            )
            if verdict is Verdict.COUNTED:
                earned.append("thanks")
    return earned


async def _count_post(session: AsyncSession, post: Post, kind: str) -> None:
    """The member's counters, in one statement: a message, its kind, the day they were
    active on and their streak of days (a day missed starts it again)."""
    today = post.at.date()
    topic, reply = int(kind == "topic"), int(kind == "reply")
    upsert = ledger.upsert_into(session, RepStats).values(
        member_id=post.member_id,
        messages=1,
        topics=topic,
        replies=reply,
        days_active=1,
        streak_days=1,
        last_active_day=today,
    )
    last = RepStats.last_active_day
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=["member_id"],
            set_={
                "messages": RepStats.messages + 1,
                "topics": RepStats.topics + topic,
                "replies": RepStats.replies + reply,
                "days_active": case(
                    (last == today, RepStats.days_active), else_=RepStats.days_active + 1
                ),
                "streak_days": case(
                    (last == today, RepStats.streak_days),
                    (last == today - timedelta(days=1), RepStats.streak_days + 1),
                    else_=1,
                ),
                "last_active_day": today,
            },
        )
        .returning(RepStats)
        .execution_options(populate_existing=True)
    )


async def _kind(session: AsyncSession, post: Post) -> str:
    """A topic starts a thread or asks in a help place; a reply answers someone else there."""
    place = post.place
    if place.thread_id is not None:
        starter = await session.scalar(
            select(RepMessage.member_id)
            .where(
                RepMessage.platform == place.platform.value,
                RepMessage.chat_id == place.chat_id,
                RepMessage.thread_id == place.thread_id,
            )
            .order_by(RepMessage.id)
            .limit(1)
        )
        if starter is None:
            return "topic"
        replied_to = await author_of(session, place, post.reply_to_id)
        other = replied_to if replied_to is not None else starter
        return "reply" if other != post.member_id else "message"
    if post.in_help_place:
        if post.reply_to_id is None:
            return "topic"
        replied_to = await author_of(session, place, post.reply_to_id)
        if replied_to is not None and replied_to != post.member_id:
            return "reply"
    return "message"


async def _post_points(
    session: AsyncSession,
    settings: ReputationSettings,
    post: Post,
    kind: str,
    recent: Recent,
) -> bool:
    points = {
        "topic": settings.topic_points,
        "reply": settings.reply_points,
        "message": settings.message_points,
    }[kind]
    today = await recent.earned(session, post.member_id, post.at, DAY)
    if kind == "message":
        cooldown = timedelta(seconds=settings.message_cooldown_seconds)
        if any(e.reason == "message" and e.at > post.at - cooldown for e in today):
            return False
    points = min(points, settings.max_message_points_per_day - sum(e.points for e in today))
    if points <= 0:
        return False
    place = post.place
    await ledger.credit(
        session,
        ledger.Credit(
            post.member_id,
            points,
            kind,
            post.at,
            scope=scope_of(place),
            source=f"{kind}:{place.platform.value}:{place.chat_id}:{post.message_id}",
        ),
    )
    recent.note(session, post.member_id, Earned(post.at, points, kind))
    return True


async def _named_member(session: AsyncSession, post: Post) -> int | None:
    """The first member a thanks names, by their account id or display name on the platform."""
    for name in rules.named(post.text):
        found = await session.scalar(
            select(Identity.member_id)
            .where(
                Identity.platform == post.place.platform.value,
                or_(
                    Identity.platform_user_id == name,
                    func.lower(Identity.display_name) == name.lower(),
                ),
            )
            .order_by(Identity.id)
            .limit(1)
        )
        if found is not None:
            return int(found)
    return None


@dataclass(frozen=True)
class Thanks:
    giver_id: int
    receiver_id: int
    reason: str
    at: datetime
    scope: str = ledger.EVERYWHERE
    source: str | None = None
    note: str | None = None


async def thank(session: AsyncSession, settings: ReputationSettings, thanks: Thanks) -> Verdict:
    """Give ``receiver`` the points for a thanks if the anti-farming rules let it count."""
    verdict = await judge(session, settings, thanks.giver_id, thanks.receiver_id, thanks.at)
    if verdict is not Verdict.COUNTED:
        return verdict
    points = settings.give_points if thanks.reason == "give" else settings.thanks_points
    await ledger.credit(
        session,
        ledger.Credit(
            thanks.receiver_id,
            points,
            thanks.reason,
            thanks.at,
            scope=thanks.scope,
            giver_id=thanks.giver_id,
            source=thanks.source,
            note=thanks.note,
        ),
    )
    (await stats_of(session, thanks.receiver_id)).thanks_received += 1
    (await stats_of(session, thanks.giver_id)).thanks_given += 1
    return verdict


async def take_back(session: AsyncSession, source: str, reason: str, at: datetime) -> bool:
    """Undo what ``source`` earned (a reaction removed), once, as a row of its own."""
    latest = await ledger.credited(session, source)
    if latest is None or latest.points <= 0 or latest.member_id is None:
        return False
    await ledger.credit(
        session,
        ledger.Credit(
            latest.member_id,
            -latest.points,
            reason,
            at,
            scope=latest.scope,
            giver_id=latest.giver_id,
            source=source,
        ),
    )
    stats = await stats_of(session, latest.member_id)
    stats.thanks_received = max(0, stats.thanks_received - 1)
    if latest.giver_id is not None:
        giver = await stats_of(session, latest.giver_id)
        giver.thanks_given = max(0, giver.thanks_given - 1)
    return True
