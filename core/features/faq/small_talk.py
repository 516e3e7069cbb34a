"""Greetings and thanks, told apart from questions.

"hi" or "谢谢" sent to the bot is not a question the knowledge base failed: answering it
with "I'm not sure, ask a human" reads as broken, and counting it would fill the most
frequent unanswered questions with hellos. Only a whole message made of these words counts,
so "hi, how do I link my accounts?" is still a question.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

SmallTalk = Literal["greeting", "thanks"]

_GREETINGS = {
    "hi", "hello", "hey", "hiya", "yo", "howdy", "hi there", "hello there", "hey there",
    "good morning", "good afternoon", "good evening", "morning", "anyone here", "are you there",
    "你好", "您好", "嗨", "哈喽", "哈啰", "hello呀", "早", "早上好", "下午好", "晚上好",
    "在吗", "在么", "有人吗", "大家好",
}  # fmt: skip
_THANKS = {
    "thanks", "thank you", "thx", "ty", "thanks a lot", "thank you so much", "many thanks",
    "cheers", "thanks so much", "great thanks", "ok thanks", "got it thanks",
    "谢谢", "多谢", "谢啦", "谢了", "感谢", "谢谢你", "谢谢啦", "非常感谢", "好的谢谢", "好的 谢谢",
}  # fmt: skip
_FILLER = re.compile(r"[\W_]+")
_BOT_NAMES = ("bot", "townhall", "机器人")


def kind(text: str) -> SmallTalk | None:
    words = _FILLER.sub(" ", unicodedata.normalize("NFKC", text).lower()).split()
    while len(words) > 1 and words[-1] in _BOT_NAMES:
        words.pop()
    phrase = " ".join(words)
    if phrase in _GREETINGS:
        return "greeting"
    if phrase in _THANKS:
        return "thanks"
    return None
