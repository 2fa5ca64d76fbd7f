"""The ``plans eval`` command (registered in ``bots/cli.py`` as ``app.command("eval")``).

Example::

    plans eval --baseline --json eval.json --markdown eval.md
    plans eval --only deadline --min-accuracy 0.8
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from plans.errors import PlansError


def eval_command(
    gold: Path = typer.Argument(Path("eval/gold/dev.jsonl"), help="Gold questions (JSON Lines)."),
    k: int = typer.Option(5, "--k", "-k", help="Retrieval depth for hit@k and MRR."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the full result as JSON."),
    markdown: Path | None = typer.Option(None, "--markdown", help="Write a readable report."),
    only: str | None = typer.Option(None, "--only", help="Only questions of this type."),
    part: str | None = typer.Option(None, "--part", help="Only the 'tune' or the 'holdout' part of the split "
                                    "(a fixed hash of each id; tune on one, report both)."),
    baseline: bool = typer.Option(False, "--baseline",
                                  help="Also score a plain LangChain RAG, side by side."),
    min_accuracy: float | None = typer.Option(
        None, "--min-accuracy", help="Exit 1 when answer accuracy is below this (0-1)."),
) -> None:
    """Ask the gold questions, score answers, retrieval and citations, and print a table."""
    from eval.run import format_table, run_eval, write_markdown
    from plans.settings import get_settings

    try:
        result = run_eval(get_settings(), gold, k=k, only_type=only, baseline=baseline, part=part,
                          progress=sys.stderr.isatty())
        if json_out:
            json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                encoding="utf-8")
        if markdown:
            write_markdown(result, markdown)
    except PlansError as exc:
        typer.secho(f"error: {exc.message}", err=True, fg=typer.colors.RED)
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:
        typer.secho(f"error: cannot write {exc.filename}: {exc.strerror}", err=True,
                    fg=typer.colors.RED)
        raise typer.Exit(1) from None
    typer.echo(format_table(result))
    for path in (json_out, markdown):
        if path:
            typer.echo(f"wrote {path}", err=True)
    accuracy = result["answer_accuracy"] or 0.0
    if min_accuracy is not None and accuracy < min_accuracy:
        typer.secho(f"answer accuracy {accuracy:.1%} is below --min-accuracy {min_accuracy:.1%}",
                    err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
