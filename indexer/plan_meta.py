"""A plan's title, organisation and period, read from its own text.

Example::

    plan = plan_metadata(text, plan_id="cica-action-plan", file="cica.txt", sha256="...")
    plan.organisation  # "CICA"
"""

from __future__ import annotations

import re

from indexer.models import Plan, Section
from indexer.text import fold, strip_markup

TITLE_WORDS = re.compile(r"\b(plan of action|action plan|integrative plan)\b", re.I)
# other names a plan goes by, tried when no line names a plan of action
OTHER_TITLE_WORDS = re.compile(r"\b(work ?programme|work ?program|action programme|programme of action|strategy"
                               r"|road ?map|plan)\b", re.I)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
PERIOD = re.compile(
    rf"\(?\b(?:{_MONTH}\s+)?(?:19|20)\d\d\s*[-–]\s*(?:{_MONTH}\s+)?(?:19|20)\d\d\)?"
    r"|\b(?:19|20)\d\d\b", re.I)
ACRONYM_DEF = re.compile(r"^([A-Za-z][A-Za-z ]{1,12}?)\t(.+)$", re.M)
ORG_ACRONYM = re.compile(r"\b([A-Z]{2,6}[a-z]?[A-Z]?[a-z]?)\b")
SKIP_ACRONYMS = {"OF", "THE", "IN", "ON", "AND", "FOR", "ITS", "IS", "WB", "EU", "UN"}


def _title_lines(text: str) -> list[str]:
    """The lines that name the plan: the one with "plan of action" and its continuations."""
    lines = [strip_markup(ln).strip("# ") for ln in text.split("\n")[:60]]
    lines = [ln for ln in lines if ln and ln not in {"-"}]
    for idx, ln in enumerate(lines):
        if TITLE_WORDS.search(ln) and len(ln) < 200:
            block = [ln]
            if len(ln.split()) <= 5:  # a generic title ("INTEGRATIVE PLAN OF ACTION"): name above
                k = idx - 1
                while k >= 0 and idx - k <= 2 and len(lines[k]) < 60 and lines[k][:1].isupper():
                    block.insert(0, lines[k])
                    k -= 1
            for nxt in lines[idx + 1: idx + 4]:
                if fold(nxt).lower() in fold(ln).lower() or TITLE_WORDS.search(nxt) and nxt.isupper():
                    continue  # the same title repeated (e.g. a bold banner)
                if PERIOD.fullmatch(nxt.strip("() ")):
                    block.append(nxt)
                    break
                if (nxt.isupper() and len(nxt) < 160) or re.match(r"^(for|of|on|in)\b", nxt):
                    block.append(nxt)
                else:
                    break
            return block
    return _other_title(lines)


def _other_title(lines: list[str]) -> list[str]:
    """A title for a document with no 'plan of action' line: a short line naming a programme,
    strategy or plan, else the first short line, else the first sentence of the first line — never
    a whole paragraph."""
    for ln in lines[:30]:
        if OTHER_TITLE_WORDS.search(ln) and len(ln) < 200 and not ln.endswith((".", ";", ",")):
            return [ln]
    for ln in lines[:10]:
        if 8 <= len(ln) < 150 and not ln.endswith((".", ";", ",", ":")) and re.search(r"[A-Za-z]{3}", ln):
            return [ln]
    first = re.split(r"(?<=[.;:])\s", lines[0], maxsplit=1)[0] if lines else ""
    return [first if len(first) <= 150 else first[:150].rsplit(" ", 1)[0]]


def _keep_upper(text: str) -> set[str]:
    """Upper-case words that the document also writes in upper case inside mixed-case prose."""
    keep: set[str] = set()
    for ln in text.split("\n"):
        if ln.isupper():
            continue
        keep.update(w for w in re.findall(r"\b[A-Z]{2,6}\b", ln))
    return keep


