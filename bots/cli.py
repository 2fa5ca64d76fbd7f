"""The `plans` command line: an interface like the web app and Slack, over the same assistant and
action records. Imports stay inside commands so each pays only for what it uses.

Example::

    plans index
    plans actions --funding seeking --plan wbcsci --json
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from plans.errors import ConfigError, PlansError

if TYPE_CHECKING:
    from assistant.models import Answer
    from indexer.pipeline import IndexSummary

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Ask the plans of action on combating organised crime.")


def _fail(exc: PlansError) -> None:
    typer.secho(f"error: {exc.message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(exc.exit_code)


@app.command()
def index(force: bool = typer.Option(False, help="Re-embed every file even if unchanged."),
          quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
          watch: bool = typer.Option(False, "--watch", help="Then re-index whenever a file in the corpus "
                                     "folder changes (Ctrl-C stops).")) -> None:
    """Parse the corpus, embed its sections into Chroma and write the action records."""
    from indexer.pipeline import run_index
    from plans.settings import get_settings

    try:
        summary = run_index(get_settings(), force=force, progress=False if quiet else None)
    except PlansError as exc:
        _fail(exc)
    if watch:
        from indexer.watch import watch_index

        _print_index(summary)
        typer.echo(f"watching {get_settings().corpus_dir} (Ctrl-C stops)")
        try:
            watch_index(get_settings(), on_summary=_print_index, progress=False if quiet else None)
        except KeyboardInterrupt:
            pass
        return
    _print_index(summary)
    if summary.skipped:
        raise typer.Exit(1)


def _print_index(summary: IndexSummary) -> None:
    for r in summary.reports:  # per file parsed: format, pages, sections, actions, tables, warnings
        typer.echo(r.line())
        for t in r.tables:
            typer.echo(f"    table: {t}")
        for w in r.warnings:
            typer.secho(f"    warning: {w}", fg=typer.colors.YELLOW)
    for p in summary.skipped:
        typer.secho(f"skipped {p.file}: {p.reason}", err=True, fg=typer.colors.YELLOW)
    typer.echo(f"indexed: {summary.line()}")


@app.command()
def actions(
    plan: str | None = typer.Option(None, help="Plan id or a word of its title."),
    driver: str | None = typer.Option(None, help="Driver, case-insensitive substring."),
    funding: str | None = typer.Option(None, help="available|seeking|negotiating|unknown, any case (also "
                                       "funded, unfunded, sought, negotiated)"),
    due_within: int | None = typer.Option(None, help="Due within DAYS of --as-of."),
    as_of: str | None = typer.Option(None, help="Reference date YYYY-MM-DD (default today)."),
    overdue: bool = typer.Option(False, help="Only actions whose end date is before --as-of."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of records."),
) -> None:
    """List action records, filtered, each with the date it is next due at --as-of (JSON: ``due``)."""
    from indexer.pipeline import open_records
    from indexer.records import ActionFilter, action_json, filter_actions, parse_as_of, with_due
    from plans.settings import get_settings

    try:
        store = open_records(get_settings())
        day = parse_as_of(as_of, "--as-of") or date.today()
        flt = ActionFilter(plan=plan, driver=driver, funding=funding, due_within=due_within, as_of=day,
                           overdue=overdue)
        found = with_due(store, filter_actions(store, flt), day)
    except PlansError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps([action_json(a, due) for a, due in found], indent=2, ensure_ascii=False))
        return
    for a, due in found:
        drivers = ", ".join(a.drivers) or "-"
        typer.echo(f"{a.id}  [{a.status}] {a.title[:70]}\n    drivers: {drivers}; timeline: "
                   f"{a.timeline or '-'}; funding: {a.funding or '-'} ({a.funding_status}); "
                   f"due: {due.isoformat() if due else '-'}")
    typer.echo(f"{len(found)} actions")


@app.command()
def sections(plan: str | None = typer.Option(None, help="Plan id or a word of its title."),
             as_json: bool = typer.Option(False, "--json")) -> None:
    """List sections with their heading paths and line spans."""
    from indexer.pipeline import open_records
    from indexer.records import resolve_plan
    from plans.settings import get_settings

    try:
        store = open_records(get_settings())
        plan_id = resolve_plan(store, plan).id if plan else None
        found = store.sections(plan_id=plan_id)
    except PlansError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps([{"id": s.id, "plan": s.plan_id, "heading_path": list(s.heading_path),
                                "kind": s.kind, "file": s.file, "line_start": s.line_start,
                                "line_end": s.line_end, "text": s.text} for s in found],
                              indent=2, ensure_ascii=False))
        return
    for s in found:
        path = " › ".join(s.heading_path) or "(title)"
        typer.echo(f"{s.id}  {s.file}:{s.line_start}-{s.line_end}  [{s.kind}] {path}")
    typer.echo(f"{len(found)} sections")


def _print_answer(answer: Answer) -> None:
    typer.echo(answer.answer)
    browse, more = answer.meta.get("browse"), answer.meta.get("more")
    if browse is not None and more:  # the whole list: the same filters as `plans actions`
        from bots.browse_links import cli_command

        typer.echo(f"All {answer.meta.get('count', '')} of them: {cli_command(browse)}")
    if answer.citations:
        typer.echo("\nSources:")
        for c in answer.citations:
            quote = c.quote if len(c.quote) <= 240 else c.quote[:240].rsplit(" ", 1)[0] + " …"
            page = (f"p. {c.page_start}, " if c.page_start == c.page_end else f"pp. {c.page_start}-{c.page_end}, "
                    ) if c.page_start else ""
            typer.echo(f"[{c.n}] {c.plan} › {c.section} ({c.file}, {page}lines {c.line_start}-{c.line_end})")
            typer.echo(f"    “{quote}”")


@app.command()
def ask(question: str = typer.Argument(..., help="Your question, in quotes."),
        as_of: str | None = typer.Option(None, help="Reference date YYYY-MM-DD (default today)."),
        plan: str | None = typer.Option(None, help="Only this plan (id or a word of its title)."),
        as_json: bool = typer.Option(False, "--json", help="Print the Answer as JSON.")) -> None:
    """Ask one question; prints the answer and its numbered sources."""
    from assistant.service import Assistant
    from indexer.records import parse_as_of
    from plans.settings import get_settings

    try:
        answer = Assistant(get_settings()).ask(question, as_of=parse_as_of(as_of, "--as-of"), plan=plan)
    except PlansError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
    else:
        _print_answer(answer)


@app.command()
def chat(as_of: str | None = typer.Option(None, help="Reference date YYYY-MM-DD (default today)."),
         plan: str | None = typer.Option(None, help="Only this plan.")) -> None:
    """An interactive conversation in the terminal; follow-ups work. Empty line or Ctrl-D ends."""
    import uuid

    from assistant.service import Assistant
    from indexer.records import parse_as_of
    from plans.settings import get_settings

    try:
        bot = Assistant(get_settings())
        day = parse_as_of(as_of, "--as-of")
    except PlansError as exc:
        _fail(exc)
    cid = uuid.uuid4().hex
    typer.echo("Ask about the plans of action (empty line to stop).")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            break
        if not question:
            break
        try:
            _print_answer(bot.ask(question, as_of=day, conversation_id=cid, plan=plan))
        except PlansError as exc:
            typer.secho(f"error: {exc.message}", err=True, fg=typer.colors.RED)
        typer.echo("")


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="Address to bind (loopback unless told)."),
          port: int = typer.Option(8000, help="Port."),
          log_level: str = typer.Option("info", help="uvicorn log level."),
          public: bool = typer.Option(False, "--public", help="Serve on a non-loopback address with "
                                      "PLANS_AUTH=none: anyone who reaches it may use the page and the API.")
          ) -> None:
    """Serve the chat page and the HTTP API over the existing index."""
    import uvicorn

    from bots.auth import check_auth, is_loopback
    from indexer.pipeline import open_records
    from plans.settings import get_settings

    try:
        settings = get_settings()
        check_auth(settings)
        if settings.auth == "none" and not is_loopback(host) and not public:
            raise ConfigError(f"Not serving on {host} with PLANS_AUTH=none: anyone who can reach that address "
                              f"could use the page and the API. Set PLANS_AUTH=token (with PLANS_AUTH_TOKEN) "
                              f"or PLANS_AUTH=proxy behind a signing-in proxy, or add --public if it is meant "
                              f"to be open to all.")
        open_records(settings).close()  # fail fast with a clear line when there is no index
    except PlansError as exc:
        _fail(exc)
    typer.echo(f"plans: serving on http://{host}:{port}/  (API docs at /docs; sign-in: {settings.auth})")
    # proxy_headers off: the peer address stays the real one (PLANS_AUTH=proxy trusts only its proxy's)
    uvicorn.run("bots.web:app_from_env", factory=True, host=host, port=port, log_level=log_level,
                proxy_headers=False)


@app.command()
def status() -> None:
    """Show the serving index: its plans with section and action counts."""
    from indexer.pipeline import current_generation, open_records
    from plans.settings import get_settings

    settings = get_settings()
    try:
        store = open_records(settings)
    except PlansError as exc:
        _fail(exc)
    typer.echo(f"index {current_generation(settings)} in {settings.data_dir} "
               f"(vector store: {settings.chroma_url or 'embedded'})")
    from pathlib import Path

    from indexer.plan_overrides import read_overrides

    overrides, _ = read_overrides(Path(settings.corpus_dir))
    for p in store.plans():
        n_sec = len(store.sections(plan_id=p.id))
        n_act = len(store.actions(plan=p.id))
        typer.echo(f"  {p.id}: {n_sec} sections, {n_act} actions — {p.title}")
        set_by = f" (set in plans.toml: {', '.join(overrides[p.file])})" if p.file in overrides else ""
        typer.echo(f"      {p.file}: short name {p.short_name!r}, organisation {p.organisation or '-'}, "
                   f"period {p.period or '-'}{set_by}")


@app.command()
def slack() -> None:
    """Run the Slack app in Socket Mode (SLACK_BOT_TOKEN and SLACK_APP_TOKEN; no public URL needed)."""
    from plans.settings import get_settings

    try:
        from bots.slack import run_socket_mode

        run_socket_mode(get_settings())
    except PlansError as exc:
        _fail(exc)


@app.command()
def feedback(as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON.")) -> None:
    """Count the 👍 / 👎 votes Slack users gave the answers."""
    from plans.settings import get_settings

    try:
        from bots.feedback import feedback_path, open_feedback

        settings = get_settings()
        summary: dict[str, Any] = open_feedback(settings).summary() if feedback_path(settings).exists() else \
            {"votes": 0, "up": 0, "down": 0, "answers": 0, "by_answer": []}
    except PlansError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{summary['votes']} votes on {summary['answers']} answers: "
               f"{summary['up']} helpful, {summary['down']} not helpful")
    for a in summary["by_answer"]:
        if a["down"]:
            typer.echo(f"  👎 {a['down']} 👍 {a['up']}  {a['question'][:100]}")


def _register_digest() -> None:
    from bots.cli_digest import digest_command

    app.command("digest", help="What is due within DAYS, what is overdue and what changed since the previous "
                               "digest; every line cites its passage.")(digest_command)


_register_digest()


def _register_eval() -> None:
    try:
        from eval.cli import eval_command
    except ImportError:  # pragma: no cover - eval is part of the package
        return
    app.command("eval", help="Score the assistant on a gold file (answers, retrieval, citations).")(eval_command)


_register_eval()


def main() -> None:
    try:
        app()
    except PlansError as exc:  # pragma: no cover - commands catch their own
        typer.secho(f"error: {exc.message}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
