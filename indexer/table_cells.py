"""Cell-level helpers for ``indexer.tables``: classify, segment and split table cells.

The plans' tables were flattened from PDF: cells hold ``<ul>``/``<p>`` lists, several
drivers with their statuses and fundings sit in one cell, and cells slip into the wrong
column. These helpers say what a piece of cell text *reads like* (a status, a funding
source, a list of organisations, outputs) so that ``indexer.tables`` can put it back.

Example::

    >>> segments('<p>Europol</p> <p>initiated</p>')
    ['Europol', 'initiated']
    >>> is_pure_status('Ongoing 15.12.2015 – 14.6.2019'), is_funding_like('IPA II 2014')
    (True, True)
    >>> split_drivers("Italian Gov't with Austria and France", frozenset())
    ("Italian Gov't", 'Austria', 'France')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.dates import parse_status, parse_timeline
from indexer.funding import funding_status
from indexer.text import fold, strip_markup

STATUS_WORD = re.compile(r"^(?:on-?going|planned|planning|foreseen|initiated|done|completed|"
                         r"permanent|requested|tentative|being)$", re.I)
_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
MONTH = re.compile(rf"^{_MON}(?:-{_MON})?,?$", re.I)
DATEISH = re.compile(r"^[(\[]?(?:\d{1,2}[./]){1,2}\d{0,4}[-–)\]]*$|^[(\[]?(?:19|20)\d\d(?:[-–/]"
                     r"(?:19|20)?\d\d)?[-–)\],;]*$|^[-–]$|^Q[1-4](?:-\d)?$", re.I)
FILLER = {"for", "in", "by", "of", "the", "to", "from", "start", "starting", "tentative",
          "duration", "year", "years", "month", "months", "end", "being", "and", "as", "per",
          "onwards", "until", "till", "tbc", "bi-annual", "annual", "regional", "workshops",
          "semester", "each", "first", "half", "second", "quarter"}
FUND_WORD = re.compile(r"^(?:available|seeking|sought|funding|funded|negotiated|more|additional)"
                       r"[,;.]?$", re.I)
FUND_PHRASE = re.compile(r"(?:\b(?:more|additional)\s+)?\b(?:available|seeking(?:\s+additional)?"
                         r"(?:\s+funding)?|funding(?:\s+(?:sought|being\s+negotiated))?|sought)\b",
                         re.I)
SPLIT_SEGMENTS = re.compile(r"</?p>|<li>|</li>|<ul[^>]*>|</ul>|•")
DASH_BULLET = re.compile(r"(?:^|\s)-(?=\s|$)")
TITLE_P = re.compile(r"<p>\s*(\d+(?:\.\d+)+)\.?\s+(.*?)</p>", re.S)
PARENS = re.compile(r"\([^()]*\)")
LABEL = re.compile(r"^[A-Z][\w ]{0,20}(?:\s?\*|:)$")
STOP = {"of", "the", "and", "with", "for", "in", "under", "by", "on", "at", "to", "&", "–", "-"}
ROLE = re.compile(r"^(?:\(?\s*)?(?:.*\b(?:offered|initiated|supported|support|requested|led)"
                  r"\s+by\s+)", re.I)


def clean(cell: str) -> str:
    """Markup stripped, whitespace folded."""
    return strip_markup(cell or "")


def is_list(cell: str) -> bool:
    """The cell is written as a list (``<ul>``, ``<p>`` runs, or leading ``- `` bullets)."""
    c = (cell or "").lstrip()
    return c.startswith("-") or "<ul" in c or "<p>" in c or "<li>" in c


def has_bullets(cell: str) -> bool:
    """A ``<ul>`` list or text starting with a ``-`` bullet."""
    return (cell or "").lstrip().startswith("-") or "<ul" in (cell or "")


def segments(cell: str) -> list[str]:
    """The cell's items: ``<p>``/``<li>``/``<ul>`` boundaries and, in lists, ``- `` bullets."""
    out: list[str] = []
    for piece in SPLIT_SEGMENTS.split(cell or ""):
        parts = DASH_BULLET.split(piece) if has_bullets(cell) else [piece]
        out += [c for c in (clean(p) for p in parts) if c and c not in {"-", "–"}]
    return out


