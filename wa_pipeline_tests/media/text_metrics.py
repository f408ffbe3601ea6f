"""Character and word error rates, as OCR and speech recognition are scored: edit distance over the reference length."""

from __future__ import annotations

import re

from wa_pipeline.nlp.quantities import SCALES as _SCALES
from wa_pipeline.nlp.quantities import TENS as _TENS
from wa_pipeline.nlp.quantities import UNITS as _UNITS


def edit_distance(reference: list, hypothesis: list) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, start=1):
        current = [i]
        for j, hyp in enumerate(hypothesis, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def normalise_layout(text: str) -> str:
    """One space between words, one newline between lines, no blank lines: layout is not what OCR is scored on."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def cer(reference: str, hypothesis: str) -> float:
    reference, hypothesis = normalise_layout(reference), normalise_layout(hypothesis)
    return edit_distance(list(reference), list(hypothesis)) / max(1, len(reference))


def normalise_words(text: str) -> list[str]:
    """Lower case, no punctuation, numbers as digits ("four thousand five hundred" and "4,500" both become 4500,
    "five thirty" and "5.30" both 5 30), so a transcript is not penalised for how it writes a number."""
    text = text.lower().replace(",", "")
    text = re.sub(r"(\d)[.:](\d)", r"\1 \2", text)
    words = re.findall(r"[a-z']+|\d+", text)
    out: list[str] = []
    number: int | None = None
    current = 0
    for word in words + [""]:
        if word in _UNITS or word in _TENS or word in _SCALES or word.isdigit():
            if number is None:
                number, current = 0, 0
            if word.isdigit():
                current += int(word)
            elif word in _UNITS:
                current += _UNITS[word]
            elif word in _TENS:
                current += _TENS[word]
            elif word == "hundred":
                current = max(current, 1) * 100
            else:
                number += max(current, 1) * _SCALES[word]
                current = 0
            continue
        if number is not None:
            out.append(str(number + current))
            number = None
        if word:
            out.append(word)
    return out


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    return edit_distance(ref, hyp) / max(1, len(ref))
