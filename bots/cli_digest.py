"""`plans digest`: what is due in the next days, what is overdue, and what changed since the previous
digest of the same key (the filters, or ``--key``), every line citing its passage.

The snapshot the next run compares with is kept in ``<data_dir>/digests.sqlite`` (the table Slack
subscriptions use), under ``cli:<plan id>:<driver>`` unless ``--key`` names another.

Example::

    plans digest --as-of 2018-05-01 --within 60 --plan wbcsci
    plans digest --driver DCAF --json
"""

from __future__ import annotations

import json
from datetime import date

import typer

from plans.errors import PlansError


def digest_command(
    as_of: str | None = typer.Option(None, help="Reference date YYYY-MM-DD (default today)."),
    within: int = typer.Option(30, help="Days ahead that count as due."),
    plan: str | None = typer.Option(None, help="Only this plan (id, organisation or a word of its title; "
                                               "a misspelt name is read as the closest)."),
    driver: str | None = typer.Option(None, help="Only actions with this driver (case-insensitive substring)."),
    key: str | None = typer.Option(None, help="Compare with the previous digest kept under this name "
                                              "(default: one per plan and driver)."),
    as_json: bool = typer.Option(False, "--json", help="Print the digest as JSON."),
) -> None:
    """Print what is due within DAYS, what is overdue and what changed since the previous digest."""
    from assistant.digest import DigestQuery, build_digest
    from bots.digest_store import open_digest_store
    from indexer.pipeline import open_records
    from indexer.records import match_plan, parse_as_of
    from plans.settings import get_settings

    settings = get_settings()
    try:
        store = open_records(settings)
        day = parse_as_of(as_of, "--as-of") or date.today()
        plan_id, note = None, None
        if plan:
            found, note = match_plan(store, plan)
            plan_id = found.id
        query = DigestQuery(as_of=day, within=within, plan=plan_id, driver=driver)
        kept = open_digest_store(settings)
        name = key or f"cli:{plan_id or '*'}:{(driver or '*').lower()}"
        digest = build_digest(store, query, previous=kept.snapshot(name))
        kept.keep_snapshot(name, digest.snapshot)
    except PlansError as exc:
        typer.secho(f"error: {exc.message}", err=True, fg=typer.colors.RED)
        raise typer.Exit(exc.exit_code) from None
    if as_json:
        typer.echo(json.dumps({**digest.to_json(), "key": name}, indent=2, ensure_ascii=False))
        return
    if note:
        typer.echo(note)
    typer.echo(digest.text)
    if digest.citations:
        typer.echo("\nSources:")
        for c in digest.citations:
            page = f"p. {c.page_start}, " if c.page_start else ""
            lines = f"line {c.line_start}" if c.line_start == c.line_end else f"lines {c.line_start}-{c.line_end}"
            typer.echo(f"[{c.n}] {c.plan} › {c.section} ({c.file}, {page}{lines}; section {c.section_id})")