def words(text: str) -> list[str]:
    return clean(text).split()


def _tokens_outside_parens(text: str) -> list[str]:
    return PARENS.sub(" ", text).split()


def is_pure_status(text: str) -> bool:
    """Only status words, dates and filler: ``Foreseen (June 2019 – end 2020)``, ``May 2018``."""
    toks = [t.strip("()[],;:.") for t in clean(text).split()]
    toks = [t for t in toks if t]
    if not toks:
        return False
    timely = [t for t in toks if STATUS_WORD.match(t) or MONTH.match(t) or DATEISH.match(t)]
    rest = [t for t in toks if t not in timely and t.lower() not in FILLER]
    return any(t not in "-–" for t in timely) and not rest


def has_status(text: str) -> bool:
    return parse_status(clean(text)) != "unknown"


def is_funding_like(text: str) -> bool:
    """Names a funding source or state, parentheses aside: ``IPA II 2014``, ``Seeking funding``."""
    bare = PARENS.sub(" ", clean(text))
    return (funding_status(bare) != "unknown"
            or bool(re.search(r"\bfunding\b|\bstrand\b|\bcore\b|\bsought\b", bare, re.I)))


def is_fragment(text: str) -> bool:
    """Text that continues a sentence or a quotation begun elsewhere."""
    t = clean(text).lstrip("-•– ")
    return bool(t) and (t[0].islower() or (t.count('"') + t.count("“") + t.count("”")) % 2 == 1)


def name_ratio(text: str) -> float:
    """Share of capitalised words (organisation names) among the non-stop words."""
    toks = [t for t in _tokens_outside_parens(clean(text)) if t.lower() not in STOP
            and re.search(r"[A-Za-z]", t)]
    if not toks:
        return 0.0
    return sum(1 for t in toks if t.lstrip("-(\"'“")[:1].isupper()) / len(toks)


def is_driver_like(text: str) -> bool:
    """Short, mostly capitalised, neither a status nor a funding source."""
    c = clean(text)
    return (bool(c) and len(c.split()) <= 30 and name_ratio(c) >= 0.6
            and not is_pure_status(c) and not is_funding_like(c))


def is_outputs_like(text: str) -> bool:
    """Prose or a list of outputs rather than a list of organisation names."""
    c = clean(text)
    n = len(c.split())
    return n >= 4 and name_ratio(c) < 0.6 and not is_pure_status(c) or n >= 30


def first_lower_fragment(cell: str) -> tuple[str, str]:
    """Split a leading lowercase fragment (continuing the row above) from the rest of a cell."""
    segs = SPLIT_SEGMENTS.split(cell or "")
    head = next((i for i, s in enumerate(segs) if clean(s).lstrip("-–• ")), None)
    if head is None:
        return "", cell
    first = clean(segs[head]).lstrip("-–• ")
    if not first[0].islower() or re.match(r"^(?:[ivx]+|[a-z])[.)]\s", first):
        return "", cell
    return first, " ".join(segs[head + 1:])


def route_tokens(text: str) -> tuple[str, list[str], list[str]]:
    """Split a mixed driver item into (driver words, timeline runs, funding runs).

    >>> route_tokens('OMik April 2018 available')
    ('OMik', ['April 2018'], ['available'])
    """
    toks = re.findall(r"\([^()]*\)|\S+", clean(text))
    kinds: list[str] = []
    for i, t in enumerate(toks):
        nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
        prev = kinds[-1] if kinds else ""
        if t.startswith("("):
            kinds.append(prev or "d")
        elif STATUS_WORD.match(t) and nxt != "by":
            kinds.append("t")
        elif MONTH.match(t) and (not nxt or DATEISH.match(nxt) or prev == "t"):
            kinds.append("t")
        elif DATEISH.match(t) and prev == "t":
            kinds.append("t")
        elif FUND_WORD.match(t) and (t.lower() not in {"more", "additional"} or
                                     FUND_WORD.match(nxt)):
            kinds.append("f")
        else:
            kinds.append("d")
    runs: dict[str, list[str]] = {"d": [], "t": [], "f": []}
    for i, (t, k) in enumerate(zip(toks, kinds)):
        if i and kinds[i - 1] == k and runs[k]:
            runs[k][-1] += " " + t
        else:
            runs[k].append(t)
    return re.sub(r"\s+([,;])", r"\1", " ".join(runs["d"])), runs["t"], runs["f"]


