"""Themes: similar texts grouped and named the same way every time, in English and Chinese."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app import App
from core.clock import ManualClock
from core.features.faq.models import AnswerLog
from core.features.feedback.models import FeedbackItem
from core.features.feedback.service import FeedbackService
from core.features.feedback.themes import FEEDBACK, QUESTION, Document, ThemeFinder

TEXTS = [
    "Please add a dark mode — the white background hurts my eyes at night",
    "Dark theme for the app, I would love a dark mode option",
    "Night mode please, dark colours in settings",
    "Cannot log in on Android, the login button does nothing",
    "can't sign in after the update, log in fails",
    "Export my data as CSV",
    "希望增加暗黑模式 — 晚上看屏幕太亮了",
    "能不能出一个暗黑模式",
    "夜间用暗黑模式会更舒服",
    "登录失败，一直提示密码错误",
    "无法登录，点了登录按钮没反应",
]


def _finder(**overrides: float) -> ThemeFinder:
    settings: dict[str, float] = {
        "max_distance": 0.9,
        "min_size": 2,
        "max_themes": 10,
        "max_texts": 5000,
    }
    settings.update(overrides)
    return ThemeFinder(
        max_distance=settings["max_distance"],
        min_size=int(settings["min_size"]),
        max_themes=int(settings["max_themes"]),
        max_texts=int(settings["max_texts"]),
    )


def _documents() -> list[Document]:
    return [Document(text, FEEDBACK, ref) for ref, text in enumerate(TEXTS)]


def test_similar_texts_share_a_theme_named_by_their_common_words() -> None:
    themes = _finder().cluster(_documents())
    grouped = {theme.label[0]: sorted(d.ref for d in theme.examples) for theme in themes}
    assert grouped["dark"] == [0, 1, 2]
    assert grouped["暗黑模式"] == [6, 7, 8]
    assert grouped["登录"] == [9, 10]
    assert grouped["log in"] == [3, 4]
    assert all(5 not in refs for refs in grouped.values())
    dark = next(t for t in themes if t.label[0] == "dark")
    assert dark.label[:2] == ("dark", "mode") and dark.count == 3 and dark.feedback == 3


def test_the_same_texts_in_any_order_give_the_same_themes() -> None:
    documents = _documents()
    finder = _finder()
    assert finder.cluster(documents) == finder.cluster(list(reversed(documents)))


def test_a_tighter_threshold_leaves_loosely_related_texts_out() -> None:
    loose = _finder().cluster(_documents())
    tight = _finder(max_distance=0.5).cluster(_documents())
    assert sum(t.count for t in tight) < sum(t.count for t in loose)


def test_themes_are_capped_and_largest_first() -> None:
    themes = _finder(max_themes=2).cluster(_documents())
    assert len(themes) == 2
    assert [t.count for t in themes] == sorted((t.count for t in themes), reverse=True)


def test_nothing_to_group_gives_no_themes() -> None:
    finder = _finder()
    assert finder.cluster([]) == ()
    assert finder.cluster([Document("dark mode", FEEDBACK, 1)]) == ()
    assert finder.cluster([Document("the", FEEDBACK, 1), Document("?!", QUESTION, 2)]) == ()


def _item(title: str, when: datetime) -> FeedbackItem:
    return FeedbackItem(
        category="feature",
        title=title,
        description="",
        locale="en",
        status="new",
        created_at=when,
        updated_at=when,
    )


def _question(text: str, answered: bool, when: datetime) -> AnswerLog:
    return AnswerLog(
        question=text,
        locale="en",
        score=0.1,
        answered=answered,
        platform="telegram",
        asked_at=when,
        suggestions=[],
    )


async def test_the_report_reads_recent_feedback_and_unanswered_questions(
    app: App, clock: ManualClock
) -> None:
    now = clock.now()
    old = now - timedelta(days=40)

    async with app.services.database.session() as session:
        session.add_all(
            [
                _item("Dark mode please", now),
                _item("A dark mode for the app", now - timedelta(days=3)),
                _item("Dark mode, again", old),
                _question("when is dark mode coming?", answered=False, when=now),
                _question("dark mode?", answered=True, when=now),
                _question("is there a dark mode", answered=False, when=old),
            ]
        )
        await session.commit()
        report = await app.services.get(FeedbackService).themes.report(session, now, 30)
    assert report.texts == 3
    (theme,) = report.themes
    assert (theme.count, theme.feedback, theme.questions) == (3, 2, 1)
    assert report.unthemed == 0
    assert report.since == now - timedelta(days=30)


async def test_the_newest_texts_count_whichever_kind_they_are(app: App, clock: ManualClock) -> None:
    now = clock.now()
    async with app.services.database.session() as session:
        session.add_all(
            [
                _item("Dark mode please", now - timedelta(days=3)),
                _item("A dark mode for the app", now - timedelta(days=2)),
                _question("when is dark mode coming?", answered=False, when=now),
                _question("any dark mode yet?", answered=False, when=now - timedelta(days=1)),
            ]
        )
        await session.commit()
        report = await _finder(max_texts=2).report(session, now, 30)
    assert report.texts == 2
    (theme,) = report.themes
    assert (theme.feedback, theme.questions) == (0, 2)
