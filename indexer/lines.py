"""Line-level structure of a plan: what kind of line each is (heading, numbered item, bullet,
attribute, table, glossary) and where a unit, the title block or a table ends.

Example::

    heading_of("## 4) PRIORITY AREAS", next_nonblank=None, followed_by_blank=True)  # (2, "4) PRIORITY AREAS")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer import tables
from indexer.text import strip_markup

ATTR = re.compile(r"^\s*(?:[-•*]\s*)?\*?(?:(Responsible|Deadline|Starting|Note|Funding|Timeline)\b"
                  r"|(Lead(?:\s+(?:agency|agencies|country|countries|institution|partner|body))?|Implementing"
                  r"\s+(?:body|bodies|agency|agencies|partners?)|Responsible\s+(?:body|bodies|agency|party|parties)"
                  r"|Time\s*frame|Timetable|Due(?:\s+date)?|Target\s+date|Budget|Resources|Source\s+of\s+funding"
                  r"|Funding\s+source)\*?\s*:)", re.IGNORECASE)
# an action introduced by its label: "Action Line 2.1: ...", "Activity: ...", "Measure 3: ..."
ACTION_LABEL = re.compile(r"^\s*(?:[-•*]\s+)?\*?(?:Action\s+Line|Action|Activity|Measure)\s*"
                          r"(\d{1,2}(?:\.\d{1,2})*)?\s*\*?\s*[:.]\s*\*?\s*(\S.*)$", re.IGNORECASE)
MD_HEADING = re.compile(r"^\s*(#{1,6})\s+(.*\S)\s*$")
LETTERED = re.compile(r"^\s*(?:[-•]\s*)?([A-H])\.\s+(\S.*)$")
ROMAN = re.compile(r"^\s*([IVX]{1,5})\.\s+(\S.*)$")
PAREN_NUM = re.compile(r"^\s*(?:\*\*)?\s*(\d{1,2})\)\s*(?:\*\*)?\s*(\S.*)$")
PAREN_LETTER = re.compile(r"^\s*(?:\*\*)?\s*([a-k])\)\s*(?:\*\*)?\s*(\S.*)$")
NUMBERED = re.compile(r"^\s*(?:[-•*]\s+)?(\d{1,2}(?:\.\d{1,2})*)[.)]?\s+(\S.*)$")
BULLET = re.compile(r"^\s*[-•*–]\s+(\S.*)$")


@dataclass
class Line:
    no: int  # 1-based
    start: int
    end: int  # exclusive, no newline
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip() or self.text.strip() in {"-", "\u00a0"}


def split_lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for no, raw in enumerate(text.split("\n"), start=1):
        lines.append(Line(no, pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def _clean_heading(text: str) -> str:
    return strip_markup(text).strip(" :-*#")


def heading_of(line: str, next_nonblank: str | None, followed_by_blank: bool) -> tuple[int, str] | None:
    """(level, title) when the line is a heading, else None."""
    m = MD_HEADING.match(line)
    if m:
        title = _clean_heading(m.group(2))
        # explicit numbering beats inconsistent Markdown levels: "3)" parts, "a)" sub-parts
        if PAREN_NUM.match(title):
            return 2, title
        if PAREN_LETTER.match(title):
            return 3, title
        return len(m.group(1)), title
    stripped = strip_markup(line)
    if not stripped or "\t" in line:
        return None
    m = ROMAN.match(line)
    if m and len(stripped) < 120:
        return 1, _clean_heading(line)
    m = PAREN_NUM.match(line)
    if m and len(stripped) < 120 and not stripped.endswith((".", ";", ",")):
        return 2, _clean_heading(line)
    m = PAREN_LETTER.match(line)
    if m and len(stripped) < 120 and not stripped.endswith((";", ",")):
        return 3, _clean_heading(line)
    m = LETTERED.match(line)
    if m:
        return 2, _clean_heading(line)
    m = NUMBERED.match(line)
    if m and len(stripped) < 100 and followed_by_blank and not stripped.endswith((".", ";", ",", ":")):
        return 3, _clean_heading(re.sub(r"^\s*\d+[.)]\s*", "", line))
    if (len(stripped) <= 60 and followed_by_blank and not BULLET.match(line) and not ACTION_LABEL.match(line)
            and not stripped.endswith((".", ";", ",", ":")) and next_nonblank is not None
            and len(strip_markup(next_nonblank)) > 60 and not ATTR.match(line)):
        return 4, _clean_heading(line)
    return None


def _is_table_line(line: Line) -> bool:
    return tables.is_table_line(line.text)


def _is_glossary(line: Line) -> bool:
    cells = line.text.split("\t")
    return len(cells) in (2, 3) and all(c.strip() for c in cells[:2])


def _title_block_end(lines: list[Line]) -> int:
    """Index after the title block: the short lines at the top, before the first body text."""
    seen = 0
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if ln.blank:
            i += 1
            continue
        clean = strip_markup(ln.text)
        if _is_glossary(ln) or _is_table_line(ln) or len(clean) > 220 or seen >= 700:
            break
        # the body starts at a numbered part, even when written as a Markdown heading
        # ("## 1) INTRODUCTION"), or at a numbered item or Responsible/Deadline line
        if (re.match(r"^(introduction|list of|acronyms|contents)\b", clean, re.I)
                or any(p.match(clean) for p in (PAREN_NUM, ROMAN, LETTERED, NUMBERED, ATTR, ACTION_LABEL))):
            break
        seen += len(clean)
        i += 1
    return i if seen else 0


def _table_block_end(lines: list[Line], i: int) -> int:
    """Index after the last table line of the block starting at i (blank/footnotes may interleave)."""
    last = i
    j = i
    while j < len(lines):
        if _is_table_line(lines[j]):
            last = j
        elif not lines[j].blank and j - last > 3:
            break
        j += 1
    return last + 1


def _unit_end(lines: list[Line], i: int) -> int:
    """End of the unit starting at line i: its continuation lines and attribute sub-lines."""
    n = len(lines)
    first = lines[i].text
    is_item = bool(NUMBERED.match(first) or LETTERED.match(first) or ACTION_LABEL.match(first))
    is_bullet = bool(BULLET.match(first)) and not is_item
    base_indent = len(first) - len(first.lstrip())
    j = i + 1
    while j < n:
        t = lines[j].text
        if lines[j].blank:
            # an item's attribute lines may follow after a blank line
            k = j + 1
            while k < n and lines[k].blank:
                k += 1
            attr = ATTR.match(lines[k].text) if k < n else None
            if is_item and attr and (attr.group(1) or "").lower() != "note":
                j = k
                continue
            break
        if _is_table_line(lines[j]) or MD_HEADING.match(t):
            break
        indent = len(t) - len(t.lstrip())
        if is_item:
            if ATTR.match(t) or (indent > base_indent and BULLET.match(t)):
                j += 1
                continue
            if NUMBERED.match(t) or LETTERED.match(t) or ROMAN.match(t) or ACTION_LABEL.match(t):
                break
            j += 1
            continue
        if is_bullet:
            if (BULLET.match(t) or not (NUMBERED.match(t) or LETTERED.match(t))) and not ACTION_LABEL.match(t):
                j += 1
                continue
            break
        if NUMBERED.match(t) or BULLET.match(t) or LETTERED.match(t) or ROMAN.match(t) or ACTION_LABEL.match(t):
            break
        j += 1
    return j
