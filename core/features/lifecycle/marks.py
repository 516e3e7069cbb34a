"""How far each lifecycle sweep has read, kept in the same transaction as what it wrote."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.features.lifecycle.models import LifecycleMark


async def read(session: AsyncSession, name: str) -> int | None:
    row = await session.get(LifecycleMark, name)
    return None if row is None else row.value


async def write(session: AsyncSession, name: str, value: int) -> None:
    row = await session.get(LifecycleMark, name)
    if row is None:
        session.add(LifecycleMark(name=name, value=value))
    else:
        row.value = value
    await session.flush()
