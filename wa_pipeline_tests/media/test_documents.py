import dataclasses
import re

import pytest

from wa_pipeline.media.documents import extract_document
from wa_pipeline.media.media_errors import MediaFailed
from wa_pipeline.media.sniff import sniff
from wa_pipeline_tests.media.make_fixtures import INVOICE


def invoice_fields(text: str) -> dict[str, str | None]:
    number = re.search(r"\bINV-\d{4}-\d{4}\b", text)
    total = re.search(r"Total (KES [\d,]+)", text)
    date = re.search(r"Date: (\d{2}/\d{2}/\d{4})", text)
    return {
        "number": number.group(0) if number else None,
        "total": total.group(1) if total else None,
        "date": date.group(1) if date else None,
    }


@pytest.mark.parametrize("kind", ["text_pdf", "scanned_pdf", "docx", "text"])
def test_invoice_fields_are_found_exactly(documents, settings, kind):
    fixture = documents[kind]
    result = extract_document(fixture.path, sniff(fixture.path).mime, settings)
    assert invoice_fields(result.text) == INVOICE
    if kind == "scanned_pdf":
        assert result.ocr_pages == 1 and 0.8 < result.confidence <= 1
    else:
        assert result.ocr_pages == 0 and result.confidence == 1.0


def test_the_page_cap_reads_only_the_first_pages(tmp_path, settings):
    from pypdf import PdfReader, PdfWriter

    from wa_pipeline_tests.media.make_fixtures import INVOICE_LINES, text_pdf

    writer = PdfWriter()
    for number in range(5):
        page_pdf = PdfReader(__import__("io").BytesIO(text_pdf([f"PAGE {number}", *INVOICE_LINES])))
        writer.add_page(page_pdf.pages[0])
    path = tmp_path / "long.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    result = extract_document(path, "application/pdf", dataclasses.replace(settings, pdf_max_pages=2))
    assert "PAGE 1" in result.text and "PAGE 2" not in result.text
    assert result.note == "first 2 of 5 pages"


def test_an_encrypted_pdf_is_rejected_with_a_reason(bad_inputs, settings):
    with pytest.raises(MediaFailed, match="encrypted PDF"):
        extract_document(bad_inputs["encrypted_pdf"], "application/pdf", settings)


def test_a_page_tree_that_loops_is_rejected(bad_inputs, settings):
    with pytest.raises(MediaFailed, match="cyclic"):
        extract_document(bad_inputs["cyclic_pdf"], "application/pdf", settings)


def test_a_pdf_that_parses_for_too_long_is_killed_by_the_timeout(bad_inputs, settings):
    # Forty pages of two million content tokens each: seconds per page, far past a 3 s budget on any machine.
    with pytest.raises(MediaFailed, match="ran over 3 s and was stopped"):
        extract_document(
            bad_inputs["token_flood_pdf"], "application/pdf", dataclasses.replace(settings, document_timeout_s=3)
        )


def test_a_document_that_needs_too_much_memory_is_stopped(bad_inputs, settings):
    # The same file under a 120 MB address-space cap: the worker dies, the caller gets a reason.
    with pytest.raises(MediaFailed, match="more than 120 MB"):
        extract_document(
            bad_inputs["token_flood_pdf"],
            "application/pdf",
            dataclasses.replace(settings, document_memory_mb=120, document_timeout_s=60),
        )
