"""Action records from prose plans: numbered items with their Responsible/Deadline lines.

Table rows become actions in ``indexer.tables.row_actions``; this module handles the rest:
BSEC-style lettered directions with numbered actions, CICA issues under Roman areas, ECO
numbered measures. The action number joins the heading numbers with the item's: ``C.1``,
``II.3``, ``4.b.1``.

Example::

    actions = prose_actions(parsed.plan, parsed.sections)
"""

from __future__ import annotations

import re

from indexer.dates import parse_timeline
from indexer.funding import funding_status, parse_amounts
from indexer.lines import ACTION_LABEL
from indexer.models import Action, Plan, Section

# the names of an action's attribute lines ("Responsible:", "Lead agency:", "Timeframe:", "Budget:")
ATTR_NAMES = (r"Responsible(?:\s+(?:body|bodies|agency|party|parties))?|Lead(?:\s+(?:agency|agencies|country|"
              r"countries|institution|partner|body))?|Implementing\s+(?:body|bodies|agency|agencies|partners?)"
              r"|Deadline|Starting|Timeline|Time\s*frame|Timetable|Due(?:\s+date)?|Target\s+date"
              r"|Funding(?:\s+source)?|Source\s+of\s+funding|Budget|Resources")
ATTR_RE = re.compile(rf"\b({ATTR_NAMES})\s*\*?:\*?\s*(.*?)(?=\s*[-–]?\s*\b(?:{ATTR_NAMES})\s*\*?:|$)", re.I)
ATTR_TAIL = re.compile(rf"\s*[-–]?\s*\b({ATTR_NAMES}|Starting)\s*\*?:.*$", re.I | re.S)
HEAD_NUM = re.compile(r"^\s*(?:(\d{1,2})\)|([a-k])\)|([A-H])\.|([IVX]{1,5})\.)\s")
ITEM_NUM = re.compile(r"^\s*(?:[-•*]\s+)?(\d{1,2}(?:\.\d{1,2})*)[.)]?\s+")
SPLIT_DRIVERS = re.compile(r"\s*(?:;|,|\band\b|\bwith\b)\s*")
# Who does it, when no Responsible line says so: the agent of a passive ("shall be studied and
# disseminated by the IOM") or a "Member States will ..." subject. Both are written in the item.
AGENT = re.compile(r"\b(?:shall|will|should|must|may|is to|are to)\s+be\s+(?:[a-z]+\s+){0,4}?[a-z]+ed"
                   r"\s+by\s+(?:the\s+)?(?P<who>[A-Z][\w\-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w\-]*)*)")
SUBJECT = re.compile(r"^(?:The\s+)?(?:[A-Z]{2,5}\s+)?(?P<who>Member States|Working Group)\b[^.;]{0,90}?"
                     r"\s(?:will|shall|should|are to)\b(?!\s+be\s+(?:held|organized|organised)\b)")
# "1. Meetings of the Working Group The Meeting ... will be held": a numbered heading and its body
NUMBERED_HEAD = re.compile(r"^\s*(\d{1,2})[.)]\s+")
# A time phrase inside an item that has no Deadline line ("twice yearly seminars ... beginning 2009")
INLINE_WHEN = re.compile(r"\btwice\s+(?:a\s+|per\s+)?year(?:ly)?\b|\b(?:once\s+a|each|every)\s+year\b"
                         r"|\bannually\b|\b(?:beginning|starting|from)\s+(?:in\s+)?(?:19|20)\d\d\b", re.I)


def attr_key(name: str) -> str:
    """The record field an attribute line fills: responsible, deadline, starting, timeline, funding."""
    k = re.sub(r"\s+", " ", name.lower())
    if k.startswith(("responsible", "lead", "implementing")):
        return "responsible"
    if k.startswith(("deadline", "due", "target")):
        return "deadline"
    if k.startswith(("time", "timetable")):
        return "timeline"
    if k.startswith(("funding", "source", "budget", "resources")):
        return "funding"
    return k


def _head_numbers(path: tuple[str, ...]) -> list[str]:
    nums = []
    for head in path:
        m = HEAD_NUM.match(head + " ")
        if m:
            nums.append(next(g for g in m.groups() if g))
    return nums


def split_drivers(text: str) -> tuple[str, ...]:
    """'Member States and Country Coordinator of the Working Group' -> two drivers."""
    text = text.strip(" .;:")
    parts = [p.strip(" .;:") for p in SPLIT_DRIVERS.split(text) if p and p.strip(" .;:")]
    # "the Chairmanships-in-Office of BSEC" keeps its words; drop leading articles
    return tuple(re.sub(r"^(?:the)\s+", "", p, flags=re.I) for p in parts)


