"""Shared fixtures: paths to the real reports copied from shared/corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
CORPUS = TESTS / "corpus"


def corpus_cases(*folders: str) -> list[tuple[Path, dict]]:
    """(document, truth file contents) for every report with truth in the folders."""
    cases = []
    for folder in folders:
        for meta in sorted((CORPUS / folder).glob("*.json")):
            info = json.loads(meta.read_text(encoding="utf-8"))
            docs = [p for p in meta.parent.glob(meta.stem + ".*") if p.suffix != ".json"]
            if info.get("truth") and docs:
                cases.append((docs[0], info))
    return cases


@pytest.fixture
def seed_path() -> Path:
    return CORPUS / "seed" / "baicheng-2019.txt"
