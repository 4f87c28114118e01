"""Topic rules: which blocks of the tracked files belong to a dataset."""

from __future__ import annotations

from svixsync.blocks import Block
from svixsync.state import Config, Topic, TopicRule, compile_rule


def _matches(rule: TopicRule, block: Block) -> bool:
    checks = ((rule.kind, block.kind), (rule.name, block.name), (rule.text, block.text))
    return all(pattern is None or compile_rule(pattern).search(value) for pattern, value in checks)


def selects(topic: Topic, block: Block) -> bool:
    """True where some include rule matches the block and no exclude rule does. The `use` block is context."""
    if block.kind == "use":
        return False
    return any(_matches(rule, block) for rule in topic.include) and not any(
        _matches(rule, block) for rule in topic.exclude
    )


def topics_for(config: Config | None, path: str) -> list[Topic]:
    """Topic rules of every configured dataset that tracks ``path``."""
    return [entry.topic for entry in config.datasets if path in entry.tracked] if config else []


def selected_by(topics: list[Topic], block: Block) -> bool:
    """Selected by any of ``topics``; with no rules at all, every block but `use` counts."""
    if not topics:
        return block.kind != "use"
    return any(selects(topic, block) for topic in topics)