def _tidy_case(title: str, keep: set[str], first: bool = True) -> str:
    if not any(c.islower() for c in title):
        small = {"of", "the", "in", "on", "and", "for", "its", "particularly", "particular", "to"}
        words = []
        for i, w in enumerate(title.split()):
            core = re.sub(r"\W", "", w)
            if (i or not first) and w.lower() in small:
                words.append(w.lower())
            elif core in keep:
                words.append(w)
            else:
                words.append(re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), w, count=1))
        return " ".join(words)
    return title


def plan_metadata(text: str, *, plan_id: str, file: str, sha256: str) -> Plan:
    """Build the Plan record: title (readable case), organisation acronym, period as written."""
    block = _title_lines(text)
    keep = _keep_upper(text)
    title = fold(" ".join(_tidy_case(fold(ln), keep, i == 0) for i, ln in enumerate(block)))
    period = ""
    m = PERIOD.search(" ".join(block)) or _first_page_span(text)
    if m:
        period = fold(m.group(0).strip("() "))
    organisation = _organisation(title, text, keep)
    return Plan(id=plan_id, title=title, organisation=organisation, period=period, file=file,
                sha256=sha256, short="" if organisation else topic_name(title, period))


YEAR_SPAN = re.compile(r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\b")


def _first_page_span(text: str) -> re.Match[str] | None:
    """A span of years ("2017-2020") on the first page, for a title that names none."""
    return YEAR_SPAN.search(text[:1500])


def _organisation(title: str, text: str, keep: set[str]) -> str:
    for w in ORG_ACRONYM.findall(title):
        if w.upper() not in SKIP_ACRONYMS and w in keep:
            return w
    # a long name in the title defined in the document's acronym list ("WBCSCi<TAB>Western ...")
    low = title.lower()
    best = ""
    for acr, long in ACRONYM_DEF.findall(text):
        long = fold(long)
        if len(long) > 12 and long.lower() in low and len(long) > len(best):
            best, org = long, acr.strip()
    if best:
        return org
    # the acronym the first page uses most (at least twice), e.g. "ASEAN" in a work programme
    counts: dict[str, int] = {}
    for w in ORG_ACRONYM.findall(text[:3000]):
        if w.upper() not in SKIP_ACRONYMS and w in keep and not re.fullmatch(r"[IVXLC]+", w):
            counts[w] = counts.get(w, 0) + 1
    if counts and max(counts.values()) >= 2:
        return max(counts, key=lambda w: (counts[w], -text.find(w)))
    return ""


GENERIC = {"plan", "plans", "action", "actions", "of", "the", "on", "in", "for", "and", "to", "against", "a", "an",
           "work", "programme", "program", "implement", "implementing", "integrative", "strategy", "regional",
           "national", "combating", "combat", "fight", "fighting", "cooperation", "among", "between", "its", "measures",
           "activities", "document", "adopted"}


def topic_name(title: str, period: str) -> str:
    """A short name for a plan whose organisation is not found: its first topic words and years,
    'Transnational Crime 2024-2026' for a 'Work Programme ... on Transnational Crime 2024-2026'."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", title) if w.lower() not in GENERIC]
    years = re.findall(r"(?:19|20)\d\d", period)
    topic = " ".join(words[:3])
    return f"{topic[:1].upper()}{topic[1:]} {'-'.join(dict.fromkeys(years))}".strip()


def glossary_pairs(text: str, sections: list[Section]) -> list[tuple[str, str]]:
    """The plan's own acronym list ("CoE<TAB>Council of Europe"): (short, long) pairs from its
    glossary sections, read from the raw lines where the tab still separates the two."""
    pairs = []
    for s in sections:
        if s.kind != "glossary":
            continue
        for line in text[s.char_start:s.char_end].split("\n"):
            cells = [c.strip() for c in line.split("\t") if c.strip()]
            if len(cells) == 2:
                pairs.append((cells[0], cells[1]))
    return pairs
