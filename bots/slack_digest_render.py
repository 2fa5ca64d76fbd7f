"""Block Kit for digests: a posted digest, the list of subscriptions, the App Home tab, a passage.

A posted digest is the digest's text (each line with its ``[n]``) and its sources, as an answer is
shown (``bots.slack_render``). App Home shows each action as a section with a button that opens its
passage: a link to the page when ``PLANS_PUBLIC_URL`` is set, else a modal with the passage itself.

Example::

    msg = render_digest(digest, links, title="Digest #3 · weekly on Monday at 09:00 (Europe/Berlin)")
    client.views_publish(user_id="U1", view=home_view(subs, digest, links, names))
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.digest import Digest, DigestItem
from bots.digest_store import Subscription
from bots.slack_render import (
    MAX_BLOCKS,
    Links,
    Message,
    body_blocks,
    context,
    lit,
    section,
    shorten,
    source_blocks,
    to_mrkdwn,
)
from indexer.models import Section

HOME_DUE = 15  # actions due shown on App Home (a view holds at most 100 blocks)
HOME_OVERDUE = 10
HOME_SUBSCRIPTIONS = 10


def render_digest(digest: Digest, links: Links, *, title: str) -> Message:
    """A digest as a message: a title line, the digest with its [n] markers, its sources."""
    head = [context(f":calendar: {lit(title)}")]
    tail = source_blocks(digest.citations, links) if digest.citations else []
    more = f"The whole list is on the page's Deadlines view: {links.public_url}" if links.public_url else \
        "`plans digest` prints the whole list."
    body = body_blocks(to_mrkdwn(digest.text), MAX_BLOCKS - len(head) - len(tail), more)
    counts = f"{len(digest.due)} due, {len(digest.overdue)} overdue, {len(digest.changed)} changed"
    return Message(head + body + tail, f"{title}: {counts}")


def subscription_line(sub: Subscription, plan_names: dict[str, str], *, where: bool = True) -> str:
    """'*#3* weekly on Monday at 09:00 (Europe/Berlin) · ECO plan · driver DCAF · next 30 days · in #C1'."""
    parts = [f"*#{sub.id}* {lit(sub.when())}"]
    if sub.plan_id:
        name = plan_names.get(sub.plan_id, sub.plan_typed or sub.plan_id)
        typed = f" (typed “{lit(sub.plan_typed)}”)" if sub.plan_typed and sub.plan_typed.lower() != name.lower() else ""
        parts.append(f"{lit(name)} plan{typed}")
    else:
        parts.append("all plans")
    if sub.driver:
        parts.append(f"driver {lit(sub.driver)}")
    parts.append(f"next {sub.within} days")
    if sub.quiet:
        parts.append("silent when empty")
    if where:
        parts.append(f"in <@{sub.channel}>" if sub.channel.startswith("U") else f"in <#{sub.channel}>")
    return " · ".join(parts)


def render_subscriptions(subs: Sequence[Subscription], plan_names: dict[str, str]) -> Message:
    if not subs:
        text = ("No digest is set up here. `/plans subscribe weekly` posts the deadlines every Monday at 09:00; "
                "add `plan <name>`, `driver <name>`, `daily` or `monthly`.")
        return Message([section(text)], "No digests here.")
    lines = [subscription_line(s, plan_names) for s in subs]
    text = "*Digests of this channel and yours*\n" + "\n".join(f"• {x}" for x in lines) + \
        "\n`/plans unsubscribe <number>` stops one."
    return Message(body_blocks(text, MAX_BLOCKS, ""), f"{len(subs)} digest(s)")


def _passage_button(item: DigestItem, links: Links) -> dict:
    button = {"type": "button", "action_id": "open_passage", "value": item.section_id,
              "text": {"type": "plain_text", "text": "Open passage"}}
    url = links.passage(item.section_id)
    if url:
        button["url"] = url
    return button


def home_item(item: DigestItem, links: Links) -> dict:
    """One action as a section: when, which, the facts, where it is said; a button to its passage."""
    when = f"ended {item.date.isoformat()}" if item.kind == "overdue" and item.date else \
        item.date.isoformat() if item.date else ""
    name = " ".join(x for x in (item.plan_name, item.number) if x)
    facts = [f"drivers: {', '.join(item.drivers)}" if item.drivers else "",
             f"timeline: {shorten(item.timeline, 80)}" if item.timeline else "",
             f"funding: {item.funding_status}" if item.funding_status != "unknown" else ""]
    text = (f"*{lit(when)}* · *{lit(name)}* {lit(shorten(item.title, 150))}\n"
            f"{lit('; '.join(f for f in facts if f))}\n_{lit(item.where)} · {lit(item.section_id)}_")
    block = section(text)
    if item.section_id:
        block["accessory"] = _passage_button(item, links)
    return block


def home_view(subs: Sequence[Subscription], digest: Digest, links: Links, plan_names: dict[str, str]) -> dict:
    """The App Home tab: the user's digests (with a button to stop each, and buttons to subscribe),
    then what is due in the digest's window and what is overdue."""
    q = digest.query
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Deadlines in the plans"}},
        context(f"As of {q.as_of.isoformat()} · each action opens the passage it comes from"),
        section("*Your digests*"),
    ]
    for sub in list(subs)[:HOME_SUBSCRIPTIONS]:
        block = section(subscription_line(sub, plan_names))
        block["accessory"] = {"type": "button", "action_id": "home_unsubscribe", "value": str(sub.id),
                              "text": {"type": "plain_text", "text": "Unsubscribe"}}
        blocks.append(block)
    if not subs:
        blocks.append(context("You have no digest yet. Subscribe here (it comes as a direct message), or type "
                              "`/plans subscribe weekly plan <name>` in a channel."))
    buttons = [{"type": "button", "action_id": f"home_subscribe_{freq}", "value": freq,
                "text": {"type": "plain_text", "text": f"Subscribe: {freq} digest"}}
               for freq in ("weekly", "daily", "monthly")]
    buttons[0]["style"] = "primary"
    blocks.append({"type": "actions", "block_id": "home_subscribe", "elements": buttons})
    blocks.append({"type": "divider"})
    blocks.append(section(f"*Due in the next {q.within} days* ({len(digest.due)})"))
    blocks += [home_item(i, links) for i in digest.due[:HOME_DUE]]
    if not digest.due:
        blocks.append(context(f"Nothing due in the next {q.within} days."))
    elif len(digest.due) > HOME_DUE:
        blocks.append(context(f"… and {len(digest.due) - HOME_DUE} more: `/plans deadlines {q.within}d`"))
    blocks.append({"type": "divider"})
    blocks.append(section(f"*Overdue* ({len(digest.overdue)}: past their end date and not marked done)"))
    blocks += [home_item(i, links) for i in digest.overdue[:HOME_OVERDUE]]
    if not digest.overdue:
        blocks.append(context("Nothing is overdue."))
    elif len(digest.overdue) > HOME_OVERDUE:
        blocks.append(context(f"… and {len(digest.overdue) - HOME_OVERDUE} more, ended earlier: "
                              "`/plans actions overdue`"))
    return {"type": "home", "blocks": blocks[:100]}


def passage_modal(s: Section, plan_title: str) -> dict:
    """A passage shown in a modal (App Home without a public page to link to)."""
    lines = f"line {s.line_start}" if s.line_start == s.line_end else f"lines {s.line_start}–{s.line_end}"
    return {"type": "modal", "title": {"type": "plain_text", "text": "Passage"},
            "close": {"type": "plain_text", "text": "Close"},
            "blocks": [section(f"*{lit(plan_title)}*"),
                       context(lit(" › ".join(s.heading_path) or plan_title)),
                       *body_blocks(lit(s.text), 20, "The passage continues in the plan."),
                       context(f"{lit(s.file)}, {lines} · {lit(s.id)}")]}
