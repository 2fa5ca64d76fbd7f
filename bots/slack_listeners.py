"""What the Slack app does with each event: mentions, DMs, thread follow-ups, `/plans`, buttons.

Every path calls the same ``Assistant.ask`` (or the action records) and only renders. Errors never
reach Slack as stack traces: a ``PlansError`` becomes its sentence, anything else an apology in
the thread, logged here with the detail.

Example::

    Listeners(settings, lambda: assistant, open_feedback(settings), threads, SeenEvents()).register(bolt_app)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk.errors import SlackApiError

from assistant.policy import MAX_QUESTION
from bots.feedback import FeedbackStore, new_id
from bots.slack_query import SUBSCRIPTION_COMMANDS, Command, clean_text, parse_command, split_options
from bots.slack_render import (
    APOLOGY,
    Links,
    Message,
    context,
    render_actions,
    render_answer,
    render_apology,
    render_help,
    render_notice,
    with_share,
    with_tally,
)
from bots.slack_state import SeenEvents, Threads
from indexer.funding import STATUS_PHRASES
from indexer.records import ActionFilter, filter_actions, resolve_plan, with_due
from plans.errors import PlansError
from plans.settings import Settings

log = logging.getLogger("bots.slack")


class Listeners:
    """The bolt listeners, over an assistant given directly or built on first use."""

    def __init__(self, settings: Settings, get_assistant: Callable[[], Any], feedback: FeedbackStore,
                 threads: Threads, seen: SeenEvents, digests: Any = None) -> None:
        self.settings = settings
        self.digests = digests  # bots.slack_digest.DigestSlack: subscriptions and App Home
        self.bot = get_assistant
        self.feedback = feedback
        self.threads = threads
        self.seen = seen

    def register(self, app: App) -> None:
        app.middleware(self.once_per_event)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.command("/plans")(self.on_command)
        app.action("feedback_up")(self.on_feedback)
        app.action("feedback_down")(self.on_feedback)
        app.action("share_in_channel")(self.on_share)
        if self.digests is not None:
            self.digests.register(app)
        app.error(self.on_error)

    # --- events -------------------------------------------------------------------------------

    def once_per_event(self, body: dict, request: Any, next: Callable[[], BoltResponse]) -> BoltResponse:
        """Slack re-sends an event it thinks we missed (X-Slack-Retry-Num): handle each id once."""
        event_id = body.get("event_id")
        if event_id and not self.seen.first_time(f"event:{event_id}"):
            retry = (request.headers.get("x-slack-retry-num") or ["?"])[0]
            log.info("Slack re-sent event %s (retry %s); it was already handled", event_id, retry)
            return BoltResponse(status=200, body="")
        return next()

    def on_mention(self, event: dict, context: Any, client: Any) -> None:
        if event.get("bot_id") or event.get("subtype") or not event.get("user"):
            return  # never answer bots (nor ourselves)
        channel, ts = event["channel"], event["ts"]
        if channel.startswith("D"):  # a mention in a DM: answer like any DM
            thread, conversation = event.get("thread_ts"), channel
        else:
            thread = event.get("thread_ts") or ts
            conversation = f"{channel}:{thread}"
        if not self.seen.first_time(f"msg:{channel}:{ts}"):
            return
        if not channel.startswith("D"):
            self.threads.join(channel, thread or ts)
        self.reply(client, event, channel=channel, thread_ts=thread, conversation=conversation,
                   bot_user_id=context.bot_user_id)

    def on_message(self, event: dict, context: Any, client: Any) -> None:
        if event.get("subtype") not in (None, "thread_broadcast", "file_share"):
            return  # edits, joins, bot messages...
        user = event.get("user")
        if event.get("bot_id") or not user or user == context.bot_user_id:
            return
        channel, ts, thread = event.get("channel", ""), event.get("ts", ""), event.get("thread_ts")
        if event.get("channel_type") == "im" or channel.startswith("D"):
            conversation = f"{channel}:{thread}" if thread else channel
        else:
            if not thread or thread == ts:
                return  # a channel message outside a thread: only mentions are for us
            if context.bot_user_id and f"<@{context.bot_user_id}" in (event.get("text") or ""):
                return  # the app_mention event answers it
            if not self.threads.has(channel, thread):
                return  # a thread we were not asked into
            conversation = f"{channel}:{thread}"
        if not self.seen.first_time(f"msg:{channel}:{ts}"):
            return
        self.reply(client, event, channel=channel, thread_ts=thread, conversation=conversation,
                   bot_user_id=context.bot_user_id)

    def reply(self, client: Any, event: dict, *, channel: str, thread_ts: str | None, conversation: str,
              bot_user_id: str | None) -> None:
        user = event.get("user")
        try:
            question, as_of, plan = split_options(clean_text(event.get("text") or "", bot_user_id))
        except PlansError as exc:
            message = render_notice(exc.message)
        else:
            message = self.answer(question, as_of=as_of, plan=plan, conversation=conversation,
                                  channel=channel, user=user)
        self.post(client, message, channel=channel, thread_ts=thread_ts)

    def post(self, client: Any, message: Message, *, channel: str, thread_ts: str | None) -> None:
        try:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, blocks=message.blocks,
                                    text=message.text, unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:  # e.g. invalid_blocks: say sorry in plain text rather than stay silent
            log.error("Slack refused a reply in %s: %s", channel, exc.response.get("error"))
            try:
                client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=APOLOGY)
            except SlackApiError:
                log.exception("Slack refused the apology in %s too", channel)
        except Exception:
            log.exception("Posting a reply to Slack (%s) failed", channel)

    # --- answers and lists --------------------------------------------------------------------

    def links(self) -> Links:
        names: dict[str, str] = {}
        try:
            for p in getattr(self.bot(), "plans", None) or []:
                names[p.title] = names[p.id] = p.short_name
        except Exception:  # the links are a nicety; the answer path reports a broken assistant
            pass
        return Links(self.settings.public_url, names)

    def answer(self, question: str, *, as_of: date | None, plan: str | None, conversation: str | None,
               channel: str | None, user: str | None, share: bool = False, echo: bool = False) -> Message:
        """The assistant's answer rendered (and kept for feedback), or a polite sentence."""
        if not question:
            return render_help()
        if len(question) > MAX_QUESTION:
            return render_notice(f"That message is {len(question):,} characters long; I can read questions of up "
                                 f"to {MAX_QUESTION:,} characters. Please ask it in fewer words.", ":scissors:")
        try:
            answer = self.bot().ask(question, as_of=as_of, conversation_id=conversation, plan=plan)
            links = self.links()
            rid = new_id()
            message = render_answer(answer, links, record_id=rid, nearby=self.nearby(answer, links),
                                    asked=question if echo else None)
            self.feedback.save_answer(question=question, answer=answer.answer, refused=answer.refused,
                                      citations=[asdict(c) for c in answer.citations], channel=channel,
                                      user=user, blocks=message.blocks, text=message.text, record_id=rid)
            return Message(with_share(message.blocks, rid), message.text) if share else message
        except PlansError as exc:
            log.info("Slack question not answered (%s): %s", type(exc).__name__, exc.message)
            return render_notice(exc.message)
        except Exception:
            log.exception("Answering a Slack question failed (channel %s, user %s): %r", channel, user,
                          question[:300])
            return render_apology()

    def nearby(self, answer: Any, links: Links) -> list[tuple[str, str]]:
        """Passages the search found for a refused question: what the plans cover near it."""
        if not answer.refused or not answer.retrieved:
            return []
        out = []
        try:
            for sid in answer.retrieved[:3]:
                s = self.bot().records.section(sid)
                out.append((" › ".join((links.plan(s.plan_id), *s.heading_path[-1:])), sid))
        except Exception:
            log.debug("No nearby passages for a refusal", exc_info=True)
        return out

    def actions(self, cmd: Command, *, channel: str | None, user: str | None, asked: str) -> Message:
        records = self.bot().records
        as_of = cmd.as_of or date.today()
        flt = ActionFilter(plan=cmd.plan, driver=cmd.driver, funding=cmd.funding, due_within=cmd.due_within,
                           as_of=as_of, overdue=cmd.overdue)
        rows = with_due(records, filter_actions(records, flt), as_of)  # each listed action with its due date
        if cmd.kind == "deadlines" or cmd.due_within is not None:
            rows.sort(key=lambda r: (r[1] or date.max, r[0].plan, r[0].number))
        parts = [STATUS_PHRASES[cmd.funding]] if cmd.funding else []
        if cmd.driver:
            parts.append(f"driven by {cmd.driver}")
        if cmd.plan:
            parts.append(f"in {resolve_plan(records, cmd.plan).short_name}")
        if cmd.due_within is not None:
            parts.append(f"due within {cmd.due_within} days of {as_of.isoformat()}")
        if cmd.overdue:
            parts.append(f"overdue as of {as_of.isoformat()}")
        noun = "deadline" if cmd.kind == "deadlines" else "action"
        title = f"{len(rows)} {noun}{'' if len(rows) == 1 else 's'} {' '.join(parts)}".strip()
        links, rid = self.links(), new_id()
        browse = {"plan": resolve_plan(records, cmd.plan).id if cmd.plan else None, "driver": cmd.driver,
                  "funding": cmd.funding, "due_within": cmd.due_within, "overdue": cmd.overdue,
                  "as_of": as_of.isoformat() if cmd.as_of else None}  # the same list on the page's Browse view
        message = render_actions(title, rows, links, asked=asked, browse=browse)
        if rows:
            self.feedback.save_answer(question=asked, answer=title, citations=[], channel=channel, user=user,
                                      kind=cmd.kind, blocks=message.blocks, text=message.text, record_id=rid)
            return render_actions(title, rows, links, asked=asked, record_id=rid, share=True, browse=browse)
        return message

    # --- the slash command and the buttons ----------------------------------------------------

    def on_command(self, ack: Callable, command: dict, respond: Callable, client: Any) -> None:
        """`/plans ask|actions|deadlines|subscribe|subscriptions|unsubscribe|help`: ack at once (Slack
        allows 3 s), then post the result to the response_url, visible only to the caller until they
        share it."""
        text = command.get("text") or ""
        try:
            cmd = parse_command(text)
        except PlansError as exc:
            ack(blocks=render_notice(exc.message).blocks, text=exc.message)
            return
        if cmd.kind == "help":
            ack(blocks=render_help().blocks, text=render_help().text)
            return
        ack()
        user, channel = command.get("user_id"), command.get("channel_id")
        asked = f"{command.get('command') or '/plans'} {text}".strip()
        try:
            if cmd.kind in SUBSCRIPTION_COMMANDS:
                message = self.digests.command(cmd, user=user or "", channel=channel or "", client=client) \
                    if self.digests is not None else render_notice("Digests are not set up in this app.")
            elif cmd.kind == "ask":
                message = self.answer(cmd.question, as_of=cmd.as_of, plan=cmd.plan, share=True, echo=True,
                                      conversation=f"slash:{channel}:{user}", channel=channel, user=user)
            else:
                message = self.actions(cmd, channel=channel, user=user, asked=asked)
        except PlansError as exc:
            message = render_notice(exc.message)
        except Exception:
            log.exception("`%s` failed (channel %s, user %s)", asked[:300], channel, user)
            message = render_apology()
        try:
            respond(blocks=message.blocks, text=message.text, response_type="ephemeral", replace_original=False)
        except Exception:
            log.exception("Posting `%s` to the response_url failed", asked[:100])

    def on_feedback(self, ack: Callable, body: dict, action: dict, client: Any, respond: Callable) -> None:
        """A 👍/👎 click: stored, then acknowledged in place (the message shows the tally)."""
        ack()
        rid, user = action.get("value") or "", (body.get("user") or {}).get("id") or ""
        vote = "up" if action.get("action_id") == "feedback_up" else "down"
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        try:
            tally = self.feedback.vote(rid, user=user, channel=channel, vote=vote)
            message = body.get("message")
            if message and not container.get("is_ephemeral"):
                client.chat_update(channel=channel, ts=message["ts"], text=message.get("text") or "",
                                   blocks=with_tally(message.get("blocks") or [], tally, user))
            else:  # an ephemeral /plans result: Slack does not send it back, the stored copy is used
                kept = self.feedback.answer(rid) or {"blocks": [], "text": ""}
                respond(replace_original=True, text=kept["text"],
                        blocks=with_tally(with_share(kept["blocks"], rid), tally, user))
        except Exception:
            log.exception("Storing or acknowledging feedback on %s failed", rid)
            respond(text="Sorry, your feedback could not be saved; the error has been logged.",
                    response_type="ephemeral", replace_original=False)

    def on_share(self, ack: Callable, body: dict, action: dict, respond: Callable) -> None:
        """"Share in channel": post the kept result publicly, then remove the private copy."""
        ack()
        kept = self.feedback.answer(action.get("value") or "")
        if not kept:
            respond(text="That result is no longer available; run the command again to share it.",
                    response_type="ephemeral", replace_original=False)
            return
        user = (body.get("user") or {}).get("id") or ""
        blocks = [context(f"Shared by <@{user}>"), *kept["blocks"]][:50]
        respond(blocks=blocks, text=kept["text"], response_type="in_channel", replace_original=False)
        respond(delete_original=True)

    def on_error(self, error: Exception, body: dict) -> None:
        log.error("The Slack app failed on a %s request", body.get("type") or "Slack", exc_info=error)
