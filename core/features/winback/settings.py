"""The ``[winback]`` section of config.toml."""

from __future__ import annotations

import re
from datetime import time

from apscheduler.triggers.cron import CronTrigger
from pydantic import Field, field_validator

from core.settings import Section

QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class WinbackSettings(Section):
    """Off until a founder turns it on, so nobody is messaged by surprise after an upgrade."""

    enabled: bool = False
    schedule: str = "0 10 * * *"
    """A cron expression in ``[locale] timezone``: when each cycle starts."""
    quiet_hours: str = "22:00-08:00"
    """Never sent in these hours of the member's own zone (their /settings timezone, else the
    community's)."""
    after_days: int = Field(default=30, ge=1, le=3650)
    """Days without any activity before a member is written to."""
    min_days_between: int = Field(default=30, ge=1, le=3650)
    max_per_member: int = Field(default=3, ge=1, le=100)
    convert_days: int = Field(default=7, ge=1, le=90)
    """Activity within this many days of a message is a conversion credited to it."""

    @field_validator("schedule")
    @classmethod
    def cron(cls, value: str) -> str:
        try:
            CronTrigger.from_crontab(value)
        except ValueError as error:
            raise ValueError(f"a cron expression such as '0 10 * * *' ({error})") from None
        return value

    @field_validator("quiet_hours")
    @classmethod
    def hours(cls, value: str) -> str:
        if value and QUIET.match(value) is None:
            raise ValueError("HH:MM-HH:MM, e.g. '22:00-08:00', or '' for none")
        return value

    @property
    def quiet(self) -> tuple[time, time] | None:
        """The quiet hours' start and end; None when there are none."""
        found = QUIET.match(self.quiet_hours)
        if found is None:
            return None
        a, b, c, d = (int(part) for part in found.groups())
        return (time(a, b), time(c, d)) if (a, b) != (c, d) else None
