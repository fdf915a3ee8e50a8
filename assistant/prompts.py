"""Prompt templates live in prompts/ as files; this module only loads them."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=16)
def load_text(prompts_dir: Path, name: str) -> str:
    return (Path(prompts_dir) / name).read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def load_extractive_templates(prompts_dir: Path) -> dict:
    with (Path(prompts_dir) / "extractive.toml").open("rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=4)
def load_ui_texts(prompts_dir: Path) -> dict:
    with (Path(prompts_dir) / "ui.toml").open("rb") as handle:
        return tomllib.load(handle)
