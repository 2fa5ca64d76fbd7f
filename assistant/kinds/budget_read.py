"""Reading the amounts a plan states: every sentence of every section that holds a money amount,
parsed into figures (value, currency, as written, what kind of figure: a total, a contribution
by someone) and what they are for (the subject the sentence names, the body it is entrusted to).

Generic: the shapes are read from the sentence structure, not from any plan's wording —
"The <role> of|for <subject>[, entrusted to <body>,] is[:] <amount> (<who>: <amount>; …)",
"<subject>: <amount>", "<subject> receives|is allocated|has a budget of <amount>",
"<amount> for|to <subject>"; a sentence naming no subject takes its heading's (or action's) title.

Example::

    items = stated_amounts(ctx, plan)        # cached in ctx.extra
    items[0].subject, items[0].figure("total").text   # 'the component X', 'EUR 14 500 000'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.kinds.base import Context
from indexer.funding import parse_amounts
from indexer.models import Plan, Section
from indexer.text import fold, tokens

CACHE_KEY = "budget_amounts"

# the head of a sentence that names a figure and then its subject: "The total budget of", "The EU
# contribution for", "Funding for", "The cost of" (a contribution's contributor is kept as its role)
_ROLE_HEAD = re.compile(
    r"^(?:the\s+|an?\s+|its\s+)?(?P<role>(?:(?:total|overall|whole|estimated|indicative|annual|approved|"
    r"planned|available)\s+)*(?:budget|cost|costs|funding|financing|allocation|amount|value|envelope|"
    r"resources)|[\w'’ -]{0,40}?contributions?)\s+(?:of|for|to|towards?|allocated\s+to)\s+(?P<subject>.+)$",
    re.I | re.S)
# a lead that names its subject first: "X receives", "X is allocated", "X has a budget of", "X, with"
_SUBJECT_FIRST = re.compile(
    r"^(?P<subject>.+?)\s*(?:,\s*)?(?:(?:will\s+)?(?:receives?|gets?|costs?|totals?)|(?:is|are|was|were|will\s+be|"
    r"has\s+been|have\s+been)\s+(?:allocated|granted|funded\s+with|financed\s+with|budgeted\s+at|awarded|"
    r"given|provided\s+with)|(?:has|have|with)\s+(?:an?\s+|the\s+)?(?:(?:total|overall|estimated)\s+)?"
    r"(?:budget|cost|funding|allocation|envelope)(?:\s+of)?)\s*:?\s*$", re.I | re.S)
_TRAILING_VERB = re.compile(r"[\s,:;–-]*(?:\b(?:is|are|was|were|will\s+be|amounts?\s+to|amounting\s+to|"
                            r"totals?|totalling|totaling|stands\s+at|reaches|equals|comes\s+to|of)\b)?"
                            r"[\s,:;–-]*$", re.I)
_AFTER_AMOUNT = re.compile(r"^\W*(?:(?:is|are|will\s+be|has\s+been|have\s+been)\s+)?(?:(?:allocated|earmarked|"
                           r"provided|granted|foreseen|set\s+aside|available|budgeted|committed)\s+)?"
                           r"(?:for|to|towards?)\s+(?P<subject>[^.;()]+)", re.I)
_BODY = re.compile(r"^(?:entrusted|implemented|managed|led|run|executed|delivered|channell?ed|administered|"
                   r"carried\s+out)\s+(?:to|by|through|with)\s+(?P<body>.+)$", re.I | re.S)
# a full stop that ends an initial, an abbreviation or a list number ("2. Financing"), not a sentence
_NOT_AN_END = re.compile(r"(?:\b(?:[A-Z]|e\.g|i\.e|incl|No|approx|etc)|(?:^|\s)\d{1,2})$")
_TOTAL_WORDS = re.compile(r"\b(?:total|overall|whole|budget|cost|envelope|allocation|amount|value|resources)\b",
                          re.I)


@dataclass(frozen=True)
class Figure:
    """One amount: its value, currency, how the plan writes it, and what kind of figure it is
    ("total", or a contribution: "EU contribution", "German Government")."""

    value: float
    currency: str
    text: str
    role: str


@dataclass(frozen=True)
class Funded:
    """One thing a plan states money for, with the figures its sentence gives."""

    plan_id: str
    subject: str  # as the sentence names it: "the component Countering Serious Crime in the Western Balkans"
    body: str  # who it is entrusted to / implemented by, "" when not said
    figures: tuple[Figure, ...]
    sentence: str
    section: Section
    order: int  # position in the plan (for "parts of a whole")

    def figure(self, role: str) -> Figure | None:
        return next((f for f in self.figures if f.role == role), None)

    @property
    def headline(self) -> Figure:
        """The total where stated, else the first figure."""
        return self.figure("total") or self.figures[0]

    @property
    def name(self) -> str:
        """The subject without its leading article: what a head sentence calls it."""
        return re.sub(r"^(?:the|a|an|this|its)\s+", "", self.subject, flags=re.I)

    @property
    def described(self) -> str:
        return f"{self.subject} (entrusted to {self.body})" if self.body else self.subject

    def words(self) -> str:
        """What the question's words are matched against."""
        return " ".join((self.subject, self.body, *(f.role for f in self.figures if f.role != "total")))


