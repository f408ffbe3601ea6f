"""The parts of an .xlsx package an upsert touches: which worksheet part holds a tab, adding a tab, and writing
the package again with one part rewritten and every other part copied as it was.

Only the small parts (workbook, relationships, content types) are parsed whole; worksheets are streamed
(see `sheet_stream`), so a tab of any size costs the same memory to copy.
"""

from __future__ import annotations

import posixpath
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from lxml import etree
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_REL = f"{DOC_REL_NS}/worksheet"
SHARED_STRINGS_REL = f"{DOC_REL_NS}/sharedStrings"
STYLES_REL = f"{DOC_REL_NS}/styles"
CALC_CHAIN_REL = f"{DOC_REL_NS}/calcChain"
OFFICE_DOCUMENT_REL = f"{DOC_REL_NS}/officeDocument"
WORKSHEET_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
ROOT_RELS_PART = "_rels/.rels"

# No DTDs, entities or network: a workbook is a file anyone could have edited.
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)

PartWriter = Callable[[IO[bytes]], None]


@dataclass(frozen=True)
class CellFormats:
    """Which cell styles show a number as a date or a duration, and the workbook's day zero."""

    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()
    epoch: datetime = WINDOWS_EPOCH


def parse_part(data: bytes) -> etree._Element:
    return etree.fromstring(data, XML_PARSER)


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


