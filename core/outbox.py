"""Every outgoing message that must not be lost or doubled is a row here first.

A row is written in the same transaction as the change that caused it, under an idempotency
key, so a retried sweep or a double press cannot queue it twice. The dispatcher
(core/dispatcher.py) sends pending rows and records what the platform answered.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import JSON, Index, String, Text, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.events import (
    Attachment,
    OutgoingMessage,
    Platform,
    Receipt,
    RenderedButton,
    RoleChange,
    ScheduledEvent,
    Visibility,
)
from core.ratelimit import Limit, Pacing


class Sender(Protocol):
    """What the dispatcher needs of an adapter: its limits, and a way to send."""

    platform: Platform
    pacing: Pacing

    def rate_keys(self, message: OutgoingMessage) -> Sequence[tuple[str, Limit]]:
        """The per-chat (and per-group) windows this message counts against."""
        ...

    async def send(self, message: OutgoingMessage) -> Receipt: ...


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int | None]
    chat_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


def to_payload(message: OutgoingMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "text": message.text,
        "key": message.key,
        "thread_id": message.thread_id,
        "buttons": [[b.label, b.data] for b in message.buttons],
        "visibility": message.visibility.value,
        "reply_to_id": message.reply_to_id,
        "edit_message_id": message.edit_message_id,
        "dm_chat_id": message.dm_chat_id,
        "attachments": [
            [a.filename, a.mime_type, base64.b64encode(a.content).decode()]
            for a in message.attachments
        ],
    }
    if message.roles is not None:
        change = message.roles
        payload["roles"] = [change.user_id, list(change.add), list(change.remove)]
    if message.scheduled is not None:
        event = message.scheduled
        payload["scheduled"] = {
            "name": event.name,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
            "location": event.location,
            "discord_id": event.discord_id,
            "cancelled": event.cancelled,
        }
    if message.if_refused is not None:
        key, report = message.if_refused
        payload["if_refused"] = {
            "key": key,
            "platform": report.platform.value,
            "chat_id": report.chat_id,
            "user_id": report.user_id,
            "payload": to_payload(report),
        }
    return payload


def from_payload(
    platform: Platform, chat_id: str | None, user_id: str | None, payload: dict[str, Any]
) -> OutgoingMessage:
    roles = payload.get("roles")
    refused = payload.get("if_refused")
    scheduled = payload.get("scheduled")
    return OutgoingMessage(
        platform=platform,
        text=payload["text"],
        key=payload.get("key", ""),
        chat_id=chat_id,
        user_id=user_id,
        thread_id=payload.get("thread_id"),
        buttons=tuple(RenderedButton(label, data) for label, data in payload["buttons"]),
        visibility=Visibility(payload["visibility"]),
        reply_to_id=payload.get("reply_to_id"),
        edit_message_id=payload.get("edit_message_id"),
        dm_chat_id=payload.get("dm_chat_id"),
        attachments=tuple(
            Attachment(name, base64.b64decode(content), mime)
            for name, mime, content in payload.get("attachments", [])
        ),
        roles=RoleChange(roles[0], tuple(roles[1]), tuple(roles[2])) if roles else None,
        scheduled=ScheduledEvent(
            **scheduled
            | {
                "starts_at": datetime.fromisoformat(scheduled["starts_at"]),
                "ends_at": datetime.fromisoformat(scheduled["ends_at"]),
            }
        )
        if scheduled
        else None,
        if_refused=(
            refused["key"],
            from_payload(
                Platform(refused["platform"]),
                refused["chat_id"],
                refused["user_id"],
                refused["payload"],
            ),
        )
        if refused
        else None,
    )


def from_row(row: OutboxMessage) -> OutgoingMessage:
    return from_payload(Platform(row.platform), row.chat_id, row.user_id, row.payload)


async def enqueue(
    session: AsyncSession,
    message: OutgoingMessage,
    *,
    key: str,
    now: datetime,
    member_id: int | None = None,
) -> bool:
    """Queue ``message`` unless a row with ``key`` exists. Flushes; the caller commits.

    Returns whether a row was added.
    """
    return await enqueue_many(session, [(key, message, member_id)], now=now) == 1


async def enqueue_many(
    session: AsyncSession,
    messages: Sequence[tuple[str, OutgoingMessage, int | None]],
    *,
    now: datetime,
) -> int:
    """Queue ``(key, message, member_id)`` triples whose keys are not queued yet, with one
    lookup for the lot: a sweep queueing thousands of reminders. Flushes; the caller commits.

    Returns how many rows were added.
    """
    keys = [key for key, _, _ in messages]
    existing = set(
        await session.scalars(
            select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(keys))
        )
    )
    fresh = {
        key: (message, member_id) for key, message, member_id in messages if key not in existing
    }
    if fresh:
        # One executemany on the connection, without the ORM's work per row: a sweep may
        # queue a hundred thousand.
        connection = await session.connection()
        await connection.execute(
            insert(OutboxMessage),
            [
                {
                    "idempotency_key": key,
                    "platform": message.platform.value,
                    "member_id": member_id,
                    "chat_id": message.chat_id,
                    "user_id": message.user_id,
                    "payload": to_payload(message),
                    "status": OutboxStatus.PENDING.value,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for key, (message, member_id) in fresh.items()
            ],
        )
    await session.flush()
    return len(fresh)
