"""A JSON document opened one level at a time, each value kept as its exact bytes.

A webhook body is split into its elements before any element is decoded, so one element that cannot be
read (nested 100,000 deep, bad UTF-8, a lone surrogate) fails alone and is kept byte for byte. One pass over
the body finds every string and bracket pair without recursion; opening a level then walks only its direct
children, so splitting costs a single scan however deep the document is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# A complete string, a bracket, or a quote that opens a string never closed.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|"', re.DOTALL)
_SPACE = re.compile(rb"[ \t\n\r]*")
# A bare value (number, true, false, null, or garbage that json.loads will refuse later): up to a delimiter.
_SCALAR = re.compile(rb"[^,:\[\]{}\s\"]+")
_CLOSER = {ord("{"): ord("}"), ord("["): ord("]")}
# json.dumps with options builds an encoder per call; one built once writes the same text.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class UnreadableJson(ValueError):
    """The document's structure (brackets, strings, commas) is broken at the level being opened."""


@dataclass(frozen=True)
class _Index:
    buf: bytes
    ends: dict[int, int]  # start of every string and container -> index of its last byte


def _index(buf: bytes) -> _Index:
    ends: dict[int, int] = {}
    stack: list[int] = []
    for match in _TOKEN.finditer(buf):
        start = match.start()
        char = buf[start]
        if char == 0x22:  # '"'
            if match.end() - start == 1:
                raise UnreadableJson(f"a string opened at byte {start} is never closed")
            ends[start] = match.end() - 1
        elif char in _CLOSER:
            stack.append(start)
        else:
            if not stack or _CLOSER[buf[stack[-1]]] != char:
                raise UnreadableJson(f"unexpected {chr(char)!r} at byte {start}")
            ends[stack.pop()] = start
    if stack:
        raise UnreadableJson(f"{chr(buf[stack[-1]])!r} opened at byte {stack[-1]} is never closed")
    return _Index(buf, ends)


class RawJson:
    """One JSON value of a document: its bytes, its type, and (for containers) its children on demand."""

    __slots__ = ("_index", "start", "end")

    def __init__(self, index: _Index, start: int, end: int):
        self._index, self.start, self.end = index, start, end

    @classmethod
    def parse(cls, raw: bytes) -> RawJson:
        """The document's top value; raises UnreadableJson if its brackets or strings do not pair up."""
        index = _index(raw)
        start = _skip_space(raw, 0)
        if start >= len(raw):
            raise UnreadableJson("the body is empty")
        end = _value_end(index, start)
        if _skip_space(raw, end) != len(raw):
            raise UnreadableJson(f"unexpected data after the JSON value at byte {end}")
        return cls(index, start, end)

    @property
    def raw(self) -> bytes:
        return self._index.buf[self.start : self.end]

    @property
    def type(self) -> str:
        """object, array, string or scalar (a number, true, false, null or something invalid)."""
        first = self._index.buf[self.start]
        return {ord("{"): "object", ord("["): "array", ord('"'): "string"}.get(first, "scalar")

    def load(self) -> Any:
        """The value decoded; raises ValueError (bad JSON, bad UTF-8) or RecursionError (too deep)."""
        return json.loads(self.raw)

    def depth(self) -> int:
        """How deeply containers nest inside this value (0 for a string or scalar)."""
        deepest = level = 0
        for match in _TOKEN.finditer(self._index.buf, self.start, self.end):
            char = self._index.buf[match.start()]
            if char in _CLOSER:
                level += 1
                deepest = max(deepest, level)
            elif char != 0x22:
                level -= 1
        return deepest

    def members(self) -> dict[str, RawJson]:
        """An object's members by key (a repeated key: the last wins, as in json.loads)."""
        if self.type != "object":
            raise UnreadableJson(f"expected an object, found {self.type}")
        buf, members = self._index.buf, {}
        for key_node, value in self._children(expect_keys=True):
            key_bytes = buf[key_node.start + 1 : key_node.end - 1]
            # Keys are plain ASCII words in practice; only an escaped one needs the JSON decoder.
            key = json.loads(buf[key_node.start : key_node.end]) if b"\\" in key_bytes else key_bytes.decode("utf-8")
            members[key] = value
        return members

    def items(self) -> list[RawJson]:
        """An array's items, in order."""
        if self.type != "array":
            raise UnreadableJson(f"expected an array, found {self.type}")
        return [value for _, value in self._children(expect_keys=False)]

    def _children(self, expect_keys: bool) -> list[tuple[RawJson | None, RawJson]]:
        index, buf = self._index, self._index.buf
        close = self.end - 1
        pos = _skip_space(buf, self.start + 1)
        children: list[tuple[RawJson | None, RawJson]] = []
        if pos == close:
            return children
        while True:
            key = None
            if expect_keys:
                if buf[pos] != 0x22:
                    raise UnreadableJson(f"expected a key at byte {pos}")
                key = RawJson(index, pos, index.ends[pos] + 1)
                pos = _skip_space(buf, key.end)
                if buf[pos] != 0x3A:  # ':'
                    raise UnreadableJson(f"expected ':' at byte {pos}")
                pos = _skip_space(buf, pos + 1)
            end = _value_end(index, pos)
            children.append((key, RawJson(index, pos, end)))
            pos = _skip_space(buf, end)
            if pos == close:
                return children
            if buf[pos] != 0x2C:  # ','
                raise UnreadableJson(f"expected ',' at byte {pos}")
            pos = _skip_space(buf, pos + 1)


def _skip_space(buf: bytes, pos: int) -> int:
    return _SPACE.match(buf, pos).end()


def _value_end(index: _Index, pos: int) -> int:
    buf = index.buf
    if pos >= len(buf):
        raise UnreadableJson("a value is missing at the end of the body")
    if buf[pos] in (0x7B, 0x5B, 0x22):  # '{', '[', '"'
        return index.ends[pos] + 1
    match = _SCALAR.match(buf, pos)
    if match is None:
        raise UnreadableJson(f"expected a value at byte {pos}")
    return match.end()


class DecodedJson:
    """The same interface over a document json.loads already decoded: the fast path for a body that decodes whole.

    `raw` re-serialises the value; the receiver re-reads a body as `RawJson` whenever it must keep exact bytes.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    @property
    def raw(self) -> bytes:
        return _COMPACT.encode(self.value).encode("utf-8", "surrogatepass")

    @property
    def type(self) -> str:
        if isinstance(self.value, dict):
            return "object"
        if isinstance(self.value, list):
            return "array"
        return "string" if isinstance(self.value, str) else "scalar"

    def load(self) -> Any:
        return self.value

    def depth(self) -> int:
        return 0

    def members(self) -> dict[str, DecodedJson]:
        if not isinstance(self.value, dict):
            raise UnreadableJson(f"expected an object, found {self.type}")
        return {key: DecodedJson(value) for key, value in self.value.items()}

    def items(self) -> list[DecodedJson]:
        if not isinstance(self.value, list):
            raise UnreadableJson(f"expected an array, found {self.type}")
        return [DecodedJson(value) for value in self.value]
