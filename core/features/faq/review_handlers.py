"""Moderators teaching the FAQ from chat: answering missed questions, deciding suggestions,
and seeing which entries members dislike.

"""

from __future__ import annotations

from core.context import Context
from core.events import Button, Reply, Role, Visibility
from core.features.faq import review
from core.features.faq.models import AnswerLog
from core.features.faq.service import FaqService
from core.features.faq.settings import FaqSettings
from core.i18n import N_
from core.places import configured_place
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("faq")

SUGGESTIONS_PAGE = 8
"""Three buttons each stay within Discord's 25 per message."""

AWAITING_SHOWN = 10


def dislike_notice(ctx: Context, log: AnswerLog) -> Reply | None:
    """Tell the review place once per answer that a member marked it 👎."""
    configured = ctx.services.settings.section(FaqSettings).review_place
    if configured is None:
        return None
    return Reply(
        "faq/disliked_notice",
        {"log": log},
        buttons=(Button("faq.answer_hint", str(log.id), label_key=N_("✍️ Answer this")),),
        to_place=configured_place(configured),
        idempotency_key=f"faq.disliked:{log.id}",
    )


async def moderator_reply(ctx: Context) -> Reply | None:
    """A moderator replying to a missed question answers it, on any platform.

    None when the message is not such a reply; the FAQ's message handler asks first, so the
    reply is never taken as a question for the bot.
    """
    event = ctx.event
    if ctx.actor.role < Role.MODERATOR or not event.reply_to_id or not event.text.strip():
        return None
    log = await review.log_asked_by_message(
        ctx.session, ctx.place.platform.value, ctx.place.chat_id, event.reply_to_id
    )
    if log is None or not review.needs_answer(log):
        return None
    suggestion, created = await review.capture_answer(
        ctx.session,
        ctx.services.get(FaqService),
        log,
        text=event.text.strip(),
        moderator_id=ctx.member.id,
        now=ctx.now,
    )
    return Reply(
        "faq/suggestion_noted",
        {"suggestion": suggestion, "member_told": False, "created": created},
        visibility=Visibility.PRIVATE,
    )


@registry.command(
    "faq answer",
    ArgSpec("question_id", ArgType.INTEGER),
    ArgSpec("answer", ArgType.TEXT),
    min_role=Role.MODERATOR,
)
async def faq_answer(ctx: Context, question_id: int, answer: str) -> list[Reply]:
    """Answer a question the bot missed; the member gets it by DM."""
    log = await ctx.session.get(AnswerLog, question_id)
    if log is None:
        return [
            Reply(
                "faq/no_such_question",
                {"question_id": question_id},
                visibility=Visibility.PRIVATE,
            )
        ]
    faq = ctx.services.get(FaqService)
    suggestion, created = await review.capture_answer(
        ctx.session, faq, log, text=answer.strip(), moderator_id=ctx.member.id, now=ctx.now
    )
    replies = []
    member_told = created and log.member_id is not None
    if member_told and log.member_id is not None:
        replies.append(
            Reply(
                "faq/moderator_answer",
                {
                    "question": suggestion.question,
                    "answer": review.answer_for_member(faq, suggestion),
                },
                to_member=log.member_id,
                idempotency_key=f"faq.answer:{log.id}",
                locale=log.locale,
            )
        )
    replies.append(
        Reply(
            "faq/suggestion_noted",
            {"suggestion": suggestion, "member_told": member_told, "created": created},
            visibility=Visibility.PRIVATE,
        )
    )
    return replies


@registry.action("faq.answer_hint", min_role=Role.MODERATOR)
async def answer_hint(ctx: Context, arg: str) -> Reply:
    return Reply("faq/answer_hint", {"question_id": arg}, visibility=Visibility.PRIVATE)


@registry.command("faq suggestions", min_role=Role.MODERATOR)
async def faq_suggestions(ctx: Context) -> Reply:
    """Review questions proposed for the knowledge base."""
    shown, total = await review.pending(ctx.session, SUGGESTIONS_PAGE)
    buttons: list[Button] = []
    for suggestion in shown:
        ref = str(suggestion.id)
        buttons.append(Button("faq.accept", ref, label=f"✅ {ref}"))
        if suggestion.entry_id is not None and suggestion.answer:
            buttons.append(Button("faq.accept_new", ref, label=f"➕ {ref}"))
        buttons.append(Button("faq.reject", ref, label=f"❌ {ref}"))
    return Reply(
        "faq/suggestions",
        {"suggestions": shown, "total": total},
        buttons=tuple(buttons),
        visibility=Visibility.PRIVATE,
    )


async def _decide(ctx: Context, arg: str, *, accept: bool, as_new_entry: bool = False) -> Reply:
    faq = ctx.services.get(FaqService)
    decision = await review.decide(
        ctx.session,
        faq,
        int(arg) if arg.isdigit() else -1,
        accept=accept,
        as_new_entry=as_new_entry,
        moderator_id=ctx.member.id,
        now=ctx.now,
    )
    if decision.entry is not None:
        ctx.after_commit(faq.reload)
    return Reply(
        "faq/decided",
        {
            "outcome": decision.outcome.value,
            "suggestion": decision.suggestion,
            "entry": decision.entry,
        },
        visibility=Visibility.PRIVATE,
    )


@registry.action("faq.accept", min_role=Role.MODERATOR)
async def accept(ctx: Context, arg: str) -> Reply:
    return await _decide(ctx, arg, accept=True)


@registry.action("faq.accept_new", min_role=Role.MODERATOR)
async def accept_new(ctx: Context, arg: str) -> Reply:
    return await _decide(ctx, arg, accept=True, as_new_entry=True)


@registry.action("faq.reject", min_role=Role.MODERATOR)
async def reject(ctx: Context, arg: str) -> Reply:
    return await _decide(ctx, arg, accept=False)


@registry.command("faq health", min_role=Role.MODERATOR)
async def faq_health(ctx: Context) -> Reply:
    """Entries members dislike or confuse, and missed questions to answer."""
    disliked = await review.disliked_entries(ctx.session, ctx.now)
    confusions = await review.confusions(ctx.session, ctx.now)
    awaiting = await review.awaiting_answer(ctx.session, ctx.now, AWAITING_SHOWN)
    return Reply(
        "faq/health",
        {
            "disliked": disliked,
            "confusions": confusions,
            "awaiting": awaiting,
            "days": review.HEALTH_WINDOW.days,
        },
        visibility=Visibility.PRIVATE,
    )
