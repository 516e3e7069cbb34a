"""Chat surface of the FAQ: /ask, answers in DMs, mentions and help channels, 👍/👎, /faq."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Context, Services
from core.events import Button, EventKind, Reply, Role, Visibility
from core.features.faq.entries import KBEntry
from core.features.faq.models import AnswerLog
from core.features.faq.review_handlers import dislike_notice, moderator_reply
from core.features.faq.service import Answer, FaqService, looks_like_question
from core.features.faq.settings import FaqSettings
from core.features.faq.small_talk import kind as small_talk
from core.features.tickets import opening as tickets
from core.i18n import N_
from core.locale import SUPPORTED
from core.locale import of_text as language_of
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("faq")

LIST_PAGE = 25


def _answer_reply(entry: KBEntry, log_id: int) -> Reply:
    return Reply(
        "faq/answer",
        {"entry": entry},
        buttons=(
            Button("faq.vote", f"{log_id}:up", label_key=N_("👍 Helpful")),
            Button("faq.vote", f"{log_id}:down", label_key=N_("👎 Not helpful")),
        ),
        locale=entry.locale,
    )


def _declined_reply(ctx: Context, question: str, answer: Answer) -> Reply:
    faq = ctx.services.get(FaqService)
    topics = [entry for entry_id in answer.topics if (entry := faq.public_entry(entry_id))]
    buttons = [
        Button("faq.topic", f"{answer.log_id}:{n}", label=entry.title[:80])
        for n, entry in enumerate(topics)
    ]
    buttons.append(Button("faq.human", str(answer.log_id), label_key=N_("🙋 Ask a human")))
    return Reply(
        "faq/declined",
        {"question": question, "topics": topics},
        buttons=tuple(buttons),
        locale=answer.locale,
    )


async def _respond(ctx: Context, question: str, *, unsolicited: bool = False) -> Reply | None:
    settings = ctx.services.settings.section(FaqSettings)
    question = question.strip()
    if not question:
        return Reply("faq/empty_question", visibility=Visibility.PRIVATE)
    if chat := small_talk(question):
        return None if unsolicited else Reply(f"faq/{chat}", locale=language_of(question))
    if len(question) > settings.max_question_length:
        if unsolicited:
            return None
        return Reply(
            "faq/too_long",
            {"length": len(question), "limit": settings.max_question_length},
            locale=language_of(question),
        )
    answer = await ctx.services.get(FaqService).answer(
        ctx.session,
        question,
        member_id=ctx.member.id,
        platform=ctx.place.platform.value,
        now=ctx.now,
        min_confidence=settings.auto_answer_min_confidence if unsolicited else None,
        message_id=ctx.event.message_id,
        chat_id=ctx.place.chat_id,
    )
    if answer.entry is not None:
        return _answer_reply(answer.entry, answer.log_id)
    return None if unsolicited else _declined_reply(ctx, question, answer)


@registry.command("ask", ArgSpec("question", ArgType.TEXT))
async def ask(ctx: Context, question: str) -> Reply | None:
    """Ask the knowledge base a question."""
    return await _respond(ctx, question)


@registry.on(EventKind.MESSAGE)
async def on_message(ctx: Context) -> Reply | None:
    """DMs and mentions are always answered; help channels only when the bot is confident."""
    taught = await moderator_reply(ctx)
    if taught is not None:
        return taught
    text = ctx.event.text
    if ctx.place.is_dm or ctx.event.mentions_bot:
        return await _respond(ctx, text)
    place = f"{ctx.place.platform.value}:{ctx.place.chat_id}"
    if place in ctx.services.settings.section(FaqSettings).help_channels and looks_like_question(
        text
    ):
        return await _respond(ctx, text, unsolicited=True)
    return None


async def _own_log(ctx: Context, raw_id: str) -> AnswerLog | None:
    log = await ctx.session.get(AnswerLog, int(raw_id)) if raw_id.isdigit() else None
    return log if log is not None and log.member_id == ctx.member.id else None


def _in_question_language(ctx: Context, log: AnswerLog, replies: list[Reply]) -> list[Reply]:
    """A button press carries no text to tell a language by: unless the member chose one,
    what follows an answer speaks the language its question was asked in (not staff's)."""
    if ctx.member.locale:
        return replies
    return [
        replace(r, locale=log.locale) if r.to_place is None and r.locale is None else r
        for r in replies
    ]


@registry.action("faq.vote")
async def vote(ctx: Context, arg: str) -> list[Reply]:
    raw_id, _, choice = arg.partition(":")
    log = await ctx.services.get(FaqService).vote(
        ctx.session, int(raw_id) if raw_id.isdigit() else -1, ctx.member.id, choice, ctx.now
    )
    if log is None:
        return [Reply("faq/not_your_answer", visibility=Visibility.PRIVATE)]
    buttons = (
        ()
        if choice == "up"
        else (Button("faq.human", str(log.id), label_key=N_("🙋 Ask a human")),)
    )
    voted = Reply("faq/voted", {"vote": choice}, buttons=buttons, visibility=Visibility.PRIVATE)
    replies = _in_question_language(ctx, log, [voted])
    notice = dislike_notice(ctx, log) if choice == "down" else None
    return [*replies, notice] if notice is not None else replies


@registry.action("faq.topic")
async def topic(ctx: Context, arg: str) -> Reply:
    raw_id, _, index = arg.partition(":")
    log = await _own_log(ctx, raw_id)
    if log is None or not index.isdigit() or int(index) >= len(log.suggestions):
        return Reply("faq/not_your_answer", visibility=Visibility.PRIVATE)
    faq = ctx.services.get(FaqService)
    entry = faq.public_entry(log.suggestions[int(index)])
    if entry is None:
        return Reply(
            "faq/not_found",
            {"entry_id": log.suggestions[int(index)]},
            visibility=Visibility.PRIVATE,
        )
    log_id = await faq.log_shown(
        ctx.session,
        entry,
        member_id=ctx.member.id,
        platform=ctx.place.platform.value,
        now=ctx.now,
        parent_id=log.id,
    )
    return _in_question_language(ctx, log, [_answer_reply(entry, log_id)])[0]


@registry.action("faq.human")
async def ask_human(ctx: Context, arg: str) -> list[Reply]:
    """The member wants a person: a ticket opens with the question and what the bot offered,
    and the question also waits for moderators in /faq health."""
    log = await _own_log(ctx, arg)
    if log is None:
        return [Reply("faq/not_your_answer", visibility=Visibility.PRIVATE)]
    if log.escalated_at is None:
        log.escalated_at = ctx.now
    faq = ctx.services.get(FaqService)
    shown = [e.title for s in log.suggestions if (e := faq.public_entry(s))]
    asker = ctx if ctx.member.locale else replace(ctx, locale=log.locale)
    rejected = faq.find(log.entry_id, log.locale) if log.vote == "down" and log.entry_id else None
    opened = await tickets.from_declined_answer(
        asker, log.question, log.id, shown, rejected=rejected
    )
    return _in_question_language(ctx, log, opened)


ENTRY_ID = ArgSpec("entry_id", ArgType.WORD, autocomplete="faq_entries")


@registry.command(
    "faq add",
    ArgSpec("question", ArgType.TEXT),
    ArgSpec("answer", ArgType.TEXT),
    min_role=Role.MODERATOR,
)
async def faq_add(ctx: Context, question: str, answer: str) -> Reply:
    """Add an answer to the knowledge base."""
    faq = ctx.services.get(FaqService)
    locale = language_of(question) or "en"
    entry = KBEntry(
        id=faq.free_id(question, locale),
        title=question[:300],
        questions=(),
        answer=answer,
        locale=locale,
        source="db",
    )
    await faq.save(ctx.session, entry, ctx.member.id, ctx.now)
    ctx.after_commit(faq.reload)
    return Reply("faq/saved", {"entry": entry, "created": True})


@registry.command("faq edit", ENTRY_ID, ArgSpec("answer", ArgType.TEXT), min_role=Role.MODERATOR)
async def faq_edit(ctx: Context, entry_id: str, answer: str) -> Reply:
    """Replace the answer of an entry."""
    faq = ctx.services.get(FaqService)
    entry = faq.find(entry_id, ctx.locale)
    if entry is None:
        return Reply("faq/not_found", {"entry_id": entry_id}, visibility=Visibility.PRIVATE)
    updated = KBEntry(entry.id, entry.title, entry.questions, answer, entry.locale, entry.tags)
    await faq.save(ctx.session, updated, ctx.member.id, ctx.now)
    ctx.after_commit(faq.reload)
    return Reply("faq/saved", {"entry": updated, "created": False})


@registry.command("faq remove", ENTRY_ID, min_role=Role.MODERATOR)
async def faq_remove(ctx: Context, entry_id: str) -> Reply:
    """Remove an entry from the answers the bot gives."""
    faq = ctx.services.get(FaqService)
    entry = faq.find(entry_id, ctx.locale)
    if entry is None:
        return Reply("faq/not_found", {"entry_id": entry_id}, visibility=Visibility.PRIVATE)
    await faq.remove(ctx.session, entry, ctx.member.id, ctx.now)
    ctx.after_commit(faq.reload)
    return Reply("faq/removed", {"entry": entry})


@registry.command(
    "faq list",
    ArgSpec("locale", ArgType.CHOICE, required=False, choices=tuple(s.lower() for s in SUPPORTED)),
    ArgSpec("page", ArgType.INTEGER, required=False),
    min_role=Role.MODERATOR,
)
async def faq_list(ctx: Context, locale: str | None = None, page: int = 1) -> Reply:
    """List the knowledge base's entries."""
    chosen = next((s for s in SUPPORTED if s.lower() == locale), None) if locale else ctx.locale
    entries = ctx.services.get(FaqService).entries(chosen)
    pages = max(1, -(-len(entries) // LIST_PAGE))
    page = min(max(page, 1), pages)
    shown = entries[(page - 1) * LIST_PAGE : page * LIST_PAGE]
    return Reply(
        "faq/list",
        {
            "entries": shown,
            "page": page,
            "pages": pages,
            "total": len(entries),
            "list_locale": chosen,
        },
        visibility=Visibility.PRIVATE,
    )


@registry.command("faq show", ENTRY_ID, min_role=Role.MODERATOR)
async def faq_show(ctx: Context, entry_id: str) -> Reply:
    """Show an entry with all its phrasings."""
    entry = ctx.services.get(FaqService).find(entry_id, ctx.locale)
    if entry is None:
        return Reply("faq/not_found", {"entry_id": entry_id}, visibility=Visibility.PRIVATE)
    return Reply("faq/show", {"entry": entry}, visibility=Visibility.PRIVATE)


@registry.command("faq reload", min_role=Role.MODERATOR)
async def faq_reload(ctx: Context) -> Reply:
    """Read the knowledge files again after editing them."""
    report = await ctx.services.get(FaqService).reload()
    return Reply(
        "faq/reloaded",
        {
            "count": report.entries,
            "problems": [str(p) for p in report.problems[:10]],
            "problem_count": len(report.problems),
        },
        visibility=Visibility.PRIVATE,
    )


@registry.sweep("faq.files", every=timedelta(seconds=30))
async def reload_changed_files(services: Services, session: AsyncSession) -> int:
    """Knowledge files edited on disk are picked up without a restart."""
    return int(await services.get(FaqService).reload_if_files_changed())
