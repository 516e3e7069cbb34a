"""Chat surface of feedback: /feedback, votes, statuses moderators set, and themes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.args import LARGEST_INTEGER
from core.context import Context, Services
from core.events import Button, Reply, Role, Visibility
from core.features.feedback import compose
from core.features.feedback.service import CATEGORIES, LISTS, FeedbackService, Summary, VoteOutcome
from core.features.feedback.status import OPEN, SETTABLE, Status
from core.features.feedback.submission import submit as submit_feedback
from core.features.reputation import ledger
from core.features.reputation.settings import ReputationSettings
from core.i18n import N_
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("feedback")

ITEM = ArgSpec("item", ArgType.WORD, description="the item's number, e.g. 12")


def _item_id(raw: str) -> int | None:
    """Members write "12" or "#12"."""
    digits = raw.strip().lstrip("#")
    return int(digits) if digits.isdecimal() and int(digits) <= LARGEST_INTEGER else None


def _not_found(raw: str) -> Reply:
    return Reply(
        "feedback/not_found", {"item_id": raw.strip().lstrip("#")}, visibility=Visibility.PRIVATE
    )


def _vote_button(item: Summary) -> Button:
    return Button("fb.vote", str(item.id), label_key=N_("👍 Vote for it"))


SUBMISSION = (
    ArgSpec("category", ArgType.CHOICE, choices=CATEGORIES, description="bug, feature, ux, other"),
    ArgSpec("title", ArgType.TEXT, description="one line that sums it up"),
    ArgSpec("description", ArgType.TEXT, required=False, description="details, steps, why"),
)


@registry.command(
    "feedback", *(replace(arg, required=False) for arg in SUBMISSION[:2]), SUBMISSION[2]
)
async def submit(ctx: Context, category: str = "", title: str = "", description: str = "") -> Reply:
    """Suggest an idea or report a problem."""
    if not category:
        return compose.ask_category()
    if not title:
        return await compose.ask_text(ctx, category)
    return await submit_feedback(ctx, category, title, description)


@registry.command("feedback new", *SUBMISSION, form=True)
async def submit_new(ctx: Context, category: str, title: str, description: str = "") -> Reply:
    """Send feedback: a category, a title and details (the same as /feedback).

    Discord cannot run a command that also has subcommands, so there it is /feedback new,
    and its title and description are typed in a form rather than squeezed into options.
    """
    return await submit_feedback(ctx, category, title, description)


@registry.action("fb.submit")
async def submit_anyway(ctx: Context, arg: str) -> Reply:
    draft = _item_id(arg)
    item = await ctx.services.get(FeedbackService).confirm(
        ctx.session, draft or -1, ctx.member.id, ctx.now
    )
    if item is None:
        return _not_found(arg)
    return Reply("feedback/submitted", {"item": item})


@registry.action("fb.instead")
async def vote_instead(ctx: Context, arg: str) -> Reply:
    raw_draft, _, raw_item = arg.partition(":")
    outcome, item = await ctx.services.get(FeedbackService).vote_instead(
        ctx.session, _item_id(raw_draft) or -1, _item_id(raw_item) or -1, ctx.member.id, ctx.now
    )
    return _voted(outcome, item, raw_item)


@registry.action("fb.vote")
async def vote_button(ctx: Context, arg: str) -> Reply:
    return await _vote(ctx, arg)


@registry.command("feedback vote", ITEM)
async def vote(ctx: Context, item: str) -> Reply:
    """Back an idea or report so the team sees how many want it."""
    return await _vote(ctx, item)


async def _vote(ctx: Context, raw: str) -> Reply:
    outcome, item = await ctx.services.get(FeedbackService).vote(
        ctx.session, _item_id(raw) or -1, ctx.member.id, ctx.now
    )
    return _voted(outcome, item, raw)


def _voted(outcome: VoteOutcome, item: Summary | None, raw: str) -> Reply:
    if item is None:
        return _not_found(raw)
    return Reply(
        "feedback/voted", {"outcome": outcome.value, "item": item}, visibility=Visibility.PRIVATE
    )


@registry.command("feedback list", ArgSpec("order", ArgType.CHOICE, required=False, choices=LISTS))
async def listing(ctx: Context, order: str = "top") -> Reply:
    """List feedback: most backed, newest, or yours."""
    items = await ctx.services.get(FeedbackService).listing(ctx.session, order, ctx.member.id)
    return Reply("feedback/list", {"items": items, "order": order}, visibility=Visibility.PRIVATE)


@registry.command("feedback show", ITEM)
async def show(ctx: Context, item: str) -> Reply:
    """Show one feedback item with its status and votes."""
    found = await ctx.services.get(FeedbackService).get(ctx.session, _item_id(item) or -1)
    if found is None:
        return _not_found(item)
    can_vote = found.status in OPEN and found.member_id != ctx.member.id
    buttons = (_vote_button(found),) if can_vote else ()
    return Reply("feedback/show", {"item": found}, buttons=buttons, visibility=Visibility.PRIVATE)


@registry.command(
    "feedback status",
    ITEM,
    ArgSpec("status", ArgType.CHOICE, choices=SETTABLE),
    ArgSpec("reason", ArgType.TEXT, required=False, description="why; required to decline"),
    min_role=Role.MODERATOR,
)
async def set_status(ctx: Context, item: str, status: str, reason: str = "") -> Reply:
    """Move a feedback item along; its submitter and voters are told."""
    services = ctx.services
    move = await services.get(FeedbackService).move(
        ctx.session, _item_id(item) or -1, Status(status), reason.strip() or None, ctx.now
    )
    if move.item is None:
        return _not_found(item)
    if not move.moved:
        return Reply(
            "feedback/move_refused",
            {
                "item": move.item,
                "wanted": status,
                "allowed": [s.value for s in move.allowed],
                "needs_reason": status == Status.DECLINED and Status.DECLINED in move.allowed,
            },
            visibility=Visibility.PRIVATE,
        )
    await _reward_shipped(ctx, move.item.id, Status(status), move.recipients)
    told = 0
    for member_id, submitted in move.recipients:
        if member_id == ctx.member.id:
            continue
        news = Reply("feedback/status_news", {"item": move.item, "submitted": submitted})
        key = f"feedback:{move.item.id}:{move.item.status}:{member_id}"
        told += await services.notifier.to_member(
            ctx.session, member_id, news, key, unsolicited=True
        )
    return Reply("feedback/moved", {"item": move.item, "told": told})


async def _reward_shipped(
    ctx: Context, item_id: int, status: Status, recipients: Sequence[tuple[int, bool]]
) -> None:
    """Feedback that ships earns its submitter points, through the reputation ledger."""
    submitter = next((member_id for member_id, submitted in recipients if submitted), None)
    if status is not Status.COMPLETED or submitter is None:
        return
    points = ctx.services.settings.section(ReputationSettings).feedback_shipped_points
    await ledger.credit_once(
        ctx.session,
        ledger.Credit(submitter, points, "feedback", ctx.now, source=f"feedback:{item_id}"),
    )


@registry.command(
    "feedback themes",
    ArgSpec("days", ArgType.INTEGER, required=False, description="how far back, in days"),
    min_role=Role.MODERATOR,
)
async def themes(ctx: Context, days: int = 0) -> Reply:
    """What members keep raising: feedback and unanswered questions grouped by theme."""
    feedback = ctx.services.get(FeedbackService)
    window = min(max(days or feedback.settings.themes_days, 1), 365)
    report = await feedback.themes.report(ctx.session, ctx.now, window)
    return Reply(
        "feedback/themes", {"report": report, "days": window}, visibility=Visibility.PRIVATE
    )


@registry.sweep("feedback.drafts", every=timedelta(hours=1))
async def drop_stale_drafts(services: Services, session: AsyncSession) -> int:
    """Drafts whose author never chose between voting and submitting, and feedback the bot
    asked for but never got, are dropped."""
    dropped = await services.get(FeedbackService).drop_stale_drafts(session, services.clock.now())
    return dropped
