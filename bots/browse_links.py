"""Where the whole of a long list is, for each interface: an answer that lists part of what the
action filters give (``Answer.meta["browse"]``: plan, driver, funding, due_within, as_of, overdue)
points web users to the page's Browse view with the same filters, Slack users to that view through
``PLANS_PUBLIC_URL`` (or to `/plans actions` without it), and the command line to `plans actions`.

Example::

    browse_fragment({"funding": "seeking", "plan": "wbcsci"})  # '#browse?plan=wbcsci&funding=seeking'
    cli_command({"due_within": 60, "as_of": "2018-05-01"})     # 'plans actions --due-within 60 --as-of 2018-05-01'
    slack_command({"overdue": True})                           # '/plans actions overdue'
"""

from __future__ import annotations

import shlex
from urllib.parse import urlencode

ORDER = ("plan", "driver", "funding", "due_within", "as_of", "overdue")  # the Browse view's filters


def _known(filters: dict) -> list[tuple[str, object]]:
    return [(k, filters[k]) for k in ORDER if filters.get(k) not in (None, "", False)]


def browse_fragment(filters: dict) -> str:
    """The page address part that opens the Browse view with these filters (bots/static/app.js)."""
    query = urlencode([(k, "true" if v is True else str(v)) for k, v in _known(filters)])
    return f"#browse?{query}" if query else "#browse"


def browse_url(public_url: str, filters: dict) -> str | None:
    return f"{public_url.rstrip('/')}/{browse_fragment(filters)}" if public_url else None


def cli_command(filters: dict) -> str:
    parts = ["plans", "actions"]
    for k, v in _known(filters):
        parts += [f"--{k.replace('_', '-')}"] if v is True else [f"--{k.replace('_', '-')}", str(v)]
    return shlex.join(parts)


def slack_command(filters: dict) -> str:
    words = ["/plans actions"]
    for k, v in _known(filters):
        if v is True:
            words.append(k)
        elif k == "due_within":
            words.append(f"due:{v}d")
        else:
            value = str(v)
            words.append(f'{k.replace("_", "-")}:' + (f'"{value}"' if " " in value else value))
    return " ".join(words)