def known_names(driver_texts: list[str]) -> frozenset[str]:
    """Organisation names seen standing alone in driver cells (casefolded)."""
    names = set()
    for text in driver_texts:
        for item in re.split(r"\s*(?:;|,(?![^()]*\))|\band\b|&)\s*", text):
            item = item.strip(" .-")
            if (item and item[0].isupper() and len(item.split()) <= 5 and len(item) <= 40
                    and not has_status(item) and not is_funding_like(item)
                    and not re.search(r"\d", PARENS.sub("", item)) and "*" not in item):
                names.add(item.casefold())
                names.add(fold(PARENS.sub(" ", item)).casefold())
    kept: set[str] = set()
    for name in sorted(names, key=lambda x: (len(x.split()), x)):
        if len(decompose(name, frozenset(kept))) == 1:
            kept.add(name)
    return frozenset(kept)


def decompose(item: str, known: frozenset[str]) -> list[str]:
    """'Italy INTERPOL GIZ/CILC' -> ['Italy', 'INTERPOL', 'GIZ/CILC'] using the known names.

    The split with the fewest parts wins; an unknown acronym may be a part when two known
    names are found; else a known name at the end splits off an unknown one of 2+ words."""
    toks = re.findall(r"\S+(?:\s+\([^()]*\))?", item)

    def cost(words_: list[str]) -> int:
        """0 for a known name, 1 for an unknown acronym, 99 for anything else."""
        s = " ".join(words_).casefold()
        base = PARENS.sub("", s).strip()
        if s in known or base in known or (
                "/" in s and " " not in s and all(p in known for p in s.split("/"))):
            return 0
        return 1 if len(words_) == 1 and re.fullmatch(r"[A-Z][A-Z-]+", words_[0]) else 99

    n = len(toks)
    best: dict[int, tuple[int, list[str]]] = {0: (0, [])}  # end -> (parts + unknowns, parts)
    for j in range(1, n + 1):
        for i in filter(best.__contains__, range(j)):
            c = cost(toks[i:j])
            cand = (best[i][0] + c + 1, best[i][1] + [" ".join(toks[i:j])])
            if c < 99 and (j not in best or cand[0] < best[j][0]):
                best[j] = cand
    score, parts = best.get(n, (0, []))
    if len(parts) > 1 and 2 * len(parts) - score >= 2:  # at least two known names
        return parts
    for k in range(1, n - 1):
        if (cost(toks[n - k:]) == 0 and cost(toks[:n - k]) > 0
                and toks[n - k - 1].lower() not in STOP):
            return [" ".join(toks[:n - k]), " ".join(toks[n - k:])]
    return [item]