def stated_amounts(ctx: Context, plan: Plan) -> list[Funded]:
    """Every amount sentence of the plan, read once per context (cached in ``ctx.extra``)."""
    cache = ctx.extra.setdefault(CACHE_KEY, {})
    if plan.id not in cache:
        cache[plan.id] = read_plan(ctx, plan)
    return cache[plan.id]


def read_plan(ctx: Context, plan: Plan) -> list[Funded]:
    out: list[Funded] = []
    for section in ctx.records.sections(plan.id):
        if not re.search(r"\d", section.text):
            continue
        text = section.text
        head = section.heading_path[-1] if section.heading_path else ""
        if head and text.startswith(head + " "):  # a paragraph that carries its heading's words
            text = text[len(head):].strip()
        for sentence in sentences(text):
            for item in read_sentence(sentence, section, ctx):
                out.append(Funded(**{**item.__dict__, "order": len(out)}))
    return out


def sentences(text: str) -> list[str]:
    """The sentences of a text, split only outside parentheses (a bracketed breakdown
    "(EU Contribution: EUR 13 000 000; German Government: …)" stays in its sentence)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ".!?;\n" and depth == 0:
            rest = text[i + 1: i + 3]
            if ch == "\n" or (rest[:1].isspace() and rest[1:2][:1].isupper()) or not rest.strip():
                if ch == "." and _NOT_AN_END.search(text[start:i]):
                    continue
                out.append(text[start: i + 1].strip())
                start = i + 1
    out.append(text[start:].strip())
    return [s for s in out if s]


def _positions(sentence: str, texts: list[str]) -> list[int]:
    pos, at = [], 0
    for t in texts:
        i = sentence.find(t, at)
        pos.append(i if i >= 0 else at)
        at = (i if i >= 0 else at) + len(t)
    return pos


def _depth_at(text: str, pos: int) -> int:
    depth = 0
    for ch in text[:pos]:
        depth += 1 if ch == "(" else -1 if ch == ")" and depth else 0
    return depth


def read_sentence(sentence: str, section: Section, ctx: Context | None = None) -> list[Funded]:
    """The funded things one sentence states (usually one; "EUR N for X and EUR M for Y" two)."""
    amounts = [a for a in parse_amounts(sentence) if a.value > 0]
    if not amounts:
        return []
    texts = [a.text.rstrip(".,;: ") for a in amounts]
    pos = _positions(sentence, texts)
    groups: list[tuple[str, str, list[Figure]]] = []  # (subject, body, figures)
    for i, (a, text, p) in enumerate(zip(amounts, texts, pos, strict=True)):
        inside = _depth_at(sentence, p) > 0
        label = _inner_label(sentence[:p]) if inside else ""
        label = label or (_role_label(a.label) if i > 0 or a.label.lower() == "total" or
                          "contribution" in a.label.lower() else "")
        if i == 0 or (not inside and not label):
            if i == 0:
                role, subject = _lead(sentence[:p])
            else:
                role, subject = "total", ""
            if not subject:
                after = _AFTER_AMOUNT.match(sentence[p + len(text):])
                subject = fold(after.group("subject")) if after else ""
            if i > 0 and not subject:  # a second bare amount without a subject of its own: same thing
                groups[-1][2].append(Figure(a.value, a.currency, text, f"amount {i + 1}"))
                continue
            role = role or label or "total"
            groups.append((subject, "", [Figure(a.value, a.currency, text, role)]))
        else:
            role = label or f"amount {len(groups[-1][2]) + 1}"
            if any(f.role == role for f in groups[-1][2]):
                role = f"{role} ({len(groups[-1][2]) + 1})"
            groups[-1][2].append(Figure(a.value, a.currency, text, role))
    out = []
    for subject, _, figures in groups:
        subject, body = _subject_and_body(subject)
        if not subject:
            subject = _fallback_subject(section, ctx)
        out.append(Funded(plan_id=section.plan_id, subject=subject, body=body, figures=tuple(figures),
                          sentence=sentence, section=section, order=0))
    return out


def _inner_label(before: str) -> str:
    """The label of an amount in a bracketed breakdown: "(EU Contribution: EUR …", "; Host Country: EUR …"."""
    seg = re.split(r"[(;,]", before)[-1]
    m = re.fullmatch(r"\s*(?:of\s+which\s+|incl(?:uding|\.)?\s+)?(?P<label>[^:]{2,60}?)\s*:?\s*", seg)
    if not m or not seg.strip().endswith(":"):
        return ""
    label = fold(m.group("label"))
    return "total" if re.fullmatch(r"(?:the\s+)?total(?:\s+budget)?", label, re.I) else \
        re.sub(r"(?i)\bcontribution\b", "contribution", label)


def _role_label(label: str) -> str:
    """The indexer's label as a role: "total", a contribution ("EU contribution"), a contributor."""
    if not label:
        return ""
    if label.lower() == "total":
        return "total"
    return label


