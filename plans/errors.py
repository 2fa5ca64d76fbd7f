"""One small error tree. Every layer raises these; the CLI, web and Slack layers render them.

Each error carries a sentence meant for a person, and an exit code for the command line.
"""

from __future__ import annotations


class PlansError(Exception):
    """Base of every error the product raises on purpose."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, detail: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class ConfigError(PlansError):
    """A setting is missing or malformed (names the variable)."""

    exit_code = 2
    http_status = 500


class InputError(PlansError):
    """A request or argument is not acceptable (empty question, bad date, bad funding word...).
    Over HTTP it is 422, the status of every invalid input (``bots.web``)."""

    exit_code = 2
    http_status = 422


class NotFoundError(PlansError):
    """A plan, section or action that does not exist."""

    exit_code = 2
    http_status = 404


class IndexMissingError(PlansError):
    """There is no usable index yet: the user must run `plans index`."""

    exit_code = 3
    http_status = 503


class StoreError(PlansError):
    """The vector store or the records database failed or cannot be reached."""

    exit_code = 4
    http_status = 503


class DocumentError(PlansError):
    """A corpus file cannot be read or parsed; it is skipped and reported by name."""

    exit_code = 5
    http_status = 422
