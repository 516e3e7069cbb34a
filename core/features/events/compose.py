"""/event create, three ways: typed in one line, in Discord's form, or step by step in a DM.

A bare /event create on Telegram or the console asks for the type (buttons), then the
title, the start, the place and the number of places, one DM at a time; a malformed answer
is explained and asked again, nothing else is lost. "cancel" (or the button) ends it, and so
does half an hour of silence, like /feedback. Discord's adapter shows the form (``FORM``)
instead, whose fields reach the handler as keyword arguments.
"""

from __future__ import annotations

from datetime import timedelta

from core.clock import as_utc
from core.context import Context
from core.events import Button, EventKind, Reply, Visibility
from core.features.events.handlers import may_organise, member_zone, publish
from core.features.events.models import EventDraft
from core.features.events.parse import (
    DEFAULT_DURATION,
    KINDS,
    Draft,
    Refusal,
    capacity_of,
    kind_of,
    parse_create,
    parse_fields,
    start_of,
)
from core.i18n import N_
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("events")

FORM = (
    ArgSpec("kind", ArgType.TEXT, description="Type: meetup, webinar, ama, workshop…"),
    ArgSpec("title", ArgType.TEXT, description="Title"),
    ArgSpec("start", ArgType.TEXT, description="Start: 2026-12-24 18:00 or tomorrow 6pm"),
    ArgSpec("place", ArgType.TEXT, required=False, description="Place: a link or an address"),
    ArgSpec("capacity", ArgType.TEXT, required=False, description="Places: a number, or empty"),
)
SILENCE = timedelta(minutes=30)
"""A draft left this long without an answer is over: the next DM is an ordinary message."""
STOP_WORDS = frozenset({"cancel", "stop", "/cancel", "取消", "算了"})
KIND_LABELS = {
    "webinar": N_("Webinar"),
    "ama": N_("AMA"),
    "challenge": N_("Challenge"),
    "meetup": N_("Meetup"),
    "conference": N_("Conference"),
    "workshop": N_("Workshop"),
}
KIND_ACTION, SKIP_ACTION, QUIT_ACTION = "ev.kind", "ev.skip", "ev.quit"
SKIP = Button(SKIP_ACTION, "", label_key=N_("Skip"))
QUIT = Button(QUIT_ACTION, "", label_key=N_("✖ Cancel"))
OPTIONAL_STEPS = ("place", "capacity")


def _private(template: str, **context: object) -> Reply:
    return Reply(f"events/{template}", context, visibility=Visibility.PRIVATE)


def _refused(ctx: Context, refusal: Refusal) -> Reply:
    return _private(
        "create_refused",
        problem=refusal.problem,
        value=refusal.value,
        suggestions=refusal.suggestions,
        zone=member_zone(ctx),
    )


@registry.command(
    "event create",
    ArgSpec("details", ArgType.TEXT, required=False, description="TYPE TITLE | START | options"),
    form_fields=FORM,
)
async def create(ctx: Context, details: str = "", **fields: str) -> Reply | list[Reply]:
    """Create an event: /event create TYPE TITLE | START [| 2h | cap 30 | at WHERE | weekly]."""
    if not may_organise(ctx):
        return _private("not_organiser", own=False, ref="")
    if not details and not fields:
        return await _begin(ctx)
    try:
        if details:
            draft = parse_create(details, ctx.now, member_zone(ctx))
        else:
            draft = parse_fields(fields, ctx.now, member_zone(ctx))
    except Refusal as refusal:
        return _refused(ctx, refusal)
    return await publish(ctx, draft)


def _ask(draft: EventDraft, refusal: Refusal | None = None) -> Reply:
    """The question for the draft's step, after what was wrong with the last answer."""
    buttons: tuple[Button, ...] = (QUIT,)
    if draft.step == "kind":
        buttons = (*(Button(KIND_ACTION, k, label_key=KIND_LABELS[k]) for k in KIND_LABELS), QUIT)
    elif draft.step in OPTIONAL_STEPS:
        buttons = (SKIP, QUIT)
    return Reply(
        "events/draft_ask",
        {
            "step": draft.step,
            "problem": refusal.problem if refusal else "",
            "value": refusal.value if refusal else "",
            "zone": draft.timezone,
        },
        buttons=buttons,
        visibility=Visibility.PRIVATE,
    )


