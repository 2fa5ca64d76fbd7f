"""Block Kit for the Slack app: answers with their sources, action lists, help, apologies.

Slack's limits are kept here: a section's text at most 3,000 characters, a context block at most
10 elements, a message at most 50 blocks. An answer too long for one message is cut at a line
and says so, pointing at the web page.

Example::

    msg = render_answer(answer, Links(public_url, plan_names), record_id="ab12")
    client.chat_postMessage(channel=c, thread_ts=ts, blocks=msg.blocks, text=msg.text)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from assistant.models import Answer, Citation
from bots.browse_links import browse_url, slack_command
from indexer.models import Action

SECTION_CHARS = 2900  # Slack: 3000
MAX_BLOCKS = 50
MAX_ANSWER_CHARS = 15_000  # beyond this a Slack message is a wall: cut and link to the page
MAX_SOURCES = 39  # four context blocks
MAX_ITEMS = 40  # actions listed in one message
MAX_LIST_CHARS = 30_000
QUOTE_CHARS = 160
FEEDBACK_BLOCK = "plans_feedback"
TALLY_BLOCK = "plans_feedback_tally"
APOLOGY = ("Sorry, something went wrong while I was answering. The error has been logged; "
           "please try again in a moment.")


@dataclass(frozen=True)
class Message:
    blocks: list[dict]
    text: str  # the notification / fallback text


@dataclass(frozen=True)
class Links:
    """Where passages can be read (``PLANS_PUBLIC_URL``) and plans' short names by title and id."""

    public_url: str = ""
    plan_names: dict[str, str] = field(default_factory=dict)

    def passage(self, section_id: str) -> str | None:
        if not self.public_url or not section_id:
            return None
        return f"{self.public_url.rstrip('/')}/#section={quote(section_id, safe=':')}"

    def plan(self, name: str) -> str:
        return self.plan_names.get(name, name)


def escape(text: str) -> str:
    """Slack's three control characters, escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def lit(text: str) -> str:
    """Text shown as written: escaped, and its asterisks ("Kosovo*") unable to start bold."""
    return escape(text).replace("*", "∗")


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:-") + "…"


def to_mrkdwn(markdown: str) -> str:
    """The assistant's Markdown as Slack mrkdwn: **bold** → *bold*, headings bold, bullets as •,
    [text](url) as Slack links; [n] citation markers stay; stray asterisks cannot start bold."""
    out = []
    for line in escape(markdown).splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", "\x01\\1\x01", line)
        line = re.sub(r"^(\s*)[-*+]\s+", r"\1• ", line)
        line = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"<\2|\1>", line)
        line = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", "\x01\\1\x01", line)
        line = re.sub(r"__(?=\S)(.+?)(?<=\S)__", "\x01\\1\x01", line)
        line = re.sub(r"(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=\S)\*(?![\w*])", "\x02\\1\x02", line)
        line = line.replace("*", "∗").replace("\x01", "*").replace("\x02", "_")
        out.append(line)
    return "\n".join(out)


def plain(markdown: str) -> str:
    """A notification-friendly plain version of an answer."""
    return shorten(re.sub(r"\*\*|__", "", markdown), 2900)


def section(text: str, block_id: str | None = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
    if block_id:
        block["block_id"] = block_id
    return block


def context(*texts: str, block_id: str | None = None) -> dict:
    block = {"type": "context", "elements": [{"type": "mrkdwn", "text": t[:3000]} for t in texts[:10]]}
    if block_id:
        block["block_id"] = block_id
    return block


def split_text(text: str, limit: int = SECTION_CHARS) -> list[str]:
    """Cut text into pieces of at most ``limit`` characters, at line ends, else sentences, else words."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = max(line.rfind(". ", 0, limit) + 1, line.rfind(" ", 0, limit))
            cut = cut if cut > limit // 2 else limit
            head, line = line[:cut].rstrip(), line[cut:].lstrip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def body_blocks(text: str, budget: int, more: str, max_chars: int = MAX_ANSWER_CHARS) -> list[dict]:
    """Section blocks for ``text`` within ``budget`` blocks and MAX_ANSWER_CHARS; when cut, a last
    block says so (``more`` tells where to read on)."""
    pieces = split_text(text)
    kept: list[str] = []
    size = 0
    for piece in pieces:
        if len(kept) >= budget - 1 or size + len(piece) > max_chars:
            break
        kept.append(piece)
        size += len(piece)
    blocks = [section(p) for p in kept]
    if len(kept) < len(pieces):
        blocks.append(context(f":scissors: _The answer is longer than fits in one Slack message, so it stops "
                              f"here. {more}_"))
    return blocks


def compact_path(section: str, keep: int = 2) -> list[str]:
    """A heading path short enough for a source line: its last ``keep`` headings, each shortened."""
    parts = [p for p in (section or "").split(" › ") if p.strip()]
    short = [shorten(p, 70) for p in parts[-keep:]]
    return ["…", *short] if len(parts) > keep else short


