"""The one settings object: every setting a declared field with a default and a description, and
the parts of the code take it as ``Settings``, never reading a setting by name with ``getattr``."""

from __future__ import annotations

import re

from pydantic_core import PydanticUndefined

from plans.settings import Settings
from tests.conftest import ROOT


def test_every_setting_has_a_default_and_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert field.default is not PydanticUndefined or field.default_factory is not None, name
    assert Settings.model_fields["cors_origins"].default_factory() == []


def test_no_part_reads_a_setting_by_name_or_takes_settings_untyped() -> None:
    found = []
    for package in ("plans", "indexer", "assistant", "bots", "eval"):
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in
                      re.finditer(r"getattr\((?:self\.)?settings\b[^)]*\)|\bsettings: Any\b", text)]
    assert found == []
