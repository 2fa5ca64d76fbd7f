"""What the indexer stores beside each action record so the answer's filters read columns instead
of decoding every record (issue #17: at ×1000, 183,000 records took about ten seconds to decode,
and as long again to parse their timelines or stem their texts, on the first deadline question).

- :func:`timeline_days`: the day numbers the deadline filters compare (``actions.mention_lo``,
  ``mention_hi``, and one ``action_recurs`` row per recurring mention).
- :func:`action_stems`: the word stems of :func:`action_text`, from which the indexer writes one
  posting list per stem (``action_postings``) for the topic prefilter of deadline and listing answers.

Example::

    timeline_days("Each semester until December 2019")  # (None, 737424, [(None, 737424)]) as day numbers
    action_stems(action)                                  # ["border", "polic", "train", ...]
"""

from __future__ import annotations

from datetime import date

from indexer.dates import timeline_dates
from indexer.models import Action
from indexer.text import stem, tokens


def day(d: date | None) -> int | None:
    """A date as a day number (``date.toordinal``), None for none."""
    return d.toordinal() if d else None


def timeline_days(timeline: str) -> tuple[int | None, int | None, list[tuple[int | None, int | None]]]:
    """The first and last day of a timeline's dated mentions (None when none is dated), and each
    recurring mention's own start and end (None where open; the plan's period bounds an open end
    when the filters read them)."""
    spans, recurs = [], []
    for r in timeline_dates(timeline) if timeline else ():
        a, b = r.start or r.end, r.end or r.start
        if a and b:
            spans.append((a.toordinal(), b.toordinal()))
        if r.recurrence:
            recurs.append((day(r.start), day(r.end)))
    return (min((a for a, _ in spans), default=None), max((b for _, b in spans), default=None), recurs)


def action_text(x: Action) -> str:
    """The text a deadline or listing question's topic is matched against."""
    return f"{x.need} {x.title} {x.text} {' '.join(x.drivers)}"


def action_stems(x: Action) -> list[str]:
    """The distinct word stems of :func:`action_text`, sorted."""
    return sorted({stem(t) for t in tokens(action_text(x))})
