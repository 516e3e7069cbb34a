"""Messages the core starts itself: a DM to a member, or a post to a known place.

Handlers, sweeps and services all queue through here, so every such message is rendered in
the recipient's language for their platform and lands in the outbox in the caller's
transaction. Whoever owns the transaction (the router for an event, the sweeper for a sweep)
commits it, then calls ``kick_if_queued`` so the dispatcher sends without waiting for its next
poll.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.events import (
    OutgoingMessage,
    Place,
    Platform,
    RenderedButton,
    Reply,
    RoleChange,
    ScheduledEvent,
    Visibility,
)
from core.members import service as members
from core.members.models import Identity, Member
from core.outbox import enqueue, enqueue_many
from core.render import Renderer
from core.settings import Settings

log = logging.getLogger(__name__)

QUEUED = "townhall.queued"
"""Set in a session's ``info`` once a row is queued in it: the dispatcher is woken after the
commit only when there is something to send."""


ROLE_PLATFORMS = frozenset({Platform.DISCORD})
"""Where members have roles a bot can give: Telegram has none (only admins' titles)."""


class Notifier:
    def __init__(self, settings: Settings, renderer: Renderer, clock: Clock) -> None:
        self._settings = settings
        self._renderer = renderer
        self._clock = clock
        self._on_enqueued: Callable[[], None] = lambda: None

    def on_enqueued(self, callback: Callable[[], None]) -> None:
        """Who to wake once queued rows are committed (the dispatcher)."""
        self._on_enqueued = callback

    def kick_if_queued(self, session: AsyncSession) -> None:
        """After the commit: wake the dispatcher if this transaction queued anything."""
        if session.info.pop(QUEUED, False):
            self._on_enqueued()

    def buttons(self, reply: Reply, locale: str) -> tuple[RenderedButton, ...]:
        return tuple(
            RenderedButton(
                label=self._renderer.translate(b.label_key, locale) if b.label_key else b.label,
                data=b.data,
            )
            for b in reply.buttons
        )

    async def to_member(
        self,
        session: AsyncSession,
        member_id: int,
        reply: Reply,
        key: str,
        *,
        unsolicited: bool = False,
    ) -> bool:
        """Queue a DM on the member's preferred, reachable platform, in their language.

        ``unsolicited`` marks news the member did not ask for (a status change, a win-back);
        members who opted out of DMs do not get those. Answers to their own requests (a staff
        reply on their ticket) still go.

        False when nothing was queued: opted out, no reachable account, or ``key`` was queued
        before.
        """
        member = await session.get_one(Member, member_id)
        if unsolicited and member.dm_opt_out:
            return False
        identity = members.dm_identity(member)
        if identity is None:
            log.info("member %s has no reachable account; %s not queued", member_id, key)
            return False
        return await self._dm(session, member, identity, reply, key)

    async def to_identity(
        self, session: AsyncSession, identity_id: int, reply: Reply, key: str
    ) -> bool:
        """Queue a DM to one account whatever the member prefers (e.g. "you were linked")."""
        identity = await session.get_one(Identity, identity_id)
        member = await session.get_one(Member, identity.member_id)
        return await self._dm(session, member, identity, reply, key)

    async def _dm(
        self, session: AsyncSession, member: Member, identity: Identity, reply: Reply, key: str
    ) -> bool:
        message = self.message(
            reply,
            Platform(identity.platform),
            languages=(member.locale, member.seen_locale),
            user_id=identity.platform_user_id,
            dm_chat_id=identity.dm_chat_id,
            visibility=Visibility.PRIVATE,
        )
        return await self._queue(session, message, key, member.id)

    async def to_place(self, session: AsyncSession, place: Place, reply: Reply, key: str) -> bool:
        """Queue a public post in a channel, group or thread (a staff channel, a ticket thread),
        or with ``edit_message_id`` an edit of one posted there before (an event's card)."""
        return await self._queue(session, self._public(reply, place), key, None)

    def _public(self, reply: Reply, place: Place) -> OutgoingMessage:
        return self.message(
            reply,
            place.platform,
            chat_id=place.chat_id,
            thread_id=place.thread_id,
            visibility=Visibility.PUBLIC,
            reply_to_id=reply.reply_to_id,
            edit_message_id=reply.edit_message_id,
        )

    async def schedule(
        self,
        session: AsyncSession,
        place: Place,
        description: Reply,
        event: ScheduledEvent,
        key: str,
        *,
        refused: tuple[str, Place, Reply] | None = None,
    ) -> bool:
        """Queue creating, changing or cancelling a Discord Scheduled Event in the server of
        ``place`` (an announce channel), ``description`` rendered as its text. Like a role
        change, a refusal (the bot lacks Manage Events) is not retried: ``refused`` (a key,
        a staff place and what to tell it) is queued once under its key, however many are
        refused."""
        report = None
        if refused is not None:
            report_key, staff, warning = refused
            report = (report_key, self._public(warning, staff))
        message = replace(self._public(description, place), scheduled=event, if_refused=report)
        return await self._queue(session, message, key, None)

    async def change_roles(
        self,
        session: AsyncSession,
        member_id: int,
        *,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        key: str,
        report_to: Place | None = None,
    ) -> int:
        """Queue giving the member the roles ``add`` and taking ``remove`` (the platform's role
        ids) on each of their accounts on a platform with roles; the outbox carries it out like
        a message, so it survives a restart and ``key`` keeps it from being done twice.

        If the platform refuses (the bot lacks Manage Roles, or the role sits above the bot's),
        the change is not retried and ``report_to`` (a staff place) is told once for these
        roles, however many changes are refused.

        Returns how many accounts a change was queued for (0 without a Discord account).
        """
        member = await session.get_one(Member, member_id)
        touched = sorted({*add, *remove})
        report = None
        if report_to is not None:
            warning = self._public(
                Reply("core/roles_refused", {"name": member.display_name, "roles": touched}),
                report_to,
            )
            report = (f"roles-refused:{','.join(touched)}", warning)
        queued = 0
        for identity in member.identities:
            platform = Platform(identity.platform)
            if platform not in ROLE_PLATFORMS or not (add or remove):
                continue
            change = OutgoingMessage(
                platform=platform,
                text="",
                key="core/roles",
                roles=RoleChange(identity.platform_user_id, tuple(add), tuple(remove)),
                if_refused=report,
            )
            queued += await self._queue(session, change, f"{key}:{identity.id}", member.id)
        return queued

    async def _queue(
        self, session: AsyncSession, message: OutgoingMessage, key: str, member_id: int | None
    ) -> bool:
        queued = await enqueue(
            session, message, key=key, now=self._clock.now(), member_id=member_id
        )
        if queued:
            session.info[QUEUED] = True
        return queued

    async def queue_many(
        self, session: AsyncSession, messages: Sequence[tuple[str, OutgoingMessage, int | None]]
    ) -> int:
        """Queue ``(key, message, member_id)`` made with ``message``, in one statement: a
        sweep writing to thousands of members at once. Returns how many were new."""
        queued = await enqueue_many(session, messages, now=self._clock.now())
        if queued:
            session.info[QUEUED] = True
        return queued

    def message(
        self,
        reply: Reply,
        platform: Platform,
        *,
        visibility: Visibility,
        languages: Iterable[str | None] = (),
        chat_id: str | None = None,
        user_id: str | None = None,
        thread_id: str | None = None,
        reply_to_id: str | None = None,
        edit_message_id: str | None = None,
        dm_chat_id: str | None = None,
    ) -> OutgoingMessage:
        """The one place a Reply becomes an OutgoingMessage: the three ways out (back where
        the event happened, a member's DM, a place) differ only in address and language.

        Its language is the first known of: the reply's own, the recipient's ``languages``
        (most specific first), the community's default.
        """
        chosen = (reply.locale, *languages, self._settings.locale.default)
        locale = next(language for language in chosen if language)
        return OutgoingMessage(
            platform=platform,
            text=self._renderer.render(
                reply.template, reply.context, platform=platform, locale=locale
            ),
            chat_id=chat_id,
            user_id=user_id,
            thread_id=thread_id,
            dm_chat_id=dm_chat_id,
            buttons=self.buttons(reply, locale),
            visibility=visibility,
            reply_to_id=reply_to_id,
            edit_message_id=edit_message_id,
            attachments=reply.attachments,
            key=reply.template,
        )
