"""Moderators' and founders' hands on the ledger: points added or removed with a reason, a
solution marked, a reset confirmed with a button, and the thank-you rings that were stopped.

Every change is a ledger row naming who made it, so ``/rep history`` shows it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from core.context import Context
from core.events import Button, Reply, Role, Visibility
from core.features.reputation import earning, ledger
from core.features.reputation.handlers import NAME, who
from core.features.reputation.models import RepRingHit
from core.features.reputation.settings import ReputationSettings
from core.features.tickets.chat import member_named, names
from core.i18n import N_
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("reputation")

POINTS = ArgSpec("points", ArgType.INTEGER, description="how many points")
REASON = ArgSpec("reason", ArgType.TEXT, description="why, for the member's history")
RESET = "rep_reset"
SUSPICIOUS_DAYS = 30


async def _adjust(ctx: Context, name: str, points: int, reason: str, sign: int) -> Reply:
    member = await member_named(ctx, name)
    if member is None:
        return who(name)
    if points <= 0 or not reason.strip():
        return Reply("reputation/adjust_usage", visibility=Visibility.PRIVATE)
    await ledger.credit(
        ctx.session,
        ledger.Credit(
            member.id,
            sign * points,
            "moderator",
            ctx.now,
            giver_id=ctx.member.id,
            note=reason.strip()[:500],
        ),
    )
    return Reply(
        "reputation/adjusted",
        {
            "name": member.display_name,
            "points": sign * points,
            "balance": await ledger.balance(ctx.session, member.id),
        },
        visibility=Visibility.PRIVATE,
    )


@registry.command("rep add", NAME, POINTS, REASON, min_role=Role.MODERATOR)
async def rep_add(ctx: Context, name: str, points: int, reason: str) -> Reply:
    """Give a member points by hand, with the reason they will read."""
    return await _adjust(ctx, name, points, reason, 1)


@registry.command("rep remove", NAME, POINTS, REASON, min_role=Role.MODERATOR)
async def rep_remove(ctx: Context, name: str, points: int, reason: str) -> Reply:
    """Take points from a member, with the reason they will read."""
    return await _adjust(ctx, name, points, reason, -1)


@registry.command("rep reset", NAME, min_role=Role.FOUNDER)
async def rep_reset(ctx: Context, name: str) -> Reply:
    """Bring a member's points back to zero (asks to confirm)."""
    member = await member_named(ctx, name)
    if member is None:
        return who(name)
    return Reply(
        "reputation/reset_confirm",
        {"name": member.display_name, "balance": await ledger.balance(ctx.session, member.id)},
        buttons=(Button(RESET, str(member.id), label_key=N_("⚠️ Reset to 0")),),
        visibility=Visibility.PRIVATE,
    )


@registry.action(RESET, min_role=Role.FOUNDER)
async def confirm_reset(ctx: Context, arg: str) -> Reply:
    member_id = int(arg) if arg.isdigit() else -1
    found = await names(ctx, member_id)
    if member_id not in found:
        return Reply("reputation/who", {"who": arg}, visibility=Visibility.PRIVATE)
    balance = await ledger.balance(ctx.session, member_id)
    if balance:
        await ledger.credit(
            ctx.session,
            ledger.Credit(member_id, -balance, "reset", ctx.now, giver_id=ctx.member.id),
        )
    return Reply(
        "reputation/reset_done",
        {"name": found[member_id], "taken": balance},
        visibility=Visibility.PRIVATE,
    )


@registry.command("rep solution", min_role=Role.MODERATOR)
async def rep_solution(ctx: Context) -> Reply:
    """Mark the message you reply to as the solution; its author earns points."""
    settings = ctx.services.settings.section(ReputationSettings)
    place = ctx.place
    author = await earning.author_of(ctx.session, place, ctx.event.reply_to_id)
    if author is None:
        return Reply("reputation/solution_usage", visibility=Visibility.PRIVATE)
    source = f"solution:{place.platform.value}:{place.chat_id}:{ctx.event.reply_to_id}"
    marked = await ledger.credit_once(
        ctx.session,
        ledger.Credit(
            author,
            settings.solution_points,
            "solution",
            ctx.now,
            scope=earning.scope_of(place),
            giver_id=ctx.member.id,
            source=source,
        ),
    )
    if marked:
        (await earning.stats_of(ctx.session, author)).solutions += 1
    found = await names(ctx, author)
    return Reply(
        "reputation/solution",
        {"name": found.get(author, "?"), "points": settings.solution_points, "again": not marked},
    )


@registry.command("rep suspicious", min_role=Role.MODERATOR)
async def rep_suspicious(ctx: Context) -> Reply:
    """Thank-you rings that were stopped, with the thanks that went round."""
    since = ctx.now - timedelta(days=SUSPICIOUS_DAYS)
    hits = await ctx.session.scalars(
        select(RepRingHit).where(RepRingHit.at > since).order_by(RepRingHit.at)
    )
    rings: dict[frozenset[int], list[RepRingHit]] = defaultdict(list)
    for hit in hits:
        rings[frozenset(int(part) for part in hit.ring.split(">"))].append(hit)
    everyone = {m for ring in rings for m in ring}
    who_is = await names(ctx, *everyone)
    listed = [
        {
            "members": sorted(who_is.get(m, "?") for m in ring),
            "stopped": [
                {
                    "at": h.at,
                    "giver": who_is.get(h.giver_id, "?"),
                    "to": who_is.get(h.receiver_id, "?"),
                }
                for h in found
            ],
        }
        for ring, found in rings.items()
    ]
    return Reply(
        "reputation/suspicious",
        {"rings": listed, "days": SUSPICIOUS_DAYS},
        visibility=Visibility.PRIVATE,
    )
