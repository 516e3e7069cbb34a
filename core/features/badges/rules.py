"""The badge rule language: comparisons of a member's figures, joined by and, or and not.

``thanks_received >= 10 and (days_active >= 7 or solutions > 2)`` is read by a small
recursive-descent parser into a tree of plain objects; nothing is ever handed to Python's
``eval`` or ``compile``, so a rule can only compare numbers, whatever a config file says.
Strings, calls, attributes, arithmetic and unknown names are refused with one line saying
where, and nesting is bounded so ten thousand parentheses are an error, not a crash.

Grammar (lowest precedence first)::

    rule       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | "(" or ")" | comparison
    comparison := operand (op operand)+        op: >= > <= < == !=
    operand    := number | figure

``1 <= solutions < 5`` chains as in mathematics. ``progress`` says how far a member is from
a rule, for ``/badges``: the share of each ``figure >= number`` they have.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_DEPTH = 32
"""How deep "not" and parentheses may nest: far beyond any rule a person writes."""

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
_KEYWORDS = ("and", "or", "not")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_]\w*)|(?P<op>>=|<=|==|!=|>|<)"
    r"|(?P<paren>[()]))"
)


class RuleError(ValueError):
    """What is wrong with a rule, in one line a founder can act on."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    at: int


def _tokens(text: str) -> Iterator[Token]:
    position = 0
    while position < len(text):
        if text[position:].isspace():
            return
        found = _TOKEN.match(text, position)
        if found is None or found.lastgroup is None:
            raise RuleError(f"unexpected {text[position:].lstrip()[:12]!r} at {position + 1}")
        group = found.lastgroup
        value = found.group(group)
        kind = value if group == "name" and value in _KEYWORDS else group
        yield Token(kind, value, found.start(group) + 1)
        position = found.end()


@dataclass(frozen=True)
class Operand:
    figure: str | None
    number: float = 0

    def value(self, figures: Mapping[str, float]) -> float:
        return figures[self.figure] if self.figure is not None else self.number


@dataclass(frozen=True)
class Compare:
    operands: tuple[Operand, ...]
    ops: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    inner: Node


@dataclass(frozen=True)
class All:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    parts: tuple[Node, ...]


Node = Compare | Not | All | Any_