@dataclass
class XlsxPackage:
    """An open .xlsx file: its tabs in order and the parts an upsert edits, read once and edited in memory."""

    archive: zipfile.ZipFile
    workbook_part: str
    workbook: etree._Element
    workbook_rels: etree._Element
    content_types: etree._Element
    # Parts whose new bytes replace the stored ones on save, and parts left out of the saved package.
    edited: set[str] = field(default_factory=set)
    # The stylesheet, parsed on first use (only when a number format is asked for).
    styles: etree._Element | None = None
    dropped: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, archive: zipfile.ZipFile) -> XlsxPackage:
        root_rels = parse_part(archive.read(ROOT_RELS_PART))
        workbook_part = next(
            _resolve("", rel.get("Target", ""))
            for rel in root_rels.iter(f"{{{PACKAGE_REL_NS}}}Relationship")
            if rel.get("Type") == OFFICE_DOCUMENT_REL
        )
        return cls(
            archive=archive,
            workbook_part=workbook_part,
            workbook=parse_part(archive.read(workbook_part)),
            workbook_rels=parse_part(archive.read(_rels_part(workbook_part))),
            content_types=parse_part(archive.read(CONTENT_TYPES_PART)),
        )

    def _relationships(self) -> list[etree._Element]:
        return list(self.workbook_rels.iter(f"{{{PACKAGE_REL_NS}}}Relationship"))

    def _part_of_rel(self, rel: etree._Element) -> str:
        return _resolve(self.workbook_part, rel.get("Target", ""))

    def tabs(self) -> list[tuple[str, str]]:
        """(tab name, worksheet part) in the workbook's tab order."""
        parts = {
            rel.get("Id"): self._part_of_rel(rel) for rel in self._relationships() if rel.get("Type") == WORKSHEET_REL
        }
        found = []
        for sheet in self.workbook.iter(f"{{{MAIN_NS}}}sheet"):
            part = parts.get(sheet.get(f"{{{DOC_REL_NS}}}id"))
            if part is not None:
                found.append((sheet.get("name", ""), part))
        return found

    def part_of(self, tab: str) -> str | None:
        return dict(self.tabs()).get(tab)

    def shared_strings_part(self) -> str | None:
        for rel in self._relationships():
            if rel.get("Type") == SHARED_STRINGS_REL:
                part = self._part_of_rel(rel)
                return part if part in self.archive.namelist() else None
        return None

    def cell_formats(self) -> CellFormats:
        """Date and duration styles as openpyxl finds them, so numbers read back as it reads them."""
        properties = self.workbook.find(f"{{{MAIN_NS}}}workbookPr")
        date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
        epoch = CALENDAR_MAC_1904 if date1904 else WINDOWS_EPOCH
        for rel in self._relationships():
            part = self._part_of_rel(rel)
            if rel.get("Type") == STYLES_REL and part in self.archive.namelist():
                stylesheet = Stylesheet.from_tree(parse_part(self.archive.read(part)))
                return CellFormats(frozenset(stylesheet.date_formats), frozenset(stylesheet.timedelta_formats), epoch)
        return CellFormats(epoch=epoch)

    def _styles_part(self) -> str | None:
        for rel in self._relationships():
            part = self._part_of_rel(rel)
            if rel.get("Type") == STYLES_REL and part in self.archive.namelist():
                return part
        return None

    def _stylesheet(self) -> str:
        """The stylesheet's part name, its tree loaded into `self.styles` once."""
        part = self._styles_part()
        if part is None:
            raise ValueError("the workbook has no stylesheet")
        if self.styles is None:
            self.styles = parse_part(self.archive.read(part))
        return part

    def _cell_style(self, part: str, by: str, flag: str, attributes: dict[str, str]) -> str:
        """The index of the cell style whose `by` attribute is the one in `attributes` and that sets `flag`
        (applyFont, applyNumberFormat), added to the stylesheet the first time."""
        cell_styles = self.styles.find(f"{{{MAIN_NS}}}cellXfs")
        for index, xf in enumerate(cell_styles):
            if xf.get(by) == attributes[by] and xf.get(flag) == "1":
                return str(index)
        xf = {**attributes, "fillId": "0", "borderId": "0", "xfId": "0", flag: "1"}
        etree.SubElement(cell_styles, f"{{{MAIN_NS}}}xf", **xf)
        cell_styles.set("count", str(len(cell_styles)))
        self.edited.add(part)
        return str(len(cell_styles) - 1)

    def number_style(self, format_code: str) -> str:
        """The index of a cell style showing numbers with `format_code` (a date format shows a serial as a date),
        added to the stylesheet the first time a workbook needs it."""
        part = self._stylesheet()
        main = f"{{{MAIN_NS}}}"
        formats = self.styles.find(f"{main}numFmts")
        format_id = next(
            (
                int(f.get("numFmtId"))
                for f in (formats if formats is not None else ())
                if f.get("formatCode") == format_code
            ),
            None,
        )
        if format_id is None:
            if formats is None:
                formats = etree.Element(f"{main}numFmts")
                self.styles.insert(0, formats)
            # Ids below 164 are the built-in formats.
            format_id = max([int(f.get("numFmtId")) for f in formats] + [163]) + 1
            etree.SubElement(formats, f"{main}numFmt", numFmtId=str(format_id), formatCode=format_code)
            formats.set("count", str(len(formats)))
            self.edited.add(part)
        return self._cell_style(part, "numFmtId", "applyNumberFormat", {"numFmtId": str(format_id), "fontId": "0"})

    def header_style(self) -> str:
        """The index of a bold cell style for header cells, added to the stylesheet the first time."""
        part = self._stylesheet()
        main = f"{{{MAIN_NS}}}"
        fonts = self.styles.find(f"{main}fonts")
        font_id = next(
            (i for i, font in enumerate(fonts) if _is_header_font(font, main)),
            None,
        )
        if font_id is None:
            font = etree.SubElement(fonts, f"{main}font")
            etree.SubElement(font, f"{main}b")
            etree.SubElement(font, f"{main}sz", val="11")
            etree.SubElement(font, f"{main}name", val="Calibri")
            fonts.set("count", str(len(fonts)))
            font_id = len(fonts) - 1
            self.edited.add(part)
        return self._cell_style(part, "fontId", "applyFont", {"numFmtId": "0", "fontId": str(font_id)})

    def wrap_style(self) -> str:
        """The index of a cell style that wraps its text and shows it from the top (a message of several lines shows
        its first line first), added to the stylesheet the first time a workbook needs it."""
        part = self._stylesheet()
        main = f"{{{MAIN_NS}}}"
        cell_styles = self.styles.find(f"{main}cellXfs")
        for index, xf in enumerate(cell_styles):
            alignment = xf.find(f"{main}alignment")
            if (
                xf.get("applyAlignment") == "1"
                and xf.get("numFmtId", "0") == "0"
                and xf.get("fontId", "0") == "0"
                and alignment is not None
                and dict(alignment.attrib) == _WRAP
            ):
                return str(index)
        xf = etree.SubElement(
            cell_styles,
            f"{main}xf",
            numFmtId="0",
            fontId="0",
            fillId="0",
            borderId="0",
            xfId="0",
            applyAlignment="1",
        )
        etree.SubElement(xf, f"{main}alignment", **_WRAP)
        cell_styles.set("count", str(len(cell_styles)))
        self.edited.add(part)
        return str(len(cell_styles) - 1)

    def place_tab(self, tab: str, position: int) -> bool:
        """Move `tab` to index `position` among the tabs (or last) and open the workbook on the first tab;
        whether anything changed. Sheet-scoped names follow their sheets to the new indexes."""
        sheets = self.workbook.find(f"{{{MAIN_NS}}}sheets")
        elements = list(sheets)
        current = next((i for i, sheet in enumerate(elements) if sheet.get("name") == tab), None)
        if current is None:
            return False
        target = min(position, len(elements) - 1)
        changed = False
        if target != current:
            moved = elements.pop(current)
            elements.insert(target, moved)
            old_index = {id(sheet): i for i, sheet in enumerate(sheets)}
            new_of_old = {old_index[id(sheet)]: new for new, sheet in enumerate(elements)}
            sheets.remove(moved)
            sheets.insert(target, moved)
            for name in self.workbook.iter(f"{{{MAIN_NS}}}definedName"):
                local = name.get("localSheetId")
                if local is not None and local.isdigit() and int(local) in new_of_old:
                    name.set("localSheetId", str(new_of_old[int(local)]))
            changed = True
        for view in self.workbook.iter(f"{{{MAIN_NS}}}workbookView"):
            if view.get("activeTab", "0") != "0" or view.get("firstSheet", "0") != "0":
                view.set("activeTab", "0")
                view.set("firstSheet", "0")
                changed = True
        if changed:
            self.edited.add(self.workbook_part)
        return changed

    def add_tab(self, tab: str) -> str:
        """Register a new, empty worksheet after the others; returns its part name (written by the caller)."""
        used = set(self.archive.namelist()) | {part for _, part in self.tabs()}
        number = 1
        while f"xl/worksheets/sheet{number}.xml" in used:
            number += 1
        part = f"xl/worksheets/sheet{number}.xml"
        ids = {rel.get("Id") for rel in self._relationships()}
        rel_number = 1
        while f"rId{rel_number}" in ids:
            rel_number += 1
        rel_id = f"rId{rel_number}"
        etree.SubElement(
            self.workbook_rels,
            f"{{{PACKAGE_REL_NS}}}Relationship",
            {"Type": WORKSHEET_REL, "Target": f"/{part}", "Id": rel_id},
        )
        sheets = self.workbook.find(f"{{{MAIN_NS}}}sheets")
        if sheets is None:
            raise ValueError(f"{self.workbook_part} has no <sheets> element")
        sheet_ids = [int(s.get("sheetId", "0")) for s in sheets if s.get("sheetId", "").isdigit()]
        etree.SubElement(
            sheets,
            f"{{{MAIN_NS}}}sheet",
            {"name": tab, "sheetId": str(max(sheet_ids, default=0) + 1), f"{{{DOC_REL_NS}}}id": rel_id},
        )
        etree.SubElement(
            self.content_types,
            f"{{{CONTENT_TYPES_NS}}}Override",
            {"PartName": f"/{part}", "ContentType": WORKSHEET_CONTENT_TYPE},
        )
        self.edited |= {self.workbook_part, _rels_part(self.workbook_part), CONTENT_TYPES_PART}
        return part

    def drop_calc_chain(self) -> None:
        """Leave out the calculation chain: it names formula cells by position, and rows move (Excel rebuilds it)."""
        for rel in self._relationships():
            if rel.get("Type") == CALC_CHAIN_REL:
                part = self._part_of_rel(rel)
                self.workbook_rels.remove(rel)
                for override in list(self.content_types):
                    if override.get("PartName", "").lstrip("/") == part:
                        self.content_types.remove(override)
                self.dropped.add(part)
                self.edited |= {_rels_part(self.workbook_part), CONTENT_TYPES_PART}

    def save(self, out: IO[bytes], written: dict[str, PartWriter]) -> None:
        """Write the package to `out`: parts in `written` from their writers, edited parts, the rest copied."""
        small = {
            self.workbook_part: self.workbook,
            _rels_part(self.workbook_part): self.workbook_rels,
            CONTENT_TYPES_PART: self.content_types,
        }
        styles_part = self._styles_part()
        if self.styles is not None and styles_part is not None:
            small[styles_part] = self.styles
        now = time.localtime()[:6]
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
            seen = set()
            for info in self.archive.infolist():
                name = info.filename
                seen.add(name)
                if name in self.dropped:
                    continue
                if name in written:
                    _write_streamed(target, name, now, written[name])
                elif name in self.edited and name in small:
                    target.writestr(
                        _info(name, now),
                        etree.tostring(small[name], xml_declaration=True, encoding="UTF-8", standalone=True),
                    )
                else:
                    copy = _info(name, info.date_time)
                    with self.archive.open(info) as source, target.open(copy, "w") as sink:
                        shutil.copyfileobj(source, sink, 1 << 20)
            for name, writer in written.items():
                if name not in seen:
                    _write_streamed(target, name, now, writer)


_WRAP = {"vertical": "top", "wrapText": "1"}


def _is_header_font(font: etree._Element, main: str) -> bool:
    # The font `header_style` adds: bold, 11 pt Calibri, nothing else.
    return [child.tag for child in font] == [f"{main}b", f"{main}sz", f"{main}name"] and (
        font.find(f"{main}name").get("val") == "Calibri"
    )


def _info(name: str, date_time: tuple) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_streamed(target: zipfile.ZipFile, name: str, date_time: tuple, writer: PartWriter) -> None:
    with target.open(_info(name, date_time), "w") as sink:
        writer(sink)
