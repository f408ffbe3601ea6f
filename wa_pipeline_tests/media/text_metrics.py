"""Character and word error rates, as OCR and speech recognition are scored: edit distance over the reference length."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}


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
