"""A member's arrival and first steps: the welcome with its checklist, ``/onboarding``, and
the sweeps that tick it, finish it and nudge; the daily sweep of every member's stage.

The router writes every event, leaves included, to the activity log; nothing is said when
someone leaves.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Context, Services
from core.events import EventKind, Reply, Visibility
from core.features.experiments.service import ExperimentsService
from core.features.lifecycle import onboarding, stages
from core.features.lifecycle.liked import LIKED
from core.features.lifecycle.service import welcome_key, welcome_place
from core.features.lifecycle.settings import (
    LifecycleSettings,
    OnboardingSettings,
    WelcomeSettings,
)
from core.features.recommendations.service import RecommendationsService
from core.features.reputation import earning, rules
from core.features.reputation.settings import ReputationSettings
from core.members import service as members
from core.registry import Registry

registry = Registry("lifecycle")


@registry.on(EventKind.MEMBER_JOINED)
async def welcome(ctx: Context) -> Reply | None:
    """In the member's language: by DM to a member who takes unasked DMs, else where they
    joined; with the checklist when onboarding is on. A welcome experiment may word it
    otherwise, or hold the member out (no welcome)."""
    settings = ctx.services.settings.section(OnboardingSettings)
    context: dict[str, object] = {"name": ctx.actor.display_name, "tasks": []}
    if settings.enabled:
        await onboarding.start(ctx.session, ctx.member.id, ctx.place, ctx.now)
        done = await onboarding.progress(ctx.session, settings, [ctx.member.id], ctx.now)
        context["tasks"] = onboarding.checklist(settings, done[ctx.member.id])
    recommendations = ctx.services.get(RecommendationsService)
    context["liked"] = await recommendations.for_member(
        ctx.session, ctx.member.id, LIKED, locale=ctx.locale
    )
    if members.allows_unasked_dms(ctx.member):
        key = f"welcome:{ctx.member.id}:dm"
        reply = Reply(
            "lifecycle/welcome",
            context,
            to_member=ctx.member.id,
            locale=ctx.locale,
            idempotency_key=key,
        )
    else:
        place = welcome_place(ctx.place, ctx.services.settings.section(WelcomeSettings))
        if place is None:
            return None
        key = welcome_key(ctx.member.id, ctx.place)
        reply = Reply(
            "lifecycle/welcome", context, to_place=place, locale=ctx.locale, idempotency_key=key
        )
    experiments = ctx.services.get(ExperimentsService)
    return await experiments.decide(ctx.session, ctx.member.id, "welcome", reply, key)


@registry.command("onboarding")
async def show_onboarding(ctx: Context) -> list[Reply]:
    """Your newcomer's checklist, with what you have done ticked."""
    settings = ctx.services.settings.section(OnboardingSettings)
    await ctx.services.activity.flush()
    row = await onboarding.start(ctx.session, ctx.member.id, ctx.place, ctx.now)
    done = (await onboarding.progress(ctx.session, settings, [ctx.member.id], ctx.now))[
        ctx.member.id
    ]
    replies = [
        Reply(
            "lifecycle/onboarding",
            {
                "tasks": onboarding.checklist(settings, done),
                "done": sum(1 for task in settings.tasks if task in done),
                "finished": onboarding.finished(settings, done),
                "enabled": settings.enabled,
            },
            visibility=Visibility.PRIVATE,
        )
    ]
    if settings.enabled and onboarding.finished(settings, done):
        here = await onboarding.finish(ctx.services, ctx.session, row, ctx.now)
        if here is not None:
            replies.append(here)
    return replies


async def _thanked(ctx: Context) -> None:
    settings = ctx.services.settings.section(OnboardingSettings)
    if settings.enabled and "thanks" in settings.tasks:
        await onboarding.mark(ctx.session, ctx.member.id, "thanks", ctx.now)


@registry.on(EventKind.MESSAGE)
async def thank_you_message(ctx: Context) -> None:
    """A thank-you to someone ticks "thank someone" even when it earns them nothing (a
    newcomer's thanks do not count for points yet)."""
    if not rules.is_thanks(ctx.event.text) or ctx.place.is_dm:
        return
    author = await earning.author_of(ctx.session, ctx.place, ctx.event.reply_to_id)
    if (author is not None and author != ctx.member.id) or rules.named(ctx.event.text):
        await _thanked(ctx)


@registry.on(EventKind.REACTION)
async def thank_you_reaction(ctx: Context) -> None:
    thanking = ctx.services.settings.section(ReputationSettings).thanks_reactions
    if ctx.event.emoji.replace("\ufe0f", "") not in {e.replace("\ufe0f", "") for e in thanking}:
        return
    author = await earning.author_of(ctx.session, ctx.place, ctx.event.message_id)
    if author is not None and author != ctx.member.id:
        await _thanked(ctx)


@registry.sweep("onboarding.progress", every=timedelta(minutes=1))
async def tick_checklists(services: Services, session: AsyncSession) -> int:
    return await onboarding.notice(services, session)


@registry.sweep("onboarding.nudges", every=timedelta(minutes=15))
async def nudge(services: Services, session: AsyncSession) -> int:
    return await onboarding.nudge_due(services, session)


@registry.sweep("lifecycle.stages", every=timedelta(hours=1))
async def place_members(services: Services, session: AsyncSession) -> int:
    """Each whole day once: the hourly tick finds nothing to do until a day has ended."""
    await services.activity.flush()
    settings = services.settings.section(LifecycleSettings)
    return await stages.sweep(session, settings, services.clock.now())