def page_label(c: Citation) -> str:
    """'p. 3' or 'pp. 3–4' for a passage of a PDF."""
    a, b = c.page_start, c.page_end or c.page_start
    return f"p. {a}" if a == b else f"pp. {a}–{b}"


def citation_line(c: Citation, links: Links) -> str:
    where = lit(" › ".join((links.plan(c.plan), *compact_path(c.section)))).replace("|", "/")
    url = links.passage(c.section_id)
    label = f"<{url}|{shorten(where, 200)}>" if url else shorten(where, 200)
    lines = f"line {c.line_start}" if c.line_start == c.line_end else f"lines {c.line_start}–{c.line_end}"
    lines = f"{page_label(c)}, {lines}" if getattr(c, "page_start", None) else lines
    quote_text = lit(shorten(c.quote, QUOTE_CHARS))
    return f"[{c.n}] {label} ({lines}): “{quote_text}”"


def source_blocks(citations: Sequence[Citation], links: Links, title: str = "*Sources*") -> list[dict]:
    lines = [citation_line(c, links) for c in list(citations)[:MAX_SOURCES]]
    if len(citations) > MAX_SOURCES:
        lines[-1] += f"  _(+{len(citations) - MAX_SOURCES} more sources)_"
    elements = [title, *lines]
    return [context(*elements[i:i + 10]) for i in range(0, len(elements), 10)]


def feedback_block(record_id: str, *, share: bool = False) -> dict:
    elements = [
        {"type": "button", "action_id": "feedback_up", "value": record_id,
         "text": {"type": "plain_text", "text": ":+1: Helpful", "emoji": True}},
        {"type": "button", "action_id": "feedback_down", "value": record_id,
         "text": {"type": "plain_text", "text": ":-1: Not helpful", "emoji": True}},
    ]
    if share:
        elements.append(share_button(record_id))
    return {"type": "actions", "block_id": FEEDBACK_BLOCK, "elements": elements}


def share_button(record_id: str) -> dict:
    return {"type": "button", "action_id": "share_in_channel", "value": record_id, "style": "primary",
            "text": {"type": "plain_text", "text": "Share in channel"}}


def with_share(blocks: list[dict], record_id: str) -> list[dict]:
    """The ephemeral variant of stored blocks: a "Share in channel" button beside the others."""
    out = [dict(b) for b in blocks]
    for b in out:
        if b.get("type") == "actions" and b.get("block_id") == FEEDBACK_BLOCK:
            b["elements"] = [*b["elements"], share_button(record_id)]
            return out
    return [*out, {"type": "actions", "block_id": FEEDBACK_BLOCK, "elements": [share_button(record_id)]}]


def with_tally(blocks: list[dict], tally: dict[str, int], user: str) -> list[dict]:
    """The message acknowledged in place: a thank-you line with the counts under the buttons."""
    line = context(f"Thanks for the feedback, <@{user}>. :+1: {tally.get('up', 0)} · "
                   f":-1: {tally.get('down', 0)}", block_id=TALLY_BLOCK)
    out = [b for b in blocks if b.get("block_id") != TALLY_BLOCK]
    at = next((i + 1 for i, b in enumerate(out) if b.get("block_id") == FEEDBACK_BLOCK), len(out))
    return (out[:at] + [line] + out[at:])[:MAX_BLOCKS]


def render_answer(answer: Answer, links: Links, *, record_id: str | None = None, share: bool = False,
                  nearby: Sequence[tuple[str, str]] = (), asked: str | None = None) -> Message:
    """An Answer as blocks: (the question) the answer, its sources, the feedback buttons.
    ``nearby``: (label, section id) of passages near a refused question."""
    head: list[dict] = [context(f":speech_balloon: {escape(shorten(asked, 280))}")] if asked else []
    text = to_mrkdwn(answer.answer)
    if answer.refused and "do not say" not in answer.answer.lower():
        text = f"*The plans do not say.* {text}"
    if answer.refused:
        text = f":grey_question: {text}"
    tail = source_blocks(answer.citations, links) if answer.citations else []
    if answer.refused and not answer.citations and "nearby" not in answer.answer.lower():
        if nearby:  # what the search found closest to the question
            near = [f"<{links.passage(sid)}|{lit(label)}>" if links.passage(sid) else lit(label)
                    for label, sid in nearby[:5]]
            tail.append(context("*Nearby, the plans cover:* " + " · ".join(near)))
        elif links.plan_names:
            names = " · ".join(lit(n) for n in dict.fromkeys(links.plan_names.values()))
            tail.append(context(f"*The plans cover* combating organised crime: {names}. "
                                f"Try `/plans help` for what you can ask."))
    if answer.meta.get("more") and answer.meta.get("browse") is not None:
        tail.append(context(see_all(answer.meta["browse"], int(answer.meta.get("count") or 0), links)))
    if record_id:
        tail.append(feedback_block(record_id, share=share))
    more = f"Read it in full at {links.public_url}." if links.public_url else "Ask a narrower question to see the rest."
    body = body_blocks(text, MAX_BLOCKS - len(head) - len(tail) - 1, more)  # 1 kept for the feedback tally
    return Message(head + body + tail, plain(answer.answer))


