"""Feedback written step by step, for chats without forms (Telegram, the terminal).

Telegram's command menu sends a bare "/feedback": the bot asks for the category with buttons,
then takes the member's next DM as the feedback itself, the first line being the title.
Discord has /feedback new and its form instead. A member may start a guided ticket too:
whichever the bot asked for last takes their next message.
"""

from __future__ import annotations

from core.context import Context
from core.events import Button, EventKind, Reply, Visibility
from core.features.feedback.models import FeedbackComposition
from core.features.feedback.service import CATEGORIES, COMPOSITION_LIFETIME
from core.features.feedback.submission import submit
from core.features.tickets import opening as tickets
from core.i18n import N_
from core.registry import Registry

registry = Registry("feedback")

SHORT_TITLE = 80
"""A first line longer than this is cut to make the title, and the whole message becomes the
details, so no word is lost."""
CANCEL = Button("fb.cancel", "", label_key=N_("✖ Cancel"))
KIND_LABELS = {
    "bug": N_("🐞 Something is broken"),
    "feature": N_("✨ An idea"),
    "ux": N_("🧭 Hard to use"),
    "other": N_("💬 Something else"),
}


def ask_category() -> Reply:
    buttons = tuple(Button("fb.kind", c, label_key=KIND_LABELS[c]) for c in CATEGORIES)
    return Reply("feedback/ask_category", buttons=(*buttons, CANCEL), visibility=Visibility.PRIVATE)


async def ask_text(ctx: Context, category: str) -> Reply:
    composition = await ctx.session.get(FeedbackComposition, ctx.member.id)
    if composition is None:
        composition = FeedbackComposition(member_id=ctx.member.id)
        ctx.session.add(composition)
    composition.category, composition.started_at = category, ctx.now
    await tickets.abandon_draft(ctx.session, ctx.member.id)
    return Reply(
        "feedback/ask_text",
        {"category": category},
        buttons=(CANCEL,),
        visibility=Visibility.PRIVATE,
    )


@registry.action("fb.kind")
async def category_chosen(ctx: Context, arg: str) -> Reply:
    if arg not in CATEGORIES:
        return Reply("core/stale_button", visibility=Visibility.PRIVATE)
    return await ask_text(ctx, arg)


@registry.action("fb.cancel")
async def cancel(ctx: Context, arg: str) -> Reply:
    """Without a way out, whatever the member writes next would be filed as feedback."""
    composition = await ctx.session.get(FeedbackComposition, ctx.member.id)
    if composition is not None:
        await ctx.session.delete(composition)
    return Reply("feedback/compose_cancelled", visibility=Visibility.PRIVATE)


@registry.on(EventKind.MESSAGE)
async def written(ctx: Context) -> Reply | None:
    """The member's DM after the bot asked for their feedback is that feedback."""
    if not ctx.place.is_dm:
        return None
    composition = await ctx.session.get(FeedbackComposition, ctx.member.id)
    if composition is None:
        return None
    text = ctx.event.text.strip()
    await ctx.session.delete(composition)
    ticket_asked = await tickets.draft_started_at(ctx.session, ctx.member.id)
    superseded = ticket_asked is not None and ticket_asked > composition.started_at
    if superseded or ctx.now - composition.started_at > COMPOSITION_LIFETIME or not text:
        return None
    title, _, description = text.partition("\n")
    if len(title) > SHORT_TITLE:
        title, description = _shortened(title), text
    return await submit(ctx, composition.category, title, description)


def _shortened(line: str) -> str:
    cut = line[:SHORT_TITLE]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return f"{cut}…"