def _lead(lead: str) -> tuple[str, str]:
    """(role, subject) from the words before the first amount."""
    m = re.match(r"^(?P<subject>[^:]{3,120}?)\s*:\s*$", fold(lead))  # "Training of judges: EUR 50 000"
    if m and not _ROLE_HEAD.match(m.group("subject")):
        return "total", m.group("subject")
    lead = fold(_TRAILING_VERB.sub("", fold(lead)))
    m = _ROLE_HEAD.match(lead)
    if m:
        return _role_of(m.group("role")), m.group("subject")
    m = _SUBJECT_FIRST.match(lead)
    if m:
        return "total", m.group("subject")
    return "", ""


def _role_of(words: str) -> str:
    words = fold(words)
    m = re.match(r"(?P<who>.*?)\s*contributions?$", words, re.I)
    if m:
        who = re.sub(r"^(?:the|a|an)\s+", "", m.group("who"), flags=re.I)
        return f"{who} contribution" if who else "contribution"
    return "total" if _TOTAL_WORDS.search(words) else words.lower()


def _pieces(text: str) -> list[str]:
    """Comma-separated pieces outside parentheses and quotes."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += 1 if ch in "(“" else -1 if ch in ")”" and depth else 0
        if ch == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return [p for p in out if p]


def _subject_and_body(subject: str) -> tuple[str, str]:
    """Split "X, entrusted to Y, launched in …" into the name X and the body Y (clauses that only
    date or describe it are dropped); bracketed codes go."""
    subject = fold(subject)
    if not subject:
        return "", ""
    pieces = _pieces(subject)
    name, body = pieces[0], ""
    for piece in pieces[1:]:
        m = _BODY.match(piece)
        if m and not body:
            body = m.group("body").strip()
    m = re.search(r"\s+(?:entrusted|implemented|managed|executed|run)\s+(?:to|by)\s+(?P<body>.+)$", name)
    if m and not body:  # "the pilot project entrusted to Europol" without commas
        name, body = name[: m.start()], m.group("body").strip()
    name = re.sub(r"\s*\((?=[^)]*[\d/])[^)]*\)\"?", "", name)  # "(IPA 2017/039-…)" codes
    name = fold(name).strip(" ,:;'")
    if name.count('"') % 2:  # a quote the code's removal left open, or a stray one
        name = name + '"' if name.rfind('"') > 0 else name.replace('"', "")
    return name, fold(body).strip(" ,:;")


def _fallback_subject(section: Section, ctx: Context | None) -> str:
    """A sentence naming no subject: the action its section records, else its heading."""
    if ctx is not None:
        acts = ctx.records.actions_of_section(section.id)
        if acts and acts[0].title:
            return " ".join(p for p in (acts[0].number, acts[0].title) if p)
    return section.heading_path[-1] if section.heading_path else ""


def like(value: float, ref: str) -> str:
    """``value`` written the way the plan writes ``ref`` ("EUR 21 625 000" → "EUR 1 625 000")."""
    m = re.search(r"\d(?:[\d\s.,'\u00a0]*\d)?", ref)
    if not m:
        return f"{value:,.0f}"
    prefix, suffix = ref[: m.start()], ref[m.end():]
    mult = re.match(r"\s*(million|mln|bn|billion|thousand|m|k)\b", suffix, re.I)
    if mult:
        factor = {"bn": 1e9, "billion": 1e9, "thousand": 1e3, "k": 1e3}.get(mult.group(1).lower(), 1e6)
        dec = "," if re.search(r",\d{1,2}$", m.group(0)) else "."
        return prefix + f"{value / factor:.3f}".rstrip("0").rstrip(".").replace(".", dec) + suffix
    seps = re.findall(r"[^\d]", m.group(0))
    sep = seps[0] if seps else ""
    whole = f"{round(value):,}".replace(",", "\u0000")
    if value != round(value):
        cents = f"{value:.2f}".split(".")[1]
        whole += ("," if sep == "." else ".") + cents
    return prefix + whole.replace("\u0000", sep) + suffix


def words_of(text: str) -> set[str]:
    return set(tokens(text))