def see_all(browse: dict, count: int, links: Links) -> str:
    """Where the whole list is: the page's Browse view with the same filters (PLANS_PUBLIC_URL), else
    the `/plans actions` command that lists it."""
    url = browse_url(links.public_url, browse)
    if url:
        return f":mag: <{url}|See all {count} on the web page>"
    return f":mag: All {count}: `{escape(slack_command(browse))}`"


def action_line(a: Action, links: Links, due: date | None = None) -> str:
    title = " ".join(x for x in (a.number, a.title) if x) or "(untitled)"
    what = shorten(a.text, 180) if a.text and a.text != a.title else ""
    facts = [f"drivers: {', '.join(a.drivers)}" if a.drivers else "",
             f"timeline: {shorten(a.timeline, 80)}" if a.timeline else "",
             f"funding: {shorten(a.funding, 80)}" if a.funding else f"funding: {a.funding_status}"]
    lines = f"line {a.line_start}" if a.line_start == a.line_end else f"lines {a.line_start}–{a.line_end}"
    where = f"{links.plan(a.plan)}, {lines}"
    url = links.passage(a.section_id)
    source = f"<{url}|{lit(where)}>" if url else lit(where)
    due_text = f"*due {due.isoformat()}* · " if due else ""
    head = f"• {due_text}*{lit(title)}*" + (f" — {lit(what)}" if what else "")
    return f"{head}\n      {lit('; '.join(f for f in facts if f))} ({source})"


def render_actions(title: str, rows: Sequence[tuple[Action, date | None]], links: Links, *,
                   record_id: str | None = None, share: bool = False, asked: str | None = None,
                   browse: dict | None = None) -> Message:
    """A list of action records (with their due dates for deadlines) under a one-line title;
    ``browse``: the filters that gave it, for a link to the whole list on the web page."""
    head = [context(f":speech_balloon: {escape(shorten(asked, 280))}")] if asked else []
    if not rows:
        blocks = [*head, section(f"*{escape(title)}*: none match. Try a wider window or fewer filters.")]
        return Message(blocks, f"{title}: none")
    lines = [action_line(a, links, due) for a, due in rows[:MAX_ITEMS]]
    if len(rows) > MAX_ITEMS:
        url = browse_url(links.public_url, browse) if browse is not None else None
        where = f" <{url}|See all {len(rows)} on the web page>, or narrow" if url else " Narrow"
        lines.append(f"_…and {len(rows) - MAX_ITEMS} more._{where} the list with plan:, driver: or funding:.")
    tail = [{"type": "actions", "block_id": FEEDBACK_BLOCK, "elements": [share_button(record_id)]}] \
        if share and record_id else []
    body = body_blocks(f"*{lit(title)}*\n" + "\n".join(lines), MAX_BLOCKS - len(head) - len(tail) - 1,
                       "Narrow the list with plan:, driver: or funding:.", max_chars=MAX_LIST_CHARS)
    return Message(head + body + tail, f"{title}: {len(rows)}")


def render_notice(text: str, emoji: str = ":warning:") -> Message:
    return Message([section(f"{emoji} {escape(text)}")], text)


def render_apology() -> Message:
    return render_notice(APOLOGY, ":bow:")


HELP = """*Ask the plans of action on combating organised crime.* Every answer cites the passages it rests on.
• Mention me in a channel (`@plans who drives 3.2 in the Western Balkan plan?`): I answer in a thread, \
and follow-ups in that thread (“and who funds it?”) need no mention.
• Or write to me in a direct message.
• `/plans ask <question>` — e.g. `/plans ask what is still seeking funding? as-of:2018-05-01`
• `/plans actions driver:<name> funding:seeking due:60d plan:<plan>` — action records, filtered
• `/plans deadlines [as-of:YYYY-MM-DD] [60d]` — what falls due in the window (default 60 days from today)
• `/plans subscribe [daily|weekly|monthly] [plan <name>] [driver <name>]` — a digest of deadlines posted \
here (weekly: Monday 09:00); add `at 08:30`, `tz Europe/Berlin`, `60d` or `quiet` (nothing when empty)
• `/plans subscriptions` — the digests of this channel and yours; `/plans unsubscribe <number>` stops one
• `/plans help` — this message
Slash-command results are visible only to you until you press *Share in channel*."""


def render_help() -> Message:
    return Message([section(HELP)],
                   "How to ask the plans: mention me, DM me, or use /plans ask|actions|deadlines|subscribe.")
