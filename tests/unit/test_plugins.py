"""A feature is its package and its migration: nothing else is edited to add one.

The test writes a throwaway feature package (a table, a command, a settings section, its
templates) and an Alembic revision to a temporary folder, and sees the app answer its command
with its settings and the schema test find its table.
"""

from __future__ import annotations

import ast
import asyncio
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

import core.features
from bot.app import build_app
from bot.migrate import MIGRATIONS_DIR, alembic_config
from core.clock import ManualClock
from core.db.base import Base
from core.events import Platform
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import Chat
from tests.unit.test_migrations import _drift

NOTES = {
    "__init__.py": "",
    "models.py": """
        from sqlalchemy import ForeignKey, String
        from sqlalchemy.orm import Mapped, mapped_column

        from core.db.base import Base


        class Note(Base):
            __tablename__ = "throwaway_notes"

            id: Mapped[int] = mapped_column(primary_key=True)
            member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
            text: Mapped[str] = mapped_column(String(200))
    """,
    "handlers.py": """
        from sqlalchemy import func, select

        from core.context import Context
        from core.events import Reply
        from core.features.notes.models import Note
        from core.features.notes.settings import NotesSettings
        from core.registry import ArgSpec, ArgType, Registry

        registry = Registry("notes")


        @registry.command("note", ArgSpec("text", ArgType.TEXT))
        async def note(ctx: Context, text: str) -> Reply:
            \"\"\"Keep a note.\"\"\"
            kept = text[: ctx.services.settings.section(NotesSettings).max_length]
            ctx.session.add(Note(member_id=ctx.member.id, text=kept))
            await ctx.session.flush()
            count = await ctx.session.scalar(select(func.count()).select_from(Note))
            return Reply("notes/noted", {"count": count})
    """,
    "settings.py": """
        from core.settings import Section


        class NotesSettings(Section):
            max_length: int = 200
    """,
    "feature.py": """
        from core.feature import Feature
        from core.features.notes import handlers
        from core.features.notes.settings import NotesSettings

        FEATURE = Feature(
            "notes",
            priority=90,
            settings=("notes", NotesSettings),
            registries=(handlers.registry,),
        )
    """,
    "templates/noted.j2": '{{ _("Noted (%(count)s).", count=count) }}',
    "translations/zh_CN/LC_MESSAGES/messages.po": """
        msgid ""
        msgstr ""
        "Content-Type: text/plain; charset=utf-8\\n"
        "Plural-Forms: nplurals=1; plural=0;\\n"

        msgid "Noted (%(count)s)."
        msgstr "已记下（%(count)s）。"
    """,
}

REVISION = '''
"""throwaway notes

Revision ID: notes1
Revises: {head}
"""

import sqlalchemy as sa
from alembic import op

revision = "notes1"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "throwaway_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_throwaway_notes_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throwaway_notes")),
    )


def downgrade() -> None:
    op.drop_table("throwaway_notes")
'''


@pytest.fixture
def notes_feature(tmp_path: Path) -> Iterator[Path]:
    """The package, found where features are looked for, and the migrations with its revision
    added; everything is taken back afterwards so other tests see the real schema."""
    features = tmp_path / "features"
    for name, body in NOTES.items():
        path = features / "notes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip())
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    (migrations / "versions" / "notes1_throwaway.py").write_text(REVISION.format(head=head))
    core.features.__path__.append(str(features))
    try:
        yield migrations
    finally:
        core.features.__path__.remove(str(features))
        for module in [m for m in sys.modules if m.startswith("core.features.notes")]:
            del sys.modules[module]
        if "throwaway_notes" in Base.metadata.tables:
            Base.metadata.remove(Base.metadata.tables["throwaway_notes"])


async def test_a_new_feature_package_and_its_migration_are_all_it_takes(
    notes_feature: Path, database_url: str, clock: ManualClock
) -> None:
    config = Config()
    config.set_main_option("script_location", str(notes_feature))
    config.set_main_option("sqlalchemy.url", database_url)
    await asyncio.to_thread(command.upgrade, config, "head")

    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        assert await connection.run_sync(_drift) == [], "the schema test sees the new table"
    await engine.dispose()

    telegram, discord = FakeAdapter(Platform.TELEGRAM), FakeAdapter(Platform.DISCORD)
    app = await build_app(
        make_settings(database_url, notes={"max_length": 8}),
        clock,
        {Platform.TELEGRAM: telegram, Platform.DISCORD: discord},
        migrate=False,
    )
    chat = Chat(app, clock, telegram, discord)
    try:
        (reply,) = await chat.say(Platform.TELEGRAM, "ada", "/note buy milk and bread")
        assert reply.text == "Noted (1)."
        (help_reply,) = await chat.say(Platform.TELEGRAM, "ada", "/help")
        assert "/note" in help_reply.text
    finally:
        await app.close()
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        kept = (await connection.execute(text("SELECT text FROM throwaway_notes"))).all()
    await engine.dispose()
    assert [row.text for row in kept] == ["buy milk"], "its [notes] section was read"


def test_the_core_imports_no_feature() -> None:
    """Core code names no feature, so a feature can be added or removed without editing it."""
    core_dir = Path(core.features.__file__).resolve().parent.parent
    offenders = []
    for path in core_dir.rglob("*.py"):
        if "features" in path.relative_to(core_dir).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            ) + ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [
                f"{path.name}: {name}" for name in names if name.startswith("core.features.")
            ]
    assert offenders == []