async def _begin(ctx: Context) -> Reply:
    draft = await ctx.session.get(EventDraft, ctx.member.id)
    if draft is None:
        draft = EventDraft(member_id=ctx.member.id)
        ctx.session.add(draft)
    draft.step, draft.timezone, draft.asked_at = "kind", member_zone(ctx), ctx.now
    draft.kind = draft.title = draft.location = None
    draft.starts_at = None
    return _ask(draft)


async def _live_draft(ctx: Context) -> EventDraft | None:
    """The member's draft, unless half an hour of silence has ended it."""
    draft = await ctx.session.get(EventDraft, ctx.member.id)
    if draft is not None and ctx.now - as_utc(draft.asked_at) > SILENCE:
        await ctx.session.delete(draft)
        return None
    return draft


async def _answer(ctx: Context, draft: EventDraft, text: str) -> list[Reply]:
    """Take ``text`` as the answer to the draft's step: the next question, the same one
    again with what was wrong, or the event created after the last."""
    try:
        if draft.step == "kind":
            draft.kind, draft.step = kind_of(text), "title"
        elif draft.step == "title":
            draft.title, draft.step = text[:200], "start"
        elif draft.step == "start":
            draft.starts_at, draft.step = start_of(text, draft.timezone, ctx.now), "place"
        elif draft.step == "place":
            draft.location, draft.step = text or None, "capacity"
        else:
            return await _finish(ctx, draft, capacity_of(text) if text else None)
    except Refusal as refusal:
        draft.asked_at = ctx.now
        return [_ask(draft, refusal)]
    draft.asked_at = ctx.now
    return [_ask(draft)]


async def _finish(ctx: Context, draft: EventDraft, capacity: int | None) -> list[Reply]:
    assert draft.kind and draft.title and draft.starts_at
    if as_utc(draft.starts_at) <= ctx.now:
        draft.step, draft.asked_at = "start", ctx.now
        return [_ask(draft, Refusal("past"))]
    await ctx.session.delete(draft)
    if not may_organise(ctx):
        return [_private("not_organiser", own=False, ref="")]
    event = Draft(
        kind=draft.kind,
        title=draft.title,
        starts_at=as_utc(draft.starts_at),
        duration=DEFAULT_DURATION,
        timezone=draft.timezone,
        capacity=capacity,
        location=draft.location,
    )
    return await publish(ctx, event)


@registry.on(EventKind.MESSAGE)
async def answered(ctx: Context) -> list[Reply] | None:
    """A DM while a draft waits is its next answer ("cancel" ends it)."""
    if not ctx.place.is_dm:
        return None
    draft = await _live_draft(ctx)
    if draft is None:
        return None
    text = ctx.event.text.strip()
    if text.lower() in STOP_WORDS:
        await ctx.session.delete(draft)
        return [_private("draft_cancelled")]
    return await _answer(ctx, draft, text)


@registry.action(KIND_ACTION)
async def kind_chosen(ctx: Context, arg: str) -> list[Reply]:
    draft = await _live_draft(ctx)
    if draft is None or draft.step != "kind" or arg not in KINDS:
        return [Reply("core/stale_button", visibility=Visibility.PRIVATE)]
    return await _answer(ctx, draft, arg)


@registry.action(SKIP_ACTION)
async def skipped(ctx: Context, arg: str) -> list[Reply]:
    draft = await _live_draft(ctx)
    if draft is None or draft.step not in OPTIONAL_STEPS:
        return [Reply("core/stale_button", visibility=Visibility.PRIVATE)]
    return await _answer(ctx, draft, "")


@registry.action(QUIT_ACTION)
async def quit_draft(ctx: Context, arg: str) -> Reply:
    draft = await ctx.session.get(EventDraft, ctx.member.id)
    if draft is not None:
        await ctx.session.delete(draft)
    return _private("draft_cancelled")