def split_drivers(text: str, known: frozenset[str]) -> tuple[str, ...]:
    """Drivers named in a cell: split on ``;`` ``,`` ``and`` ``&`` ``with`` and ``/``-joined
    acronyms, and where names of known organisations are only separated by spaces.
    Parentheses stay with their organisation."""
    out: list[str] = []
    for item in re.split(r"\s*(?:;|,(?![^()]*\))|\band\b(?![^()]*\))|&|\bwith\b(?![^()]*\)))\s*",
                         clean(text)):
        item = item.strip(" .-–")
        lead = re.match(r"^\(([^()]*)\)\s*", item)
        names = [lead.group(1), item[lead.end():]] if lead else [item]
        for name in (n for x in names for n in decompose(ROLE.sub("", x).strip(" .-–"), known)):
            if not name:
                continue
            if re.fullmatch(r"[A-Za-z][\w.-]*(?:/[A-Za-z][\w.-]*)+", name):
                out += name.split("/")
            else:
                out.append(name)
    seen: dict[str, str] = {}
    for name in out:
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def timeline_items(text: str, n: int = 0) -> list[str]:
    """'Foreseen 2019 Nov 2018 June 2018' -> ['Foreseen 2019', 'Nov 2018', 'June 2018'].

    A status word starts an item, and so does a month after a year; when that does not give
    ``n`` items, every status word and every month starting a date are tried as starts."""
    def cut(fine: bool) -> list[str]:
        items: list[list[str]] = []
        depth = 0
        for t in clean(text).split():
            cur = items[-1] if items else []
            after_dash = bool(cur) and cur[-1].endswith(("-", "–"))
            new = depth == 0 and not after_dash and cur and (
                (STATUS_WORD.match(t) and cur[-1].lower() != "being"
                 and t.lower() != "tentative")
                or (MONTH.match(t) and (fine or any(re.search(r"\d{4}", w) for w in cur))))
            if new or not items:
                items.append([t])
            else:
                cur.append(t)
            depth += t.count("(") - t.count(")")
        return [" ".join(i) for i in items]
    coarse = cut(False)
    if n and len(coarse) != n and len(cut(True)) == n:
        return cut(True)
    return coarse


def funding_items(text: str) -> list[str]:
    """'Seeking funding Available Available' -> ['Seeking funding', 'Available', 'Available']."""
    items: list[list[str]] = []
    depth = 0
    for t in clean(text).split():
        if depth == 0 and re.match(r"^(?:seeking|available)\b", t, re.I) and items:
            items.append([t])
        elif items:
            items[-1].append(t)
        else:
            items.append([t])
        depth += t.count("(") - t.count(")")
    return [" ".join(i) for i in items]


def output_items(cell: str) -> list[str]:
    """Items of an outputs list; a label such as ``Kosovo*`` joins the item after it."""
    body = re.sub(r"<[^>]+>", " ", cell or "")
    merged: list[str] = []
    for it in (fold(p) for p in DASH_BULLET.split(body)):
        if merged and LABEL.match(merged[-1]):
            merged[-1] = f"{merged[-1]} - {it}"
        elif it:
            merged.append(it)
    return merged


@dataclass
class Piece:
    """One action found on a table line, while its cells are being realigned."""

    number: str | None  # None: carried down
    title: str
    outputs: str  # raw outputs cell (or the part of it)
    label: str = ""  # action-column text that is not a numbered title
    drv: list[str] = field(default_factory=list)
    tl: list[str] = field(default_factory=list)
    fund: list[str] = field(default_factory=list)
    extra_out: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    list_drivers: bool = False


def _score_drv(x: str) -> float:
    if is_driver_like(x):
        return 1.0
    c = clean(x)
    return 0.5 if c and name_ratio(c) >= 0.6 and len(c.split()) <= 40 else 0.0


def _score_tl(x: str) -> float:
    if not clean(x):
        return 0.0
    if has_status(x) or is_pure_status(x):
        return 1.0
    return 0.0 if is_funding_like(x) else 0.5 * bool(parse_timeline(clean(x)).dates)


def is_shifted(c: list[str]) -> bool:
    """Do outputs, drivers, status and funding sit one column left of their headings?"""
    if len(words(c[1])) < 12:
        return False
    titled = bool(TITLE_P.search(c[1])) or (not is_list(c[1]) and len(words(c[1])) <= 25)
    std = (titled + 2 * is_outputs_like(c[2]) + _score_drv(c[3]) + _score_tl(c[4])
           + is_funding_like(c[5]))
    end_ok = not clean(c[5]) or is_funding_like(c[5]) or is_pure_status(c[5])
    shift = (2 * is_outputs_like(c[1]) + _score_drv(c[2]) + _score_tl(c[3])
             + is_funding_like(c[4]) + end_ok)
    return shift > std


