"""Rust blocks of one source file, as tree-sitter-rust parses them (contract §1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter
import tree_sitter_rust

from svixsync.errors import FatalError
from svixsync.fingerprint import Fingerprint

COMMENTS = frozenset({"line_comment", "block_comment"})
ATTACHED = COMMENTS | {"attribute_item"}
NAMED_ITEMS = {
    "struct_item": "struct",
    "enum_item": "enum",
    "union_item": "union",
    "trait_item": "trait",
    "type_item": "type",
    "const_item": "const",
    "static_item": "static",
    "function_item": "fn",
}
# Lists where rustfmt adds or drops a trailing comma without changing what the code means.
TRAILING_COMMA_LISTS = frozenset(
    {
        "arguments",
        "parameters",
        "field_initializer_list",
        "field_declaration_list",
        "use_list",
        "array_expression",
        "type_arguments",
        "type_parameters",
        "enum_variant_list",
        "struct_pattern",
        "where_clause",
    }
)
CLOSERS = frozenset({")", "]", "}", ">"})
BODIES = frozenset({"function_item", "closure_expression"})
WHITESPACE = re.compile(r"\s+")
COMMENT_MARKERS = re.compile(r"^(//+!?|/\*+!?)|\*+/$")


@dataclass(frozen=True)
class Block:
    """One Rust item of a tracked file: where it is, what it is called, its verbatim text."""

    path: str
    kind: str
    name: str
    start_line: int
    end_line: int
    text: str
    fingerprint: Fingerprint

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.kind, self.name)


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_rust.language()))


def extract(path: str, source: bytes) -> list[Block]:
    """Every non-test block of ``source`` in file order; the `use` block first when the file has one."""
    tree = _parser().parse(source)
    root = tree.root_node
    if root.has_error:
        line = _first_error_line(root)
        raise FatalError(f"{path}: Rust syntax error near line {line}; cannot extract its blocks")
    return list(_Extractor(path, source).blocks(root))


def _first_error_line(node: tree_sitter.Node) -> int:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            return current.start_point.row + 1
        stack.extend(reversed(current.children))
    return node.start_point.row + 1


class _Extractor:
    def __init__(self, path: str, source: bytes) -> None:
        self.path = path
        self.source = source
        # Token and word lists of the items inside impls, kept by node id: the impl is a block and so is each of its
        # fns, and an item's lists never depend on what surrounds it, so each is worked out once.
        self._item_tokens: dict[int, list[str]] = {}
        self._item_words: dict[int, list[str]] = {}

    def blocks(self, root: tree_sitter.Node) -> Iterator[Block]:
        uses = [child for child in root.children if child.type == "use_declaration"]
        if uses:
            yield self._use_block(uses)
        yield from self._items(root.children, prefix="")

    def _items(self, nodes: list[tree_sitter.Node], prefix: str) -> Iterator[Block]:
        for node in nodes:
            kind = NAMED_ITEMS.get(node.type)
            if kind is not None:
                yield self._block(node, kind, prefix + self._text(node.child_by_field_name("name")))
            elif node.type == "impl_item":
                yield from self._impl(node, prefix)
            elif node.type == "mod_item":
                yield from self._mod(node, prefix)
            elif node.type in ("expression_statement", "macro_invocation"):
                macro = node if node.type == "macro_invocation" else node.named_children[0]
                if macro.type == "macro_invocation":
                    yield self._block(node, "macro", prefix + self._macro_name(macro))
            elif node.type == "macro_definition":
                name = self._text(node.child_by_field_name("name"))
                yield self._block(node, "macro", f"{prefix}macro_rules!({name})")

    def _impl(self, node: tree_sitter.Node, prefix: str) -> Iterator[Block]:
        self_type = prefix + self._collapsed(node.child_by_field_name("type"))
        trait_node = node.child_by_field_name("trait")
        if trait_node is None:
            yield self._block(node, "impl", f"impl {self_type}")
            member = f"{self_type}::{{}}"
        else:
            trait = self._collapsed(trait_node)
            yield self._block(node, "impl", f"impl {trait} for {self_type}")
            member = f"<{self_type} as {trait}>::{{}}"
        body = node.child_by_field_name("body")
        for child in body.children if body is not None else []:
            if child.type == "function_item":
                name = self._text(child.child_by_field_name("name"))
                yield self._block(child, "fn", member.format(name))

    def _mod(self, node: tree_sitter.Node, prefix: str) -> Iterator[Block]:
        body = node.child_by_field_name("body")
        if body is None or self._is_test_module(node):
            return
        name = self._text(node.child_by_field_name("name"))
        yield self._block(node, "mod", f"mod {prefix}{name}")
        yield from self._items(body.children, prefix=f"{prefix}{name}::")

    def _is_test_module(self, node: tree_sitter.Node) -> bool:
        return any(
            WHITESPACE.sub("", self._text(attr)) == "#[cfg(test)]"
            for attr in self._attached(node)
            if attr.type == "attribute_item"
        )

    def _attached(self, node: tree_sitter.Node) -> list[tree_sitter.Node]:
        """Comments and attributes directly above ``node``: no blank line between, each starting its line."""
        attached: list[tree_sitter.Node] = []
        top_row = node.start_point.row
        previous = node.prev_sibling
        while previous is not None and previous.type in ATTACHED:
            end_row = previous.end_point.row if previous.end_point.column else previous.end_point.row - 1
            if end_row < top_row - 1 or not self._starts_line(previous):
                break
            attached.append(previous)
            top_row = previous.start_point.row
            previous = previous.prev_sibling
        attached.reverse()
        return attached

    def _starts_line(self, node: tree_sitter.Node) -> bool:
        line_start = self.source.rfind(b"\n", 0, node.start_byte) + 1
        return not self.source[line_start : node.start_byte].strip()

    def _block(self, node: tree_sitter.Node, kind: str, name: str) -> Block:
        parts = [*self._attached(node), node]
        return self._make(kind, name, parts[0], node, self._tokens(parts), self._words(parts))

    def _use_block(self, uses: list[tree_sitter.Node]) -> Block:
        first, last = uses[0], uses[-1]
        attached = self._attached(first)
        start = attached[0] if attached else first
        # Imports are compared as a sorted list of flat paths: reordering or regrouping them changes nothing.
        imports = sorted(entry for use in uses for entry in self._flat_imports(use))
        span = self._siblings_between(start, last)
        return self._make("use", "use", start, last, tuple(imports), self._words(span))

    def _siblings_between(self, first: tree_sitter.Node, last: tree_sitter.Node) -> list[tree_sitter.Node]:
        nodes = [first]
        while nodes[-1] != last and nodes[-1].next_sibling is not None:
            nodes.append(nodes[-1].next_sibling)
        return nodes

    def _make(
        self,
        kind: str,
        name: str,
        first: tree_sitter.Node,
        last: tree_sitter.Node,
        tokens: tuple[str, ...],
        words: tuple[str, ...],
    ) -> Block:
        start = self.source.rfind(b"\n", 0, first.start_byte) + 1
        try:
            text = self.source[start : last.end_byte].decode("utf-8")
        except UnicodeDecodeError as error:
            raise FatalError(f"{self.path}: block {name} is not valid UTF-8 ({error.reason})") from None
        return Block(
            path=self.path,
            kind=kind,
            name=name,
            start_line=first.start_point.row + 1,
            end_line=last.end_point.row + 1,
            text=text,
            fingerprint=Fingerprint.of(text, tokens, words),
        )

    def _flat_imports(self, use: tree_sitter.Node) -> list[str]:
        prefix = " ".join(
            WHITESPACE.sub("", self._text(child))
            for child in [*self._attached(use), *use.children]
            if child.type in ("attribute_item", "visibility_modifier")
        )
        argument = use.child_by_field_name("argument")
        return [f"{prefix}|{path}" for path in self._flatten(argument, "")]

    def _flatten(self, node: tree_sitter.Node | None, base: str) -> list[str]:
        if node is None:
            return [base]
        if node.type == "scoped_use_list":
            path = node.child_by_field_name("path")
            inner = base + (WHITESPACE.sub("", self._text(path)) + "::" if path is not None else "")
            return self._flatten(node.child_by_field_name("list"), inner)
        if node.type == "use_list":
            return [
                entry
                for child in node.named_children
                if child.type not in COMMENTS
                for entry in self._flatten(child, base)
            ]
        return [base + WHITESPACE.sub(" ", self._text(node))]

    def _tokens(self, nodes: list[tree_sitter.Node]) -> tuple[str, ...]:
        tokens: list[str] = []
        for node in nodes:
            self._collect_tokens(node, tokens)
        return tuple(tokens)

    def _collect_tokens(self, node: tree_sitter.Node, tokens: list[str]) -> None:
        """Leaves of ``node`` outside comments, minus what rustfmt and clippy add or drop without changing
        meaning: trailing commas, braces around a lone closure or match-arm expression, a tail `return`."""
        if node.type in COMMENTS:
            return
        if node.type in NAMED_ITEMS:
            known = self._item_tokens.get(node.id)
            if known is None:
                known = []
                self._collect_children(node, known)
                self._item_tokens[node.id] = known
            tokens.extend(known)
            return
        self._collect_children(node, tokens)

    def _collect_children(self, node: tree_sitter.Node, tokens: list[str]) -> None:
        if node.child_count == 0:
            if not (node.type == "," and self._is_trailing_comma(node)):
                tokens.append(self._text(node))
            return
        children = list(node.children)
        if node.type == "block" and self._is_elidable_block(node):
            children = children[1:-1]
        if node.type == "match_arm":
            children = [child for child in children if child.type != ","]
        if node.type == "block" and node.parent is not None and node.parent.type in BODIES:
            children = self._without_tail_return(children)
        for child in children:
            self._collect_tokens(child, tokens)

    @staticmethod
    def _code_children(node: tree_sitter.Node) -> list[tree_sitter.Node]:
        return [child for child in node.named_children if child.type not in COMMENTS]

    def _is_elidable_block(self, block: tree_sitter.Node) -> bool:
        parent = block.parent
        if parent is None:
            return False
        in_closure = parent.type == "closure_expression" and parent.child_by_field_name("return_type") is None
        if not (in_closure or parent.type == "match_arm"):
            return False
        inner = self._code_children(block)
        return len(inner) == 1 and not inner[0].type.endswith(("statement", "declaration", "_item"))

    def _without_tail_return(self, children: list[tree_sitter.Node]) -> list[tree_sitter.Node]:
        code = [child for child in children if child.is_named and child.type not in COMMENTS]
        if not code:
            return children
        statement = code[-1]
        inner = self._code_children(statement) if statement.type == "expression_statement" else [statement]
        if len(inner) != 1 or inner[0].type != "return_expression":
            return children
        value = self._code_children(inner[0])
        if len(value) != 1:
            return children
        # `return x;` (or `return x`) ending a body is the tail expression `x`.
        return [value[0] if child == statement else child for child in children]

    def _is_trailing_comma(self, comma: tree_sitter.Node) -> bool:
        parent = comma.parent
        if parent is None:
            return False
        following = comma.next_sibling
        while following is not None and following.type in COMMENTS:
            following = following.next_sibling
        return parent.type in TRAILING_COMMA_LISTS and following is not None and following.type in CLOSERS

    def _words(self, nodes: list[tree_sitter.Node]) -> tuple[str, ...]:
        words: list[str] = []
        for node in nodes:
            self._collect_words(node, words)
        return tuple(words)

    def _collect_words(self, node: tree_sitter.Node, words: list[str]) -> None:
        if node.type in COMMENTS:
            for line in self._text(node).splitlines():
                stripped = COMMENT_MARKERS.sub("", line.strip()).strip().lstrip("*")
                words.extend(stripped.split())
            return
        if node.type in NAMED_ITEMS:
            known = self._item_words.get(node.id)
            if known is None:
                known = []
                for child in node.children:
                    self._collect_words(child, known)
                self._item_words[node.id] = known
            words.extend(known)
            return
        for child in node.children:
            self._collect_words(child, words)

    def _macro_name(self, macro: tree_sitter.Node) -> str:
        name = self._text(macro.child_by_field_name("macro"))
        tree = next((child for child in macro.children if child.type == "token_tree"), None)
        inner = tree.children[1:-1] if tree is not None else []
        first: list[tree_sitter.Node] = []
        for child in inner:
            if child.type == ",":
                break
            if child.type not in COMMENTS:
                first.append(child)
        argument = (
            WHITESPACE.sub(" ", self.source[first[0].start_byte : first[-1].end_byte].decode("utf-8")) if first else ""
        )
        return f"{name}!({argument})"

    def _text(self, node: tree_sitter.Node | None) -> str:
        if node is None:
            return ""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def _collapsed(self, node: tree_sitter.Node | None) -> str:
        return WHITESPACE.sub(" ", self._text(node)).strip()
