"""`svixsync card`: a dataset card the Hugging Face tools read, checked with those tools, offline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from markdown_it import MarkdownIt

from svixsync.commands.card import size_category
from tests.conftest import Project

URL = "https://github.com/svix/svix-webhooks"
NOTICE = "The code fields are excerpts of the team service, MIT licence.\nCopyright (c) 2026 Example\n"
# Reads the card as the Hub does, then loads the dataset the way its `configs` say, from a local folder.
READER = """
import json, sys
from huggingface_hub import DatasetCard
import datasets

card = DatasetCard.load(sys.argv[1] + "/README.md")
loaded = datasets.load_dataset(sys.argv[1], split="train")
expected = datasets.Features({
    "type": datasets.Value("string"),
    "messages": datasets.List({"role": datasets.Value("string"), "content": datasets.Value("string")}),
})
print(json.dumps({
    "data": card.data.to_dict(),
    "rows": loaded.num_rows,
    "features_as_declared": loaded.features == expected,
    "roles": [message["role"] for message in loaded[0]["messages"]],
    "request": loaded[1]["messages"][1]["content"],
}))
"""


def card(project: Project) -> str:
    (project.root / "NOTICE").write_text(NOTICE)
    project.ok("cite", "2", "src/team.rs::CachedTeam::load_from_db")
    return project.ok("card", upstream=False).stdout


def test_huggingface_hub_and_datasets_read_the_card(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "hub-repository"
    folder.mkdir()
    (folder / "README.md").write_text(card(project), encoding="utf-8")
    shutil.copy(project.root / "team.jsonl", folder)
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", READER, str(folder)], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    data = found["data"]
    assert data["license"] == "mit" and data["language"] == ["en"]
    assert data["task_categories"] == ["text-generation"] and data["size_categories"] == ["n<1K"]
    assert data["configs"] == [{"config_name": "default", "data_files": [{"split": "train", "path": "team.jsonl"}]}]
    assert found["rows"] == 3 and found["features_as_declared"]
    assert found["roles"] == ["system", "user", "assistant"]
    assert found["request"] == "When do we drop a team from the cache?"


def test_card_body_quotes_cites_links_and_attributes(project: Project) -> None:
    source = card(project)
    pin = project.upstream.git("rev-parse", "HEAD")
    body = source.split("\n---\n", 1)[1]
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    assert not [token for token in tokens if token.type in ("html_block", "html_inline")]
    headings = [tokens[i + 1].content for i, token in enumerate(tokens) if token.type == "heading_open"]
    assert headings == [
        "team",
        "Structure",
        "What it quotes",
        "How it is maintained",
        "Loading",
        "Licence and attribution",
    ]
    hrefs = [str(child.attrs["href"]) for token in tokens for child in token.children or [] if child.attrs]
    assert f"{URL}/blob/{pin}/src/team.rs#L26-L35" in hrefs  # cached_fetch, quoted by line 1
    assert f"{URL}/blob/{pin}/src/team.rs#L15-L19" in hrefs  # load_from_db, cited by line 2
    assert f"{URL}/blob/{pin}/src/team.rs#L6-L12" in hrefs  # CachedTeam, selected and quoted by no example
    assert f"{URL}/commit/{pin}" in hrefs
    assert "3 ChatML examples in `team.jsonl`" in body
    assert "| `CachedTeam::cached_fetch` | fn | `src/team.rs` | [L26-L35](" in body
    assert "- [`src/team.rs::CachedTeam::load_from_db`](" in body and "cited by line 2" in body
    assert "> You are a test maintainer." in body
    fences = [token.content for token in tokens if token.type == "fence"]
    assert fences[-1] == NOTICE


def test_card_refuses_a_hand_edited_code_field(project: Project) -> None:
    data = project.root / "team.jsonl"
    data.write_bytes(data.read_bytes().replace(b"cache.delete", b"cache.remove", 1))
    result = project.run("card", upstream=False)
    assert result.exit_code == 2 and result.stdout == "" and "edited by hand" in result.stderr


def test_size_categories_follow_the_hubs_bounds() -> None:
    counts = (0, 999, 1000, 9999, 10_000, 999_999, 10**9 - 1, 10**9, 10**12 - 1, 10**12)
    assert [size_category(n) for n in counts] == [
        "n<1K",
        "n<1K",
        "1K<n<10K",
        "1K<n<10K",
        "10K<n<100K",
        "100K<n<1M",
        "100M<n<1B",
        "1B<n<10B",
        "100B<n<1T",
        "n>1T",
    ]