def drop_dup_lists(cell: str, base: str) -> str:
    """Remove ``<ul>`` blocks repeated from the action/outputs cell (a PDF artefact)."""
    def keep(m: re.Match[str]) -> str:
        text = clean(m.group(0))
        return " " if len(text) >= 40 and text in base else m.group(0)
    return re.sub(r"<ul[^>]*>.*?(?=<p>|$)", keep, cell, flags=re.S)


def split_lead(cell: str, n: int) -> list[str]:
    """For a line holding two actions: text before the first <p> vs the <p> runs, else shared."""
    lead, sep, rest = cell.partition("<p>")
    if n == 2 and clean(lead) and clean(rest):
        return [lead, sep + rest]
    return [cell] * n


def route(p: Piece, drv: str, tl: str, fund: str) -> None:
    """Put each item of the DRIVER, STATUS and FUNDING cells where it belongs."""
    p.list_drivers = "<ul" in drv and not re.search(r"(?:^|\s)-\s", clean(drv))
    for name, cell in (("DRIVER(S)", drv), ("STATUS / TIMELINE", tl)):
        if len(words(cell)) > 25 and is_list(cell) and is_outputs_like(cell):
            p.extra_out.append(clean(cell))
            p.notes.append(f"outputs list found in the {name} column moved to outputs")
            drv, tl = ("", tl) if name == "DRIVER(S)" else (drv, "")
    for s in segments(drv):
        d, t, f = route_tokens(s)
        if is_pure_status(s):
            p.tl.append(s)
            p.notes.append(f"status '{s}' in the DRIVER(S) column moved to timeline")
        elif not d and f:
            p.fund.append(s)
            p.notes.append(f"funding '{s}' in the DRIVER(S) column moved to funding")
        elif d and (t or f):
            p.drv.append(d)
            p.tl += t
            p.fund += f
            p.notes.append(f"'{s}' in the DRIVER(S) column split into driver, status, funding")
        else:
            p.drv.append(s)
    drivers_empty = not p.drv
    for s in segments(tl):
        if is_pure_status(s):
            p.tl.append(s)
        elif not (has_status(s) or parse_timeline(s).dates):
            dest = (p.fund if is_funding_like(s) else p.drv if is_driver_like(s) else p.tl)
            dest.append(s)
            if dest is not p.tl:
                where = "funding" if dest is p.fund else "drivers"
                p.notes.append(f"'{s}' in the STATUS / TIMELINE column moved to {where}")
        else:
            money = [m.group(0) for m in FUND_PHRASE.finditer(PARENS.sub("", s))]
            rest = fold(FUND_PHRASE.sub(" ", s)) if money else s
            if money:
                p.fund.append(" ".join(money))
                p.notes.append(f"funding '{' '.join(money)}' in the STATUS / TIMELINE column "
                               "moved to funding")
            toks = rest.split()
            bare = " ".join(t for t in toks if not STATUS_WORD.match(t))
            if has_status(rest) and bare and is_funding_like(bare):
                p.fund.append(bare)
                p.tl.append(" ".join(t for t in toks if STATUS_WORD.match(t)))
                p.notes.append(f"'{bare}' in the STATUS / TIMELINE column moved to funding")
            elif not has_status(rest) and is_funding_like(rest):
                p.fund.append(rest)
                p.notes.append(f"'{rest}' in the STATUS / TIMELINE column moved to funding")
            elif rest:
                p.tl.append(rest)
    for s in segments(fund):
        if is_pure_status(s):
            p.tl.append(s)
            p.notes.append(f"status '{s}' in the FUNDING column moved to timeline")
        elif (drivers_empty and is_driver_like(s) and not is_fragment(s)):
            p.drv.append(s)
            p.notes.append(f"'{s}' in the FUNDING column (DRIVER(S) empty) moved to drivers")
        else:
            p.fund.append(s)
