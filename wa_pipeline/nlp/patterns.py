"""A business's own entities, from a YAML file of patterns: its products, branches, staff, local places.

The file follows spaCy's EntityRuler pattern format (see patterns.example.yaml): each pattern is a phrase,
matched case-insensitively, or a list of token patterns for spaCy's Matcher. Patterns run on the docs the
NER pass already made (no second pass over the text), so token attributes that need a tagger or parser
(POS, TAG, LEMMA, DEP, MORPH) are refused when the file is loaded. A match beats any overlapping entity.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from wa_pipeline.nlp.entity import Entity

EXAMPLE_PATTERNS = Path(__file__).with_name("patterns.example.yaml")
# Attributes the lean NER pipeline leaves unset on its tokens.
_NEEDS_TAGGER = frozenset({"POS", "TAG", "LEMMA", "DEP", "MORPH", "SENT_START", "IS_SENT_START"})


class PatternFileError(ValueError):
    """The patterns file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Pattern:
    label: str
    pattern: str | tuple[Any, ...]  # a phrase, or token patterns
    value: str | None = None  # what the sheet shows; None: the matched text


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per loaded file version
class PatternSet:
    """Patterns loaded from one file, ready to compile against a pipeline's vocabulary."""

    source: str
    patterns: tuple[Pattern, ...]

    def compile(self, nlp: Language) -> CompiledPatterns:
        return _compiled(self, nlp)


class CompiledPatterns:
    """Matchers for one pipeline: finds the patterns' entities in that pipeline's docs."""

    def __init__(self, patterns: PatternSet, nlp: Language) -> None:
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._tokens = Matcher(nlp.vocab, validate=True)
        self._patterns = patterns.patterns
        # A token pattern may read the model's labels (ENT_TYPE, ENT_IOB) or anything an extension holds ("_"):
        # then every text is read by the model, however it is written.
        self.reads_entities = any(
            str(key).upper().startswith("ENT_") or str(key) == "_"
            for pattern in patterns.patterns
            if not isinstance(pattern.pattern, str)
            for token in pattern.pattern
            for key in token
        )
        for index, pattern in enumerate(patterns.patterns):
            key = str(index)
            if isinstance(pattern.pattern, str):
                self._phrases.add(key, [nlp.make_doc(pattern.pattern)])
            else:
                try:
                    self._tokens.add(key, [list(pattern.pattern)])
                except Exception as exc:  # spaCy's validation error names the bad attribute
                    raise PatternFileError(f"{patterns.source}: pattern {index + 1} ({pattern.label}): {exc}") from exc

    def find(self, doc: Doc) -> list[Entity]:
        # An empty matcher warns on every doc; run only the kinds the file uses.
        matches = [
            *(self._phrases(doc) if len(self._phrases) else ()),
            *(self._tokens(doc) if len(self._tokens) else ()),
        ]
        if not matches:
            return []
        spans = filter_spans([doc[start:end] for _, start, end in matches])
        owner = {(start, end): int(doc.vocab.strings[match_id]) for match_id, start, end in sorted(matches)}
        found = []
        for span in spans:
            pattern = self._patterns[owner[(span.start, span.end)]]
            value = pattern.value if pattern.value is not None else " ".join(span.text.split())
            found.append(Entity(pattern.label, span.text, span.start_char, span.end_char, value, "rule"))
        return found


@functools.lru_cache(maxsize=16)
def _compiled(patterns: PatternSet, nlp: Language) -> CompiledPatterns:
    return CompiledPatterns(patterns, nlp)


def load_patterns(path: str | Path) -> PatternSet:
    """The patterns of a YAML file; re-read when the file changes."""
    file = Path(path)
    try:
        stat = file.stat()
    except OSError as exc:
        raise PatternFileError(f"patterns file {file}: {exc.strerror or exc}") from None
    return _load(str(file.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _load(path: str, _mtime_ns: int, _size: int) -> PatternSet:
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PatternFileError(f"patterns file {path} is not valid YAML: {exc}") from None
    entries = (document or {}).get("patterns") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise PatternFileError(f"patterns file {path}: expected a top-level 'patterns:' list")
    patterns = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str) or "pattern" not in entry:
            raise PatternFileError(f"{path}: pattern {number} needs a 'label' (text) and a 'pattern'")
        pattern = entry["pattern"]
        if isinstance(pattern, list):
            if not all(isinstance(token, dict) for token in pattern) or not pattern:
                raise PatternFileError(f"{path}: pattern {number}: a token pattern is a list of mappings")
            unusable = sorted({key.upper() for token in pattern for key in token} & _NEEDS_TAGGER)
            if unusable:
                raise PatternFileError(
                    f"{path}: pattern {number} uses {', '.join(unusable)}, which the NER-only pipeline does not "
                    "set; match on TEXT, LOWER, SHAPE, LIKE_NUM, IS_DIGIT, REGEX and the like instead"
                )
            pattern = tuple(pattern)
        elif not isinstance(pattern, str) or not pattern.strip():
            raise PatternFileError(f"{path}: pattern {number}: 'pattern' must be a phrase or a list of tokens")
        value = entry.get("value", entry.get("id"))
        patterns.append(Pattern(entry["label"].strip().upper(), pattern, None if value is None else str(value)))
    return PatternSet(source=path, patterns=tuple(patterns))
