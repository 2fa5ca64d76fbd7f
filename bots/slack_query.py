"""Read what a Slack user typed: the `/plans` sub-commands, and questions out of Slack's markup.

Example::

    parse_command("actions driver:DCAF funding:seeking due:60d plan:wbcsci")
    # Command(kind='actions', driver='DCAF', funding='seeking', due_within=60, plan='wbcsci', ...)
    parse_command("deadlines as-of:2018-05-01 60d")    # kind='deadlines', as_of=2018-05-01, due_within=60
    parse_command("subscribe weekly plan western balkans driver DCAF")   # kind='subscribe', frequency='weekly'
    parse_command("unsubscribe 3")                      # kind='unsubscribe', number=3
    clean_text("<@U0BOT> who drives 3.2?", bot_user_id="U0BOT")   # 'who drives 3.2?'
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date

from indexer.records import parse_as_of, read_funding
from plans.errors import InputError

DEFAULT_DAYS = 60
KEYS = "plan:, driver:, funding:, due:<N>d, as-of:YYYY-MM-DD, overdue"


@dataclass(frozen=True)
class Command:
    kind: str  # ask | actions | deadlines | help
    question: str = ""
    plan: str | None = None
    driver: str | None = None
    funding: str | None = None
    due_within: int | None = None
    as_of: date | None = None
    overdue: bool = False
    # subscribe | subscriptions | unsubscribe
    frequency: str = ""  # daily | weekly | monthly
    weekday: int | None = None  # 0 = Monday
    at: tuple[int, int] | None = None  # hour, minute
    tz: str = ""
    quiet: bool = False
    number: int | None = None


def parse_days(value: str) -> int:
    m = re.fullmatch(r"(\d{1,4})\s*(d|days?)?", value.strip().lower())
    if not m:
        raise InputError(f"A window is a number of days like 60d, not {value!r}.")
    return int(m.group(1))


def _tokens(text: str) -> list[str]:
    text = text.replace("“", '"').replace("”", '"')  # Slack clients love curly quotes
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: read it word by word
        return text.split()


def parse_command(text: str) -> Command:
    """The `/plans` text as a Command; anything not starting with a sub-command is a question."""
    text = clean_text(text)
    head, _, rest = text.partition(" ")
    sub = head.lower()
    if sub in ("", "help", "-h", "--help", "?"):
        return Command("help")
    if sub in SUBSCRIPTION_COMMANDS:
        return parse_subscription(sub, rest)
    if sub not in ("ask", "actions", "deadlines"):
        sub, rest = "ask", text
    if sub == "ask":
        question, as_of, plan = split_options(rest)
        if not question:
            raise InputError("Ask a question after `/plans ask`, e.g. `/plans ask who drives 3.2 in WBCSCi?`")
        return Command("ask", question=question, as_of=as_of, plan=plan)
    fields: dict = {"due_within": DEFAULT_DAYS if sub == "deadlines" else None}
    for token in _tokens(rest):
        key, sep, value = token.partition(":")
        key = key.lower().replace("_", "-")
        if not sep:
            if token.lower() == "overdue":
                fields["overdue"] = True
            elif re.fullmatch(r"\d{1,4}\s*d(ays?)?|\d{1,4}", token.lower()):
                fields["due_within"] = parse_days(token)
            else:
                raise InputError(f"I do not understand {token!r} in `/plans {sub}`; use {KEYS}.")
        elif not value.strip():
            raise InputError(f"{key}: needs a value, e.g. {key}:something.")
        elif key == "plan":
            fields["plan"] = value
        elif key in ("driver", "by"):
            fields["driver"] = value
        elif key == "funding":
            fields["funding"] = read_funding(value, "funding:")
        elif key in ("due", "within", "days"):
            fields["due_within"] = parse_days(value)
        elif key in ("as-of", "asof"):
            fields["as_of"] = parse_as_of(value, "as-of")
        else:
            raise InputError(f"I do not know {key}: in `/plans {sub}`; use {KEYS}.")
    return Command(sub, **fields)


SUBSCRIPTION_COMMANDS = ("subscribe", "subscriptions", "unsubscribe")
SUBSCRIBE_USAGE = ("`/plans subscribe [daily|weekly|monthly] [plan <name>] [driver <name>] [monday…sunday] "
                   "[at 09:00] [tz Europe/Berlin] [30d] [quiet]`")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FREQUENCIES = ("daily", "weekly", "monthly")


def _weekday(word: str) -> int | None:
    w = word.lower().rstrip("s")  # "mondays"
    return next((k for k, d in enumerate(_DAYS) if len(w) >= 3 and d.startswith(w)), None)


def _clock(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", value.strip().lower())
    if not m:
        raise InputError(f"A time of day is like 09:00 or 14:30, not {value!r}.")
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3):
        hour = hour % 12 + (12 if m.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InputError(f"A time of day is like 09:00 or 14:30, not {value!r}.")
    return hour, minute


def _is_keyword(token: str) -> bool:
    low = token.lower()
    return (low in _FREQUENCIES or low in ("plan", "driver", "by", "at", "tz", "quiet", "silent") or
            _weekday(low) is not None or ":" in low or bool(re.fullmatch(r"\d{1,4}\s*d(ays?)?", low)))


def parse_subscription(sub: str, rest: str) -> Command:
    """`subscribe …`, `subscriptions`, `unsubscribe N`."""
    if sub == "subscriptions":
        if rest.strip():
            raise InputError("`/plans subscriptions` lists the digests of this channel and yours; "
                             "it takes nothing more.")
        return Command("subscriptions")
    if sub == "unsubscribe":
        m = re.fullmatch(r"#?(\d{1,9})", rest.strip())
        if not m:
            raise InputError("Say which digest to stop by its number: `/plans unsubscribe 3` "
                             "(`/plans subscriptions` lists them).")
        return Command("unsubscribe", number=int(m.group(1)))
    fields: dict = {"frequency": ""}
    tokens = _tokens(rest)
    i = 0
    while i < len(tokens):
        token, low = tokens[i], tokens[i].lower()
        key, sep, value = token.partition(":")
        i += 1
        if low in ("plan", "driver", "by", "at", "tz"):  # the value follows: words up to the next keyword
            words: list[str] = []
            while i < len(tokens) and (not words or not _is_keyword(tokens[i])) and \
                    not (low in ("at", "tz") and words):
                words.append(tokens[i])
                i += 1
            if not words:
                raise InputError(f"`{low}` needs a value; use {SUBSCRIBE_USAGE}.")
            key, value, sep = low, " ".join(words), ":"
        if low in _FREQUENCIES:
            fields["frequency"] = low
        elif low in ("quiet", "silent"):
            fields["quiet"] = True
        elif re.fullmatch(r"\d{1,4}\s*d(ays?)?", low):
            fields["due_within"] = parse_days(low)
        elif not sep and _weekday(low) is not None:
            fields["weekday"] = _weekday(low)
        elif re.fullmatch(r"\d{1,2}:\d{2}(am|pm)?", low):
            fields["at"] = _clock(low)
        elif not sep or not value.strip():
            raise InputError(f"I do not understand {token!r} in `/plans subscribe`; use {SUBSCRIBE_USAGE}.")
        elif key.lower() == "plan":
            fields["plan"] = value
        elif key.lower() in ("driver", "by"):
            fields["driver"] = value
        elif key.lower() == "at":
            fields["at"] = _clock(value)
        elif key.lower() == "tz":
            fields["tz"] = value.strip()
        elif key.lower() in ("due", "within", "days"):
            fields["due_within"] = parse_days(value)
        else:
            raise InputError(f"I do not know {key}: in `/plans subscribe`; use {SUBSCRIBE_USAGE}.")
    if fields.get("weekday") is not None and fields["frequency"] in ("", "weekly"):
        fields["frequency"] = "weekly"
    elif fields.get("weekday") is not None:
        raise InputError(f"A day of the week goes with a weekly digest, not a {fields['frequency']} one.")
    fields["frequency"] = fields["frequency"] or "weekly"
    return Command("subscribe", **fields)


def split_options(text: str) -> tuple[str, date | None, str | None]:
    """A question with optional ``as-of:YYYY-MM-DD`` and ``plan:<name>`` words taken out."""
    as_of = plan = None
    m = re.search(r"(?<!\S)as[-_]?of:(\S+)", text, re.I)
    if m:
        as_of = parse_as_of(m.group(1), "as-of")
        text = text[:m.start()] + text[m.end():]
    m = re.search(r"(?<!\S)plan:(\S+)", text, re.I)
    if m:
        plan = m.group(1)
        text = text[:m.start()] + text[m.end():]
    return " ".join(text.split()), as_of, plan


def clean_text(text: str, bot_user_id: str | None = None) -> str:
    """Slack's message markup as plain words: the bot's own mention dropped, other mentions,
    channels and links as their labels, entities unescaped."""
    text = text or ""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    text = re.sub(r"<@[A-Z0-9]+\|([^>]+)>", r"@\1", text)
    text = re.sub(r"<#[A-Z0-9]+\|([^>]*)>", r"#\1", text)
    text = re.sub(r"<![^>|]+(\|([^>]*))?>", lambda m: m.group(2) or "", text)
    text = re.sub(r"<((?:https?|mailto):[^>|]+)\|([^>]+)>", r"\2", text)
    text = re.sub(r"<((?:https?|mailto):[^>|]+)>", r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())
