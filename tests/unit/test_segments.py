"""Segments: planted groups come back under the names that describe them, the same every
time under a seed; the engagement score ranks members by their weighted parts."""

from __future__ import annotations

import numpy as np
import pytest

from core.features.analytics.models import MemberDay, MemberStart
from core.features.analytics.service import AnalyticsService
from core.features.reputation.models import RepEntry
from core.features.segments.clusters import COLUMNS, Floats, scores, segment
from core.features.segments.service import SegmentsService
from core.members.models import Member
from tests.conftest import START
from tests.unit.chat import TG, Chat

GROUPS = {
    # name: (members, recency_days, active_days, features, messages, questions, points,
    #        solutions, events)
    "helpers": (60, 1, 50, 4, 300, 2, 400, 25, 1),
    "event_goers": (50, 5, 12, 2, 20, 1, 20, 0, 9),
    "askers": (70, 3, 15, 2, 30, 25, 5, 0, 0),
    "quiet_readers": (120, 80, 1, 1, 1, 0, 0, 0, 0),
}


def planted(seed: int) -> tuple[Floats, list[str]]:
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    for name, (count, *centre) in GROUPS.items():
        for _ in range(count):
            noisy = [max(0.0, v * rng.uniform(0.7, 1.3)) for v in centre]
            rows.append(noisy)
            truth.append(name)
    return np.array(rows, dtype=np.float64), truth


def test_planted_groups_are_found_and_named_by_what_sets_them_apart() -> None:
    values, truth = planted(1)
    found = segment(values, seed=7)
    assert found is not None
    assert found.k == len(GROUPS)
    named = [found.names[label] for label in found.labels]
    agree = sum(a == b for a, b in zip(named, truth, strict=True)) / len(truth)
    assert agree >= 0.95
    assert sorted(found.sizes()) == sorted(count for count, *_ in GROUPS.values())


def test_the_same_members_give_the_same_segments_under_a_seed() -> None:
    values, _ = planted(2)
    first, second = segment(values, seed=7), segment(values.copy(), seed=7)
    assert first is not None and second is not None
    assert first.names == second.names and (first.labels == second.labels).all()
    assert first.silhouette == second.silhouette


def test_too_few_or_identical_members_make_no_segments() -> None:
    assert segment(np.ones((50, len(COLUMNS))), seed=7) is None
    values, _ = planted(3)
    assert segment(values[:9], seed=7) is None


def test_the_score_weighs_recency_frequency_breadth_and_contribution() -> None:
    values, truth = planted(4)
    weights = {
        "recency": 0.25,
        "frequency": 0.25,
        "breadth": 0.15,
        "points": 0.15,
        "solutions": 0.1,
        "events": 0.1,
    }
    scored = scores(values, 90, weights)
    mean = {name: scored[[t == name for t in truth]].mean() for name in GROUPS}
    assert mean["helpers"] > mean["askers"] > mean["quiet_readers"]
    assert mean["event_goers"] > mean["quiet_readers"]
    assert scored.min() >= 0 and scored.max() <= 100
    only_events = scores(values, 90, {"events": 1.0})
    assert only_events[truth.index("event_goers")] > only_events[truth.index("helpers")]


async def test_moderators_see_the_segments_and_a_member_s_segment_is_offered(
    chat: Chat,
) -> None:
    """Twelve members who answer others (solutions, points, most days) and twenty who came
    once: /stats segments names both groups, and SegmentsService tells /member which."""
    today = chat.app.services.get(AnalyticsService).today().toordinal()
    async with chat.app.services.database.session() as session:
        ids = []
        for n in range(32):
            member = Member(display_name=f"m{n}", created_at=START, last_seen_at=START)
            session.add(member)
            await session.flush()
            ids.append(member.id)
            helper = n < 12
            session.add(
                MemberStart(member_id=member.id, platform="telegram", joined_day=today - 60)
            )
            for day in range(40 if helper else 1):
                session.add(
                    MemberDay(
                        member_id=member.id,
                        day=today - 1 - day - (0 if helper else 50 + n % 5),
                        platform="telegram",
                        feature="reputation" if helper else "faq",
                        messages=5 + n % 3 if helper else 1,
                    )
                )
            for _ in range(6 + n % 4 if helper else 0):
                session.add(
                    RepEntry(member_id=member.id, points=15, reason="solution", scope="g", at=START)
                )
        await session.commit()
    chat.app.services.settings.roles.moderators.append("telegram:mia")
    (member_reply,) = await chat.say(TG, "ann", "/stats segments")
    (reply,) = await chat.say(TG, "mia", "/stats segments")
    assert "Segments" not in member_reply.text
    assert "Segments, last 90 days" in reply.text
    # Ann, who tried the command, is a member who came once too.
    assert "**helpers**: 12 (" in reply.text and "**quiet readers**: 21 (" in reply.text
    service = chat.app.services.get(SegmentsService)
    async with chat.app.services.database.session() as session:
        helper = await service.segment_of(session, ids[0])
        quiet = await service.segment_of(session, ids[-1])
    assert helper is not None and quiet is not None
    assert (helper.segment, quiet.segment) == ("helpers", "quiet_readers")
    assert helper.score > quiet.score
    async with chat.app.services.database.session() as session:
        helpers = set(await session.scalars(service.members_in("helpers")))
        both = set(await session.scalars(service.members_in("helpers", "quiet_readers")))
    assert helpers == set(ids[:12]) and len(both) == 33
    with pytest.raises(ValueError, match="no segment named"):
        service.members_in("lurkers")
    (shown,) = await chat.say(TG, "mia", "/member ann")
    assert "Segment: quiet readers, engagement score " in shown.text
