"""/privacy export and forget: everything about a member out as JSON, or gone from every
table, while what others need stays without them."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import JSON, String, Text, func, select

from bot.features import discover, load_models
from bot.privacy_cli import run
from core.activity import ActivityEvent
from core.db.models import metadata
from core.events import Place, PlaceKind
from core.features.badges.models import MemberBadge
from core.features.events.models import Event, Rsvp
from core.features.experiments.models import ExperimentAssignment
from core.features.feedback.models import FeedbackItem, FeedbackVote
from core.features.reputation.models import RepEntry
from core.features.tickets import service as tickets
from core.features.tickets.models import Ticket, TicketMessage
from core.features.winback.models import WinbackMessage
from core.members.models import Identity, Member
from core.outbox import OutboxMessage
from core.privacy import PLACEHOLDER
from tests.conftest import make_settings
from tests.unit.chat import DC, TG, Chat

TRACES = ("zoraquill", "xylophonic", "quokka")
"""Her account id and name (``Zoraquill``, ``dm-zoraquill``) and words only she wrote."""


async def _ids(chat: Chat, *users: str) -> list[int]:
    async with chat.app.services.database.session() as session:
        return [
            await session.scalar(
                select(Identity.member_id).where(Identity.platform_user_id == user)
            )
            for user in users
        ]


async def _zora_everywhere(chat: Chat) -> tuple[int, int]:
    """Zora on both platforms, linked, with a question, a ticket, feedback, an RSVP, points,
    a badge, a win-back message, an experiment arm and a staff message quoting her."""
    code = (await chat.code(TG, "zoraquill")).strip()
    await chat.say(DC, "zoraquill", f"/link {code}")
    await chat.say(TG, "zoraquill", "how do I reset my xylophonic password?")
    await chat.say(TG, "ben", "hello")
    zora, ben = await _ids(chat, "zoraquill", "ben")
    now = chat.clock.now()
    async with chat.app.services.database.session() as session:
        ticket = Ticket(
            member_id=zora,
            subject="xylophonic printer",
            description="quokka jam",
            locale="en",
            platform="telegram",
            source="command",
            suggestions=[],
            status="open",
            priority="normal",
            tags=[],
            created_at=now,
        )
        session.add(ticket)
        await session.flush()
        session.add_all(
            [
                TicketMessage(
                    ticket_id=ticket.id,
                    author_id=zora,
                    author_name="Zoraquill",
                    from_staff=False,
                    text="the quokka jammed again",
                    at=now,
                ),
                TicketMessage(
                    ticket_id=ticket.id,
                    author_id=ben,
                    author_name="Ben",
                    from_staff=True,
                    text="Open the tray and pull gently.",
                    at=now,
                ),
            ]
        )
        await session.flush()
        ticket.transcript = tickets.transcript(ticket, await tickets.messages(session, ticket))
        backed = FeedbackItem(
            member_id=zora,
            category="feature",
            title="xylophonic themes",
            description="quokka colours",
            locale="en",
            status="open",
            created_at=now,
            updated_at=now,
        )
        alone = FeedbackItem(
            member_id=zora,
            category="feature",
            title="quokka mode",
            description="",
            locale="en",
            status="open",
            created_at=now,
            updated_at=now,
        )
        session.add_all([backed, alone])
        await session.flush()
        session.add(FeedbackVote(item_id=backed.id, member_id=ben, created_at=now))
        event = Event(
            kind="meetup",
            title="Ben's talk",
            starts_at=now,
            ends_at=now,
            timezone="UTC",
            locale="en",
            created_at=now,
            organiser_id=ben,
        )
        session.add(event)
        await session.flush()
        session.add_all(
            [
                Rsvp(
                    event_id=event.id,
                    member_id=zora,
                    status="going",
                    answered_at=now,
                    queued_at=now,
                    checked_in_at=now,
                    survey_score=5,
                    survey_comment="the quokka demo was great",
                ),
                RepEntry(
                    member_id=zora, points=5, reason="thanks", giver_id=ben, at=now, note="thanked"
                ),
                RepEntry(member_id=ben, points=5, reason="thanks", giver_id=zora, at=now),
                MemberBadge(member_id=zora, badge_id="helper", earned_at=now),
                WinbackMessage(member_id=zora, cycle=now, due_at=now, left_at=now, topic="events"),
                ExperimentAssignment(
                    experiment="welcome", member_id=zora, variant="b", assigned_at=now
                ),
                OutboxMessage(
                    idempotency_key="relay:1",
                    platform="telegram",
                    chat_id="support",
                    payload={
                        "text": "Zoraquill: the quokka jammed again",
                        "buttons": [],
                        "visibility": "public",
                    },
                    status="sent",
                    next_attempt_at=now,
                    created_at=now,
                ),
            ]
        )
        await session.commit()
    return zora, ben


async def test_export_is_one_json_file_with_everything_about_the_member(chat: Chat) -> None:
    zora, _ = await _zora_everywhere(chat)
    (reply,) = await chat.say(TG, "zoraquill", "/privacy export")
    (attachment,) = reply.attachments
    assert attachment.filename == "townhall-data.json"
    data = json.loads(attachment.content)
    assert data["member"]["id"] == zora
    assert {(a["platform"], a["platform_user_id"]) for a in data["accounts"]} == {
        ("telegram", "zoraquill"),
        ("discord", "zoraquill"),
    }
    assert data["faq"]["questions"][0]["question"] == "how do I reset my xylophonic password?"
    (ticket,) = data["tickets"]["tickets"]
    assert [m["text"] for m in ticket["messages"]] == [
        "the quokka jammed again",
        "Open the tray and pull gently.",
    ]
    assert {i["title"] for i in data["feedback"]["feedback"]} == {
        "xylophonic themes",
        "quokka mode",
    }
    assert data["events"]["event_rsvps"][0]["survey_comment"] == "the quokka demo was great"
    assert [e["points"] for e in data["reputation"]["points_ledger"]] == [5]
    assert data["badges"]["member_badges"][0]["badge_id"] == "helper"
    assert data["winback"]["winback_messages"][0]["topic"] == "events"
    assert data["experiments"]["experiment_assignments"][0]["variant"] == "b"


async def test_after_forget_no_column_of_any_table_holds_the_member(chat: Chat) -> None:
    zora, ben = await _zora_everywhere(chat)
    (confirm,) = await chat.say(DC, "zoraquill", "/privacy forget")
    assert [b.label for b in confirm.buttons] == ["🗑 Forget me", "✖ Cancel"]
    (kept,) = await chat.press(DC, "zoraquill", "privacy.forget:no")
    assert "Nothing was deleted" in kept.text
    (done,) = await chat.press(DC, "zoraquill", "privacy.forget:yes")
    assert "forgotten you" in done.text
    assert "staff's answers" in done.text and "voted for" in done.text
    await chat.app.services.activity.flush()

    load_models()
    found = []
    async with chat.app.services.database.session() as session:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | Text | JSON):
                    continue
                for value in await session.scalars(select(column)):
                    said = json.dumps(value, ensure_ascii=False).lower()
                    found += [(table.name, column.name) for t in TRACES if t in said]
        assert found == []
        assert await session.get(Member, zora) is None
        assert await session.get(Member, ben) is not None
        (ticket,) = await session.scalars(select(Ticket))
        assert (ticket.member_id, ticket.subject, ticket.status) == (None, PLACEHOLDER, "closed")
        staff = await session.scalar(select(TicketMessage.text).where(TicketMessage.from_staff))
        assert staff == "Open the tray and pull gently."
        assert "Open the tray" in (ticket.transcript or "")
        (item,) = await session.scalars(select(FeedbackItem))
        assert item.title == PLACEHOLDER
        assert await session.scalar(select(func.count()).select_from(FeedbackVote)) == 1
        ledger = (await session.execute(select(RepEntry.member_id, RepEntry.giver_id))).all()
        assert sorted(ledger, key=str) == sorted([(None, ben), (ben, None)], key=str)


async def test_the_founder_exports_and_forgets_from_the_shell(
    chat: Chat, database_url: str
) -> None:
    zora, _ = await _zora_everywhere(chat)
    settings = make_settings(database_url)
    found, data = await run(settings, "discord:zoraquill", forget=False)
    assert found and data["member"]["id"] == zora
    found, kept = await run(settings, "telegram:zoraquill", forget=True)
    assert found and kept
    assert await run(settings, "telegram:zoraquill", forget=False) == (False, None)


def test_every_table_is_answered_for_by_exactly_one_feature() -> None:
    """A feature adding a table declares it in its ``personal_data`` (export and forget, or
    nothing personal in it); a table nobody declares fails here."""
    load_models()
    declared = [t for f in discover() if f.personal_data for t in f.personal_data.tables]
    assert sorted(declared) == sorted(set(declared)), "a table declared twice"
    assert set(metadata.tables) - set(declared) == set()
    assert set(declared) - set(metadata.tables) == set()


async def test_raw_activity_goes_after_activity_days_once_rolled_up(chat: Chat) -> None:
    await chat.say(TG, "ben", "hello", place=Place(TG, "g1", PlaceKind.GROUP))
    await chat.app.services.activity.flush()
    sweeps = chat.app.services.registry.sweeps
    async with chat.app.services.database.session() as session:
        await sweeps["analytics rollup"].run(chat.app.services, session)
        await session.commit()
    chat.clock.advance(timedelta(days=91))
    await chat.say(TG, "ben", "still here", place=Place(TG, "g1", PlaceKind.GROUP))
    await chat.app.services.activity.flush()
    async with chat.app.services.database.session() as session:
        await sweeps["privacy activity"].run(chat.app.services, session)
        await session.commit()
        at = list(await session.scalars(select(ActivityEvent.at)))
    assert at == [chat.clock.now()], "the old, counted row went; the new, uncounted one stays"
