"""The phrase book's shortcuts for ASCII lines read every line as the full lists and patterns would."""

import dataclasses
import re

from wa_pipeline.whatsapp.export_phrases import _KEY, phrase_book, without_unsaved_mark


def _lines(literal: str) -> list[str]:
    return [literal, f"ok {literal}", f"{literal} ok", literal[:-1], literal[1:], f"x{literal}x", literal.upper()]


def test_an_ascii_line_holds_a_free_phrase_exactly_when_the_whole_alternation_finds_one():
    book = phrase_book()
    # As the non-ASCII way reads any line: the openings and closings, then one search of every literal of `anywhere`.
    literals = [literal for literal, _ in book.anywhere if literal.isascii()]
    assert literals
    keys = [line for literal in literals for line in _lines(literal)]
    keys += ["please send loaves tomorrow", "", "a" * 200, min(literals, key=len)[:-1] + " " * 200]
    for key in keys:
        expected = not (key[:_KEY] in book.free_openings or key[-_KEY:] in book.free_ends) and (
            book.anywhere_literals.search(key) is None
        )
        assert book.holds_no_free_phrase(key) == expected, key


def test_an_ascii_line_in_context_finds_what_every_middle_phrase_would_find():
    book = phrase_book()
    every = dataclasses.replace(book, ascii_middles=book.middles)
    lines = [line for literal, _ in book.middles if literal.isascii() for line in _lines(literal)]
    # Each phrase's own line, its placeholders filled in.
    lines += [re.sub(r"\{\w+\}", "Juma", phrase.text) for literal, phrase in book.middles if literal.isascii()]
    lines += ["Juma changed the group description", "Amina changed this group's icon", "You deleted this message"]
    found = 0
    for line in lines:
        expected = every.find(line, in_context=True)
        assert book.find(line, in_context=True) == expected, line
        found += expected is not None
    assert found > 150


def test_the_book_writes_no_pattern_until_a_line_needs_it():
    from wa_pipeline.whatsapp.export_phrases import _pattern_source

    book = phrase_book.__wrapped__()
    templates = [phrase.pattern for phrase in book.phrases if phrase.pattern is not None]
    templates += [pattern for pattern, _ in book.actor_led]
    assert len(templates) > 1000
    assert all(template._source is None for template in templates)
    found = book.find_by_actor("Juma changed this group's icon", "Juma")
    assert found is not None and found.phrase.meaning == "icon_changed"
    led = next(pattern for pattern, phrase in book.actor_led if phrase is found.phrase)
    # Written when a line first met it, as it would have been at once.
    assert led._source == _pattern_source(" changed this group's icon", whole=True)


_SAME_UNDER_IGNORECASE = {"s": "\u017f", "k": "\u212a", "i": "\u0130"}


def _every_actor_led(book, line: str, sender: str):
    """What `find_by_actor` read before its templates were kept by their first character: each tried in turn."""
    line = without_unsaved_mark(line)
    if not line.startswith(sender):
        return None
    rest = line[len(sender) :].rstrip()
    for pattern, phrase in book.actor_led:
        match = pattern.match(rest)
        if match:
            return phrase, {"actor": sender, **{k: v.strip() for k, v in match.groupdict().items() if v is not None}}
    return None


def test_an_actor_led_line_is_read_as_trying_every_actor_led_template_reads_it():
    book = phrase_book()
    lines = []
    for _, phrase in book.actor_led:
        text = re.sub(r"\{\w+\}", "Juma", phrase.text.removeprefix("{actor}"))
        # Case changed both ways (Turkish "ı" and "İ" among them), another space before it, a full stop after it.
        lines += [text, text.upper(), text.lower(), text.casefold(), "\u00a0" + text.lstrip(), f"  {text}.", text[1:]]
        # Its first letter as another letter that IGNORECASE takes for it (the long s, the Kelvin sign, dotted I).
        opening = text.lstrip()[:1]
        if opening.lower() in _SAME_UNDER_IGNORECASE:
            lines.append(" " + _SAME_UNDER_IGNORECASE[opening.lower()] + text.lstrip()[1:])
    lines += [" left the keys at the shop", "", " ", ": Juma", " Juma", "\u200cJuma"]
    found = 0
    for rest in lines:
        got = book.find_by_actor(f"Amina{rest}", "Amina")
        expected = _every_actor_led(book, f"Amina{rest}", "Amina")
        assert (got and (got.phrase, got.fields)) == expected, rest
        found += expected is not None
    assert found > 5000
    assert any(line[1:2] in _SAME_UNDER_IGNORECASE.values() for line in lines)


def test_an_actor_led_line_writes_only_the_patterns_that_could_read_it():
    book = phrase_book.__wrapped__()
    found = book.find_by_actor("Juma left", "Juma")
    assert found is not None and found.phrase.meaning == "member_left"
    written = [pattern for pattern, _ in book.actor_led if pattern._source is not None]
    # Those whose words after the actor open with an "l" or "L" (or a placeholder), of some 1,900.
    assert 0 < len(written) < 100, len(written)