def _title(body: str) -> str:
    first = re.split(r"(?<=[.;:])\s+|\s+(?=Responsible\s*:)", body, maxsplit=1)[0]
    # a trailing bullet dash ("... Action Plan - Responsible:") or list comma is not the title's
    first = first.strip(" .;:,-–")
    return first if len(first) <= 200 else first[:200].rsplit(" ", 1)[0] + " …"


def _drivers_from_text(body: str) -> tuple[tuple[str, ...], str | None]:
    """Drivers named in the item's own sentence, with a note saying so; ((), None) if none."""
    m = AGENT.search(body) or SUBJECT.match(body)
    if not m:
        return (), None
    who = m.group("who")
    return (who,), (f"no Responsible line: driver {who!r} read from the action text "
                    f"({m.group(0).strip()!r})")


def _inline_timeline(body: str) -> str:
    """The time phrase of an item without a Deadline line, as written (first to last mention)."""
    found = list(INLINE_WHEN.finditer(body))
    return body[found[0].start():found[-1].end()] if found else ""


def prose_actions(plan: Plan, sections: list[Section] | tuple[Section, ...]) -> list[Action]:
    """One Action per numbered item (kind 'item'), and per heading whose body is only
    Responsible/Deadline lines (e.g. a direction with no numbered sub-actions)."""
    actions: list[Action] = []
    seen: dict[str, int] = {}
    headed = 0  # numbered headings with a prose body seen so far in this plan
    labelled: dict[tuple[str, ...], int] = {}  # "Action Line:" items seen per heading
    for s in sections:
        if s.kind == "table_row":
            continue
        attrs = {attr_key(k): v.strip(" .;*") for k, v in ATTR_RE.findall(s.text)}
        m = ITEM_NUM.match(s.text)
        lab = ACTION_LABEL.match(s.text) if s.kind == "item" and not m else None
        h = NUMBERED_HEAD.match(s.text)
        heading = s.heading_path[-1] if s.heading_path else ""
        if s.kind == "paragraph" and h and heading and s.text[h.end():].startswith(heading):
            # a numbered heading with its body (BSEC 2021 numbers every one of them "1."):
            # numbered here in the order they come
            headed += 1
            number, title = str(headed), heading
            body = s.text[h.end() + len(heading):].strip() or heading
        elif lab:  # "Action Line 2.1: ...", "Activity: ..." (numbered in order under its heading)
            labelled[s.heading_path] = labelled.get(s.heading_path, 0) + 1
            body = lab.group(2)
            number = ".".join(_head_numbers(s.heading_path) + [lab.group(1) or str(labelled[s.heading_path])])
            title = _title(body)
        elif s.kind == "item" and m:
            body = s.text[m.end():]
            number = ".".join(_head_numbers(s.heading_path) + [m.group(1)])
            title = _title(body)
        elif attrs and ("responsible" in attrs) and re.match(r"^\s*(?:[-•]\s*)?(Responsible|Deadline)", s.text, re.I):
            nums = _head_numbers(s.heading_path)
            if not nums:
                continue
            number = ".".join(nums)
            title = re.sub(r"^\s*\S+\s+", "", s.heading_path[-1])
            body = s.text
        else:
            continue
        notes: list[str] = []
        if h and s.kind == "paragraph" and h.group(1) != number:
            notes.append(f"the document numbers this heading {h.group(1)!r}; numbered {number} by its order")
        timeline = attrs.get("deadline") or ("Starting: " + attrs["starting"] if "starting" in attrs
                                              else attrs.get("timeline", ""))
        if not timeline and s.kind in ("item", "paragraph"):
            timeline = _inline_timeline(body)
            if timeline:
                notes.append("no Deadline line: timeline read from the action text")
        tl = parse_timeline(timeline) if timeline else None
        funding = attrs.get("funding", "")
        need = next((h for h in reversed(s.heading_path)), "")
        if s.kind == "item" and s.heading_path:
            need = s.heading_path[-1]
        base = f"{plan.id}:{number}"
        seen[base] = seen.get(base, 0) + 1
        aid = base if seen[base] == 1 else f"{base}-{seen[base]}"
        r = tl.range if tl else None
        if "responsible" in attrs:
            drivers = split_drivers(attrs["responsible"])
        else:
            drivers, why = _drivers_from_text(body)
            if why:
                notes.append(why)
        actions.append(Action(
            id=aid, plan=plan.id, number=number, need=need, title=title,
            text=ATTR_TAIL.sub("", body).strip() or title,
            drivers=drivers,
            status=tl.status if tl else "unknown", timeline=timeline,
            start=r.start if r else None, end=r.end if r else None,
            precision=r.precision if r else None, recurrence=r.recurrence if r else None,
            funding=funding, funding_status=funding_status(funding) if funding else "unknown",
            amounts=parse_amounts(s.text), section_id=s.id, file=s.file,
            line_start=s.line_start, line_end=s.line_end, notes=tuple(notes)))
    return actions
