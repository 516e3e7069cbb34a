"""``/rank`` and ``/leaderboard``: where members stand, as a card to show and a board to read.

The card is drawn off the event loop; the same facts go in the reply's text, which is what
a place without images shows. Positions come from the rollup (``leaderboard``).
"""

from __future__ import annotations

import asyncio

from core.context import Context
from core.events import Attachment, Reply
from core.features.badges.service import BadgesService
from core.features.reputation import earning, leaderboard, ledger, rank_card, tiers
from core.features.reputation.handlers import OPTIONAL_NAME, who
from core.features.reputation.settings import ReputationSettings
from core.features.tickets.chat import member_named, names
from core.i18n import N_
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("reputation")

LABELS = {"points": N_("points"), "rank": N_("rank"), "unranked": N_("unranked")}
TO_NEXT = N_("%(points)s / %(next_points)s to %(next)s")
TOP = N_("The top tier")
LATEST_BADGES = 3


@registry.command("rank", OPTIONAL_NAME)
async def rank(ctx: Context, name: str = "") -> Reply:
    """Your rank card (or a member's): tier, points, position and the way to the next tier."""
    member = await member_named(ctx, name) if name else ctx.member
    if member is None:
        return who(name)
    settings = ctx.services.settings.section(ReputationSettings)
    points = await ledger.balance(ctx.session, member.id)
    standing = tiers.progress(settings.tiers, points)
    board = ledger.EVERYWHERE, ledger.ALL_TIME
    found = await leaderboard.position(ctx.session, *board, member.id)
    everyone = await leaderboard.size(ctx.session, *board)
    translate, locale = ctx.services.renderer.translate, ctx.locale
    tier_name = standing.tier.text(standing.tier.name, locale)
    following = standing.next
    line = (
        translate(TO_NEXT, locale)
        % {
            "points": f"{points:,}",
            "next_points": f"{following.min_reputation:,}",
            "next": following.text(following.name, locale),
        }
        if following is not None
        else translate(TOP, locale)
    )
    facts = rank_card.CardFacts(
        name=member.display_name,
        tier=tier_name,
        points=points,
        position=found.position if found else None,
        of=everyone,
        fraction=standing.fraction,
        progress_line=line,
        labels={key: translate(text, locale) for key, text in LABELS.items()},
        badges=await _latest_badges(ctx, member.id),
    )
    png = await asyncio.to_thread(rank_card.render, facts)
    return Reply(
        "reputation/rank",
        {"facts": facts, "standing": standing},
        attachments=(Attachment(f"rank-{member.id}.png", png, "image/png"),),
    )


async def _latest_badges(ctx: Context, member_id: int) -> list[str]:
    """The newest badges' names in the reader's language, where the badges feature runs."""
    try:
        service = ctx.services.get(BadgesService)
    except LookupError:
        return []
    earned = await service.earned(ctx.session, member_id)
    names = []
    for held in earned[:LATEST_BADGES]:
        badge = held.badge
        # Built-in badges ("ambassador") are named by the catalogues, not the config.
        name = badge.name.get(ctx.locale) or badge.name.get("en")
        names.append(name or ctx.services.renderer.translate(badge.id.capitalize(), ctx.locale))
    return names


@registry.command(
    "leaderboard",
    ArgSpec("period", ArgType.CHOICE, required=False, choices=leaderboard.PERIODS),
    ArgSpec("page", ArgType.INTEGER, required=False, description="which page, from 1"),
)
async def show_leaderboard(ctx: Context, period: str = "all", page: int = 1) -> Reply:
    """Who helped most here, this week, this month or ever; ten a page."""
    scope = ledger.EVERYWHERE if ctx.place.is_dm else earning.scope_of(ctx.place)
    key = leaderboard.period_key(period, ctx.now)
    page = max(1, page)
    rows = await leaderboard.page(ctx.session, scope, key, page)
    mine = await leaderboard.position(ctx.session, scope, key, ctx.member.id)
    total = await leaderboard.size(ctx.session, scope, key)
    who_is = await names(ctx, *(row.member_id for row in rows))
    return Reply(
        "reputation/leaderboard",
        {
            "period": period,
            "page": page,
            "pages": max(1, -(-total // leaderboard.PAGE_SIZE)),
            "rows": [(row, who_is.get(row.member_id, "?")) for row in rows],
            "mine": mine,
            "me": ctx.member.id,
            "everywhere": ctx.place.is_dm,
        },
    )
