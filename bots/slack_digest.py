"""Deadlines that come to people in Slack: `/plans subscribe|subscriptions|unsubscribe`, the digests
the scheduler posts, and the App Home tab.

* A subscription posts to the channel (or DM) it was made in; its time zone is the one it names
  (``tz Europe/Berlin``), else in a DM the user's own (``users.info``), else the workspace's
  (``PLANS_SLACK_TIMEZONE``). Its plan is matched as typed, misspellings included
  (``indexer.records.match_plan``), and kept both as the plan's id and as typed, so that after
  re-indexing renamed the plan the name finds it again.
* Each digest is built from the serving index at posting time (``ServingRecords``), compared with
  the subscription's previous digest, and posted as Block Kit; an empty one says so, unless the
  subscription asked for silence (``quiet``).
* App Home (``app_home_opened``) shows the user's digests with buttons to subscribe and unsubscribe,
  the next 30 days' deadlines and what is overdue, each with a button to its passage.

Example::

    digests = DigestSlack(settings, ServingRecords(settings), open_digest_store(settings))
    digests.register(bolt_app)          # App Home and its buttons; Listeners sends it the commands
    digests.start(bolt_app.client)      # the scheduler (bots.digest_schedule)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from assistant.digest import DigestQuery, build_digest
from assistant.policy import DIGEST_DAYS, DIGEST_MAX_DAYS
from bots.digest_schedule import DigestScheduler, next_time, zone
from bots.digest_store import DigestStore, Subscription, now_utc
from bots.slack_digest_render import home_view, passage_modal, render_digest, render_subscriptions
from bots.slack_query import Command
from bots.slack_render import Links, Message, render_notice, section
from indexer.records import ActionFilter, filter_actions, match_plan
from indexer.store import RecordStore
from plans.errors import InputError, NotFoundError, PlansError
from plans.settings import Settings

log = logging.getLogger("bots.slack")
HOME_DAYS = 30  # App Home looks this far ahead
# Slack's answers to a post that will not change by trying again (others, like rate limits, are retried)
LASTING_REFUSALS = frozenset({"channel_not_found", "not_in_channel", "is_archived", "account_inactive",
                              "invalid_auth", "restricted_action", "cannot_dm_bot"})


class DigestSlack:
    """Subscriptions, digests and App Home over the record store ``records()`` gives."""

    def __init__(self, settings: Settings, records: Callable[[], RecordStore], store: DigestStore, *,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.settings = settings
        self.records = records
        self.store = store
        self.clock = clock
        self.scheduler: DigestScheduler | None = None

    def register(self, app: App) -> None:
        app.event("app_home_opened")(self.on_home_opened)
        app.action(re.compile(r"^home_subscribe_(daily|weekly|monthly)$"))(self.on_home_subscribe)
        app.action("home_unsubscribe")(self.on_home_unsubscribe)
        app.action("open_passage")(self.on_open_passage)

    def start(self, client: Any) -> DigestScheduler:
        """Post digests on time from now on (and a period missed while nothing ran, once)."""
        if self.scheduler is None:
            self.scheduler = DigestScheduler(self.store, self.deliverer(client), clock=self.clock)
            self.scheduler.start()
        return self.scheduler

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.scheduler = None

    def _changed(self) -> None:
        if self.scheduler is not None:
            self.scheduler.sync()

    def links(self, records: RecordStore) -> Links:
        names: dict[str, str] = {}
        for p in records.plans():
            names[p.title] = names[p.id] = p.short_name
        return Links(self.settings.public_url, names)

    def plan_names(self) -> dict[str, str]:
        return {p.id: p.short_name for p in self.records().plans()}

    # -- the commands -----------------------------------------------------------------------------
    def command(self, cmd: Command, *, user: str, channel: str, client: Any) -> Message:
        if cmd.kind == "subscriptions":
            return render_subscriptions(self.store.of(channel=channel, user=user), self.plan_names())
        if cmd.kind == "unsubscribe":
            return self.unsubscribe(cmd.number or 0, user=user, channel=channel)
        return self.subscribe(cmd, user=user, channel=channel, client=client)

    def time_zone(self, tz: str, *, user: str, direct: bool, client: Any) -> str:
        """The zone asked for; else in a DM the user's own Slack zone; else the workspace's."""
        if tz:
            return zone(tz).key
        if direct:
            try:
                found = (client.users_info(user=user).get("user") or {}).get("tz")
                if found:
                    return zone(found).key
            except (SlackApiError, InputError) as exc:
                log.info("No time zone for %s from users.info (%s); using the workspace's", user, exc)
        return zone(self.settings.slack_timezone).key

    def subscribe(self, cmd: Command, *, user: str, channel: str, client: Any) -> Message:
        records = self.records()
        within = DIGEST_DAYS if cmd.due_within is None else cmd.due_within
        if within > DIGEST_MAX_DAYS:
            raise InputError(f"A digest looks at most {DIGEST_MAX_DAYS} days ahead, not {within}.")
        plan_id, note = None, ""
        if cmd.plan:
            plan, taken = match_plan(records, cmd.plan)
            plan_id, note = plan.id, f"{taken} " if taken else ""
        if cmd.driver and not filter_actions(records, ActionFilter(plan=plan_id, driver=cmd.driver)):
            raise InputError(f"No action{' of that plan' if plan_id else ''} names {cmd.driver!r} among its drivers; "
                             "`/plans actions driver:<name>` shows how the plans write them.")
        hour, minute = cmd.at or (9, 0)
        tz = self.time_zone(cmd.tz, user=user, direct=channel.startswith(("D", "U")), client=client)
        sub = self.store.add(Subscription(
            channel=channel, user=user, frequency=cmd.frequency or "weekly", tz=tz, within=within,
            weekday=cmd.weekday or 0, hour=hour, minute=minute, plan_id=plan_id, plan_typed=cmd.plan,
            driver=cmd.driver, quiet=cmd.quiet), created=self.clock())
        self._changed()
        first = next_time(sub, self.clock())
        what = f"the {self.plan_names().get(plan_id, plan_id)} plan" if plan_id else "all plans"
        if cmd.driver:
            what += f", driver {cmd.driver}"
        text = (f"{note}Subscribed: digest #{sub.id}, {sub.when()}, first on "
                f"{first.strftime('%a %d %b %Y %H:%M') if first else '?'}. It lists what is due in the next {within} "
                f"days in {what}, what is overdue and what changed since the last digest"
                f"{'; an empty one posts nothing' if sub.quiet else ''}. `/plans unsubscribe {sub.id}` stops it.")
        return Message([section(f":calendar: {text}")], text)

    def unsubscribe(self, number: int, *, user: str, channel: str) -> Message:
        sub = self.store.get(number)
        if sub is None or not sub.active or (sub.channel != channel and sub.user != user):
            raise NotFoundError(f"There is no digest #{number} in this channel or of yours; "
                                "`/plans subscriptions` lists them.")
        self.store.end(sub.id)
        self._changed()
        return render_notice(f"Digest #{sub.id} ({sub.when()}) is stopped; nothing more will be posted.",
                             ":white_check_mark:")

    # -- posting a digest -----------------------------------------------------------------------
    def query_for(self, sub: Subscription, records: RecordStore, as_of: Any, within: int | None = None) -> DigestQuery:
        """The subscription's digest query; its plan found again by the name as typed when
        re-indexing changed the plan's id."""
        plan_id = sub.plan_id
        if plan_id and plan_id not in {p.id for p in records.plans()}:
            plan, _ = match_plan(records, sub.plan_typed or plan_id)
            plan_id = plan.id
            self.store.set_plan(sub.id, plan_id)
            log.info("Digest %s: plan %r is now %s", sub.id, sub.plan_typed, plan_id)
        return DigestQuery(as_of=as_of, within=sub.within if within is None else within, plan=plan_id,
                           driver=sub.driver)

    def deliverer(self, client: Any) -> Callable[[Subscription, datetime], str]:
        return lambda sub, period: self.deliver(client, sub, period)

    def deliver(self, client: Any, sub: Subscription, period: datetime) -> str:
        """Build and post the subscription's digest of ``period`` (its local date is the digest's
        as_of); "posted", or "silent" for an empty digest of a quiet subscription. Slack's refusal
        raises (the scheduler gives the period back)."""
        records = self.records()
        as_of = period.astimezone(zone(sub.tz)).date()
        title = f"Digest #{sub.id} · {sub.when()} · `/plans unsubscribe {sub.id}` stops it"
        try:
            digest = build_digest(records, self.query_for(sub, records, as_of), previous=self.store.snapshot(sub.key))
        except PlansError as exc:  # the plan is gone from the index: say so where the digest would be
            message = render_notice(f"Digest #{sub.id}: {exc.message} `/plans unsubscribe {sub.id}` stops it.")
            client.chat_postMessage(channel=sub.channel, blocks=message.blocks, text=message.text)
            return "notice"
        if digest.empty and sub.quiet:
            self.store.keep_snapshot(sub.key, digest.snapshot)
            return "silent"
        message = render_digest(digest, self.links(records), title=title)
        try:
            client.chat_postMessage(channel=sub.channel, blocks=message.blocks, text=message.text,
                                    unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error in LASTING_REFUSALS:  # trying again in a minute would not help: this period is lost
                log.error("Slack refused digest %s in %s (%s)", sub.id, sub.channel, error)
                return f"refused: {error}"
            raise
        self.store.keep_snapshot(sub.key, digest.snapshot)
        return "posted"

    # -- App Home -------------------------------------------------------------------------------
    def home(self, user: str) -> dict:
        records = self.records()
        as_of = self.clock().astimezone(zone(self.settings.slack_timezone)).date()
        digest = build_digest(records, DigestQuery(as_of=as_of, within=HOME_DAYS), tracking=False)
        names = {p.id: p.short_name for p in records.plans()}
        return home_view(self.store.of(user=user), digest, self.links(records), names)

    def publish_home(self, client: Any, user: str) -> None:
        client.views_publish(user_id=user, view=self.home(user))

    def on_home_opened(self, event: dict, client: Any) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        try:
            self.publish_home(client, event["user"])
        except Exception:
            log.exception("Publishing App Home for %s failed", event.get("user"))

    def on_home_subscribe(self, ack: Callable, body: dict, action: dict, client: Any) -> None:
        """A subscribe button on App Home: a digest in the user's DM with the app, in the user's zone."""
        ack()
        user = (body.get("user") or {}).get("id") or ""
        cmd = Command("subscribe", frequency=action.get("value") or "weekly")
        try:
            self.subscribe(cmd, user=user, channel=user, client=client)
            self.publish_home(client, user)
        except Exception:
            log.exception("Subscribing %s from App Home failed", user)

    def on_home_unsubscribe(self, ack: Callable, body: dict, action: dict, client: Any) -> None:
        ack()
        user = (body.get("user") or {}).get("id") or ""
        try:
            self.unsubscribe(int(action.get("value") or 0), user=user, channel="")
        except (PlansError, ValueError) as exc:
            log.info("App Home unsubscribe by %s refused: %s", user, exc)
        try:
            self.publish_home(client, user)
        except Exception:
            log.exception("Publishing App Home for %s failed", user)

    def on_open_passage(self, ack: Callable, body: dict, action: dict, client: Any) -> None:
        """The button opened the page when there is one; otherwise the passage opens in a modal."""
        ack()
        if self.settings.public_url or not body.get("trigger_id"):
            return
        try:
            records = self.records()
            s = records.section(action.get("value") or "")
            client.views_open(trigger_id=body["trigger_id"], view=passage_modal(s, records.plan(s.plan_id).title))
        except Exception:
            log.exception("Opening passage %s failed", action.get("value"))