class _Parser:
    def __init__(self, text: str, known: Collection[str]) -> None:
        self._tokens = list(_tokens(text))
        self._next = 0
        self._known = known

    def _peek(self) -> Token | None:
        return self._tokens[self._next] if self._next < len(self._tokens) else None

    def _take(self) -> Token:
        token = self._peek()
        if token is None:
            raise RuleError("the rule ends too early")
        self._next += 1
        return token

    def parse(self) -> Node:
        if not self._tokens:
            raise RuleError("the rule is empty")
        node = self._or(0)
        extra = self._peek()
        if extra is not None:
            raise RuleError(f"unexpected {extra.text!r} at {extra.at}")
        return node

    def _or(self, depth: int) -> Node:
        parts = [self._and(depth)]
        while (token := self._peek()) is not None and token.kind == "or":
            self._take()
            parts.append(self._and(depth))
        return parts[0] if len(parts) == 1 else Any_(tuple(parts))

    def _and(self, depth: int) -> Node:
        parts = [self._not(depth)]
        while (token := self._peek()) is not None and token.kind == "and":
            self._take()
            parts.append(self._not(depth))
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def _not(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise RuleError(f"nested more than {MAX_DEPTH} deep")
        token = self._peek()
        if token is not None and token.kind == "not":
            self._take()
            return Not(self._not(depth + 1))
        if token is not None and token.text == "(":
            self._take()
            inner = self._or(depth + 1)
            closing = self._take()
            if closing.text != ")":
                raise RuleError(f"expected ')' at {closing.at}, found {closing.text!r}")
            return inner
        return self._comparison()

    def _comparison(self) -> Compare:
        operands = [self._operand()]
        ops: list[str] = []
        while (token := self._peek()) is not None and token.kind == "op":
            ops.append(self._take().text)
            operands.append(self._operand())
        if not ops:
            where = self._peek()
            found = f"{where.text!r} at {where.at}" if where is not None else "the end"
            raise RuleError(f"expected a comparison such as >= after {operands[-1]}, found {found}")
        if all(o.figure is None for o in operands):
            raise RuleError("a comparison must name a figure")
        return Compare(tuple(operands), tuple(ops))

    def _operand(self) -> Operand:
        token = self._take()
        if token.kind == "number":
            return Operand(None, float(token.text))
        if token.kind == "name":
            if token.text not in self._known:
                raise RuleError(
                    f"unknown figure {token.text!r} (known: {', '.join(sorted(self._known))})"
                )
            return Operand(token.text)
        raise RuleError(f"expected a figure or a number at {token.at}, found {token.text!r}")


@dataclass(frozen=True)
class Rule:
    text: str
    tree: Node
    figures: frozenset[str]
    """The figures it reads, so a member's are computed only as far as needed."""

    def holds(self, figures: Mapping[str, float]) -> bool:
        return _holds(self.tree, figures)


def parse(text: str, known: Collection[str]) -> Rule:
    """The rule, or RuleError saying what is wrong; ``known``: the figure names allowed."""
    if len(text) > MAX_LENGTH:
        raise RuleError(f"longer than {MAX_LENGTH} characters")
    tree = _Parser(text, known).parse()
    return Rule(text, tree, frozenset(_names(tree)))


def _names(node: Node) -> Iterator[str]:
    match node:
        case Compare(operands=operands):
            yield from (o.figure for o in operands if o.figure is not None)
        case Not(inner=inner):
            yield from _names(inner)
        case All(parts=parts) | Any_(parts=parts):
            for part in parts:
                yield from _names(part)


def _holds(node: Node, figures: Mapping[str, float]) -> bool:
    match node:
        case Compare(operands=operands, ops=ops):
            values = [o.value(figures) for o in operands]
            return all(_OPERATORS[op](values[i], values[i + 1]) for i, op in enumerate(ops))
        case Not(inner=inner):
            return not _holds(inner, figures)
        case All(parts=parts):
            return all(_holds(part, figures) for part in parts)
        case Any_(parts=parts):
            return any(_holds(part, figures) for part in parts)
    raise TypeError(node)


@dataclass(frozen=True)
class Step:
    """One requirement still to meet: ``have`` of ``need`` of ``figure``."""

    figure: str
    have: int
    need: int


def progress(rule: Rule, figures: Mapping[str, float]) -> tuple[float, list[Step]]:
    """How near a member is (0 to 1) and the steps left. A rule they meet is 1; ``figure >=
    N`` (or ``> N``, ``N <= figure``) counts its share; any other comparison they fail is 0."""
    return _progress(rule.tree, figures)


def _progress(node: Node, figures: Mapping[str, float]) -> tuple[float, list[Step]]:
    if _holds(node, figures):
        return 1.0, []
    match node:
        case Compare(operands=operands, ops=ops) if len(ops) == 1:
            step = _step(operands[0], ops[0], operands[1], figures)
            if step is None:
                return 0.0, []
            # A figure can be below zero (reputation after penalties): that is no way along.
            return max(0.0, min(step.have / step.need, 1.0)), [step]
        case All(parts=parts):
            shares = [_progress(part, figures) for part in parts]
            return (
                sum(share for share, _ in shares) / len(shares),
                [step for _, steps in shares for step in steps],
            )
        case Any_(parts=parts):
            return max((_progress(part, figures) for part in parts), key=lambda p: p[0])
    return 0.0, []


def _step(left: Operand, op: str, right: Operand, figures: Mapping[str, float]) -> Step | None:
    if left.figure is None:
        left, op, right = right, _FLIPPED[op], left
    if (
        left.figure is None
        or right.figure is not None
        or op not in (">=", ">")
        or right.number <= 0
    ):
        return None
    need = int(right.number) + 1 if op == ">" else int(-(-right.number // 1))
    return Step(left.figure, int(left.value(figures)), need)
