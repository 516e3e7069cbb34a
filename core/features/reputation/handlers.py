"""Reputation in chat: messages and reactions earn, members read and give points.

The message handler runs before the FAQ's and returns nothing, so every group message is
counted whoever answers it. Handlers flush and never commit: the router commits once.
"""

from __future__ import annotations

from core.context import Context
from core.events import EventKind, Reply, Visibility
from core.features.faq.settings import FaqSettings
from core.features.reputation import earning, ledger
from core.features.reputation.earning import Post, Thanks
from core.features.reputation.farming import Verdict
from core.features.reputation.recent import Recent
from core.features.reputation.settings import ReputationSettings
from core.features.tickets.chat import member_named, names
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("reputation")

NAME = ArgSpec("name", ArgType.WORD, description="a member's name or account id")
OPTIONAL_NAME = ArgSpec(
    "name", ArgType.WORD, required=False, description="a member's name or account id"
)


def who(name: str) -> Reply:
    return Reply("reputation/who", {"who": name}, visibility=Visibility.PRIVATE)


@registry.on(EventKind.MESSAGE)
async def count_message(ctx: Context) -> None:
    settings = ctx.services.settings.section(ReputationSettings)
    if not earning.counts_here(settings, ctx.place) or not ctx.event.message_id:
        return
    place = ctx.place
    await earning.on_post(
        ctx.session,
        settings,
        Post(
            member_id=ctx.member.id,
            place=place,
            message_id=ctx.event.message_id,
            text=ctx.event.text,
            reply_to_id=ctx.event.reply_to_id,
            at=ctx.event.received_at,
            in_help_place=f"{place.platform.value}:{place.chat_id}"
            in ctx.services.settings.section(FaqSettings).help_channels,
        ),
        ctx.services.get(Recent),
    )


def _bare(emoji: str) -> str:
    """Telegram sends ❤ where Discord and a keyboard send ❤️ (with variation selector 16)."""
    return emoji.replace("\ufe0f", "")


def _reaction_source(ctx: Context) -> str:
    place = ctx.place
    return (
        f"reaction:{place.platform.value}:{place.chat_id}:{ctx.event.message_id}"
        f":{ctx.actor.platform_user_id}:{_bare(ctx.event.emoji)}"
    )


@registry.on(EventKind.REACTION)
async def count_reaction(ctx: Context) -> None:
    settings = ctx.services.settings.section(ReputationSettings)
    thanking = {_bare(e) for e in settings.thanks_reactions}
    if not earning.counts_here(settings, ctx.place) or _bare(ctx.event.emoji) not in thanking:
        return
    author = await earning.author_of(ctx.session, ctx.place, ctx.event.message_id)
    if author is None:
        return
    await earning.thank(
        ctx.session,
        settings,
        Thanks(
            ctx.member.id,
            author,
            "reaction",
            ctx.event.received_at,
            scope=earning.scope_of(ctx.place),
            source=_reaction_source(ctx),
            note=ctx.event.emoji,
        ),
    )


@registry.on(EventKind.REACTION_REMOVED)
async def uncount_reaction(ctx: Context) -> None:
    if ctx.services.settings.section(ReputationSettings).enabled:
        await earning.take_back(ctx.session, _reaction_source(ctx), "unreacted", ctx.now)


@registry.command("rep history", OPTIONAL_NAME)
async def rep_history(ctx: Context, name: str = "") -> Reply:
    """Your points (or a member's): the balance and the latest changes with their reasons."""
    member = await member_named(ctx, name) if name else ctx.member
    if member is None:
        return who(name)
    limit = ctx.services.settings.section(ReputationSettings).history_limit
    entries = await ledger.history(ctx.session, member.id, limit)
    givers = await names(ctx, *(e.giver_id for e in entries))
    return Reply(
        "reputation/history",
        {
            "name": member.display_name,
            "balance": await ledger.balance(ctx.session, member.id),
            "entries": entries,
            "givers": givers,
            "limit": limit,
        },
        visibility=Visibility.PRIVATE,
    )


@registry.command(
    "rep give", NAME, ArgSpec("reason", ArgType.TEXT, required=False, description="what for")
)
async def rep_give(ctx: Context, name: str, reason: str = "") -> Reply:
    """Thank a member with points for their help."""
    receiver = await member_named(ctx, name)
    if receiver is None:
        return who(name)
    settings = ctx.services.settings.section(ReputationSettings)
    verdict = await earning.thank(
        ctx.session,
        settings,
        Thanks(
            ctx.member.id,
            receiver.id,
            "give",
            ctx.now,
            scope=ledger.EVERYWHERE if ctx.place.is_dm else earning.scope_of(ctx.place),
            source=f"give:{ctx.place.platform.value}:{ctx.event.event_id}",
            note=reason.strip()[:500] or None,
        ),
    )
    return Reply(
        "reputation/given",
        {
            "verdict": verdict.value,
            "name": receiver.display_name,
            "points": settings.give_points,
            "settings": settings,
        },
        visibility=Visibility.PUBLIC if verdict is Verdict.COUNTED else Visibility.PRIVATE,
    )
