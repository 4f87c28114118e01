"""Rust blocks of one source file, as tree-sitter-rust parses them (contract §1)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache

import tree_sitter
import tree_sitter_rust

from svixsync import cfg, names
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
# What may stand in a list of items besides the items above: a macro body made only of these is a list of items.
OTHER_ITEMS = frozenset(
    {
        "impl_item",
        "mod_item",
        "macro_definition",
        "use_declaration",
        "extern_crate_declaration",
        "foreign_mod_item",
        "attribute_item",
        "inner_attribute_item",
        "empty_statement",
        *COMMENTS,
    }
)
# Lists where rustfmt adds or drops a trailing comma without changing what the code means (not tuples: `(a,)`).
TRAILING_COMMA_LISTS = frozenset(
    {
        "arguments",
        "parameters",
        "closure_parameters",
        "field_initializer_list",
        "field_declaration_list",
        "ordered_field_declaration_list",
        "use_list",
        "array_expression",
        "type_arguments",
        "type_parameters",
        "enum_variant_list",
        "struct_pattern",
        "tuple_struct_pattern",
        "slice_pattern",
        "where_clause",
    }
)
TUPLES = frozenset({"tuple_expression", "tuple_type", "tuple_pattern"})
CLOSERS = frozenset({")", "]", "}", ">"})
BODIES = frozenset({"function_item", "closure_expression"})
# Nodes whose children are not simply their tokens in order (see `_normal_children`).
NORMALISED = frozenset({"match_arm", "block", "declaration_list"})
JUMPS = frozenset({"return_expression", "break_expression", "continue_expression"})
# Expressions that end in a block: standing alone they are statements with no `;`, yet they are an arm's value.
BLOCK_LIKE = frozenset(
    {
        "match_expression",
        "if_expression",
        "loop_expression",
        "while_expression",
        "for_expression",
        "block",
        "unsafe_block",
        "async_block",
        "const_block",
    }
)
# Tokens one of which a macro body must hold at its top level to be a list of items (`#` of an attribute, `!` of
# a nested item macro).
ITEM_STARTS = frozenset(
    {"fn", "struct", "enum", "union", "trait", "impl", "mod", "macro_rules", "use", "static", "const", "type"}
    | {"extern", "pub", "unsafe", "async", "#", "!"}
)
# An ERROR node that starts with one of these is an item that tree-sitter could not fit anywhere.
ITEM_KEYWORDS = frozenset({"fn", "struct", "enum", "union", "trait", "impl", "mod", "macro_rules"})
# Bodies whose closing brace, when tree-sitter had to invent it, let an item swallow what follows it.
ITEM_BODIES = frozenset({"declaration_list", "field_declaration_list", "enum_variant_list"})
WHITESPACE = re.compile(r"\s+")
COMMENT_MARKERS = re.compile(r"^(//+!?|/\*+!?)|\*+/$")
# A single path as the tokens of a macro argument, joined by spaces: `a :: b`, `:: a`, never `pub struct`.
PATH_TOKENS = re.compile(r"(?::: )?(?:r#)?[A-Za-z_]\w*(?: :: (?:r#)?[A-Za-z_]\w*)*", re.ASCII)


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


class UnreadableSource(FatalError):
    """A revision whose items cannot be told apart: `check` and `update` stop, `history` skips the revision."""


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(_language())


@cache
def _body_parser() -> tree_sitter.Parser:
    """A second parser for macro bodies: it parses one range of a file, set before each use."""
    return tree_sitter.Parser(_language())


@cache
def _language() -> tree_sitter.Language:
    return tree_sitter.Language(tree_sitter_rust.language())


def extract(path: str, source: bytes) -> list[Block]:
    """Every non-test block of ``source``: the `use` block first where the file has one, then the others in file
    order. A syntax error inside an item is tolerated; one that hides where items begin or end is not."""
    root = _parser().parse(source).root_node
    damage = _unreadable_at(root)
    if damage is not None:
        raise UnreadableSource(
            f"{path}: Rust syntax error near line {damage.start_point.row + 1}: its items cannot be told apart"
        )
    return _Extractor(path, source).blocks(root)


def _unreadable_at(root: tree_sitter.Node) -> tree_sitter.Node | None:
    """The first damage tree-sitter's error recovery left at item level, or None where every item keeps its
    boundaries: an ERROR node where items are listed (the file, an impl, trait or inline mod body), an ERROR node
    holding the start of an item, or a closing brace of an item's body that tree-sitter had to invent."""
    if root.is_error:
        return root
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error:
            parent = node.parent
            if parent is None or parent.type in ("source_file", "declaration_list") or _starts_an_item(node):
                return node
        if node.is_missing and node.type == "}" and node.parent is not None and _is_item_body(node.parent):
            return node
        stack.extend(child for child in reversed(node.children) if child.has_error or child.is_missing)
    return None


def _starts_an_item(error: tree_sitter.Node) -> bool:
    """An ERROR node whose first token after any visibility is an item keyword: an item swallowed by another."""
    tokens = [child for child in error.children if child.type != "visibility_modifier"]
    return bool(tokens) and (tokens[0].text or b"").decode("utf-8", "replace") in ITEM_KEYWORDS


def _is_item_body(node: tree_sitter.Node) -> bool:
    if node.type in ITEM_BODIES:
        return True
    return node.type == "block" and node.parent is not None and node.parent.type == "function_item"


def _code_nodes(children: Sequence[tree_sitter.Node | str]) -> list[tree_sitter.Node]:
    """The named nodes among ``children`` that are code, not comments (tokens already spelled out are skipped)."""
    return [
        child
        for child in children
        if isinstance(child, tree_sitter.Node) and child.is_named and child.type not in COMMENTS
    ]


@dataclass(frozen=True)
class _Found:
    block: Block
    cfgs: list[str]


class _Extractor:
    def __init__(self, path: str, source: bytes) -> None:
        self.path = path
        self.source = source
        # Token and word lists of the items inside impls, kept by node id: the impl is a block and so is each of its
        # fns, and an item's lists never depend on what surrounds it, so each is worked out once.
        self._item_tokens: dict[int, list[str]] = {}
        self._item_words: dict[int, list[str]] = {}
        self._trees: list[tree_sitter.Tree] = []  # macro bodies parsed as items: kept alive while node ids are used
        self._use_runs: list[list[tree_sitter.Node]] = []

    def blocks(self, root: tree_sitter.Node) -> list[Block]:
        found = list(self._list(root.children, prefix="", top=True))
        uses = [
            self._use_block(run, "use" if index == 0 else f"use [{index + 1}]")
            for index, run in enumerate(self._use_runs)
        ]
        unique = names.qualified([(f.block.kind, f.block.name, f.cfgs) for f in found])
        items = [
            replace(f.block, name=name) if name != f.block.name else f.block
            for f, name in zip(found, unique, strict=True)
        ]
        ordered = sorted([*uses[1:], *items], key=lambda block: block.start_line)
        return [*uses[:1], *ordered]

    def _list(self, nodes: list[tree_sitter.Node], prefix: str, top: bool) -> Iterator[_Found]:
        """The blocks of one list of items (a file, an inline mod, an item-level macro's body)."""
        if any(node.type == "inner_attribute_item" and self._requires_test(node) for node in nodes):
            return
        run: list[tree_sitter.Node] = []
        for node in nodes:
            if node.type in ATTACHED or node.type == "empty_statement" or self._is_test(node):
                continue
            if node.type == "use_declaration":
                run.append(node)
                continue
            if run and top:
                self._use_runs.append(run)
            run = []
            yield from self._item(node, prefix, top)
        if run and top:
            self._use_runs.append(run)

    def _item(self, node: tree_sitter.Node, prefix: str, top: bool) -> Iterator[_Found]:
        kind = NAMED_ITEMS.get(node.type)
        if kind is not None:
            yield self._found(node, kind, prefix + self._text(node.child_by_field_name("name")))
        elif node.type == "impl_item":
            yield from self._impl(node, prefix)
        elif node.type == "mod_item":
            yield from self._mod(node, prefix)
        elif node.type in ("expression_statement", "macro_invocation"):
            macro = node if node.type == "macro_invocation" else node.named_children[0]
            if macro.type != "macro_invocation":
                return
            body = self._item_list(macro)
            if body is not None:
                # Items written inside `cfg_rt! { … }` are blocks named as if they stood where the invocation does.
                yield from self._list(body.children, prefix, top)
                return
            last = node
            following = node.next_sibling
            if node.type == "macro_invocation" and following is not None and following.type == "empty_statement":
                last = following  # in an inline mod the `;` after an invocation is a node of its own
            yield self._found(node, "macro", prefix + self._macro_name(macro), last)
        elif node.type == "macro_definition":
            name = self._text(node.child_by_field_name("name"))
            yield self._found(node, "macro", f"{prefix}macro_rules!({name})")

    def _impl(self, node: tree_sitter.Node, prefix: str) -> Iterator[_Found]:
        type_node = node.child_by_field_name("type")
        self_type = prefix + self._collapsed(type_node)
        trait_node = node.child_by_field_name("trait")
        if trait_node is None:
            yield self._found(node, "impl", f"impl {self_type}")
            # rustdoc paths a method without the type's generic arguments: `impl<T> Receiver<T>` → `Receiver::recv`.
            bare = (
                type_node.child_by_field_name("type")
                if type_node is not None and type_node.type == "generic_type"
                else type_node
            )
            member = f"{prefix}{self._collapsed(bare)}::{{}}"
        else:
            negative = "!" if any(child.type == "!" for child in node.children) else ""
            trait = negative + self._collapsed(trait_node)
            yield self._found(node, "impl", f"impl {trait} for {self_type}")
            member = f"<{self_type} as {trait}>::{{}}"
        body = node.child_by_field_name("body")
        for child in body.children if body is not None else []:
            if child.type == "function_item" and not self._is_test(child):
                name = self._text(child.child_by_field_name("name"))
                yield self._found(child, "fn", member.format(name))

    def _mod(self, node: tree_sitter.Node, prefix: str) -> Iterator[_Found]:
        body = node.child_by_field_name("body")
        if body is None:
            return
        name = self._text(node.child_by_field_name("name"))
        yield self._found(node, "mod", f"mod {prefix}{name}")
        yield from self._list(body.children, prefix=f"{prefix}{name}::", top=False)

    def _item_list(self, macro: tree_sitter.Node) -> tree_sitter.Node | None:
        """The body of an item-level macro invocation parsed as a list of items, or None where it is not one."""
        tree = next((child for child in macro.children if child.type == "token_tree"), None)
        if tree is None or tree.child_count < 2:
            return None
        opener, closer = tree.children[0], tree.children[-1]
        # Most invocations (`kv_def!(Key, Value)`) hold no item at all: only parse a body that may start one.
        if not any(self._text(child) in ITEM_STARTS for child in tree.children[1:-1]):
            return None
        parser = _body_parser()
        parser.included_ranges = [
            tree_sitter.Range(opener.end_point, closer.start_point, opener.end_byte, closer.start_byte)
        ]
        parsed = parser.parse(self.source)
        root = parsed.root_node
        items = [child for child in root.children if child.type not in COMMENTS]
        if not items or _unreadable_at(root) is not None:
            return None
        for child in items:
            if child.type == "macro_invocation":
                # Without a `;` only a braced invocation is an item: `include!(concat!(…))` holds an expression.
                if child.children[-1].children[0].type != "{":
                    return None
            elif child.type == "expression_statement":
                if child.named_children[0].type != "macro_invocation":
                    return None
            elif child.type not in NAMED_ITEMS and child.type not in OTHER_ITEMS:
                return None
        self._trees.append(parsed)
        return root

    def _preceding_attributes(self, node: tree_sitter.Node) -> list[tree_sitter.Node]:
        """Every attribute applying to ``node``: those before it, comments and blank lines between them allowed."""
        attributes: list[tree_sitter.Node] = []
        previous = node.prev_sibling
        while previous is not None and previous.type in ATTACHED:
            if previous.type == "attribute_item":
                attributes.append(previous)
            previous = previous.prev_sibling
        attributes.reverse()
        return attributes

    def _cfgs(self, node: tree_sitter.Node) -> list[str]:
        """The `cfg(…)` attributes of ``node`` as written, whitespace collapsed."""
        found = []
        for attribute in self._preceding_attributes(node):
            inside = next((child for child in attribute.named_children if child.type == "attribute"), None)
            text = self._collapsed(inside)
            if cfg.predicate(text) is not None:
                found.append(text)
        return found

    def _is_test(self, node: tree_sitter.Node) -> bool:
        return any(cfg.requires_test(cfg.predicate(text) or "") for text in self._cfgs(node))

    def _requires_test(self, inner_attribute: tree_sitter.Node) -> bool:
        inside = next((child for child in inner_attribute.named_children if child.type == "attribute"), None)
        return cfg.requires_test(cfg.predicate(self._collapsed(inside)) or "")

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

    def _found(self, node: tree_sitter.Node, kind: str, name: str, last: tree_sitter.Node | None = None) -> _Found:
        parts = [*self._attached(node), node]
        if last is not None and last != node:
            parts.append(last)
        block = self._make(kind, name, parts[0], parts[-1], self._tokens(parts), self._words(parts))
        return _Found(block, self._cfgs(node))

    def _use_block(self, uses: list[tree_sitter.Node], name: str) -> Block:
        first, last = uses[0], uses[-1]
        attached = self._attached(first)
        start = attached[0] if attached else first
        # Imports are compared as a sorted list of flat paths: reordering or regrouping them changes nothing.
        imports = sorted(entry for use in uses for entry in self._flat_imports(use))
        span = self._siblings_between(start, last)
        return self._make("use", name, start, last, tuple(imports), self._words(span))

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
            raise FatalError(f"{self.path}: block {names.bounded(name)} is not valid UTF-8 ({error.reason})") from None
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
        meaning (contract §2)."""
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
            if node.type not in (",", "|") or not self._is_noop_token(node):
                tokens.append(self._text(node))
            return
        if node.type not in NORMALISED:
            for child in node.children:
                self._collect_tokens(child, tokens)
            return
        for normal in self._normal_children(node):
            if isinstance(normal, str):
                tokens.append(normal)
            else:
                self._collect_tokens(normal, tokens)

    def _normal_children(self, node: tree_sitter.Node) -> list[tree_sitter.Node | str]:
        """The children of ``node`` as their tokens should read once rustfmt's and clippy's no-ops are undone."""
        children: list[tree_sitter.Node | str] = list(node.children)
        if node.type == "match_arm":
            return [child for child in node.children if child.type != ","]
        if node.type == "block" and node.parent is not None and node.parent.type in BODIES:
            children = list(self._without_tail_return(node.children))
        if node.type == "block":
            lone = self._lone_value(node, children)
            if lone is not None:
                return [lone]
            children = self._with_jump_semicolon(children)
        return self._uses_first(children)

    @staticmethod
    def _code_children(node: tree_sitter.Node) -> list[tree_sitter.Node]:
        return [child for child in node.named_children if child.type not in COMMENTS]

    def _lone_value(self, block: tree_sitter.Node, children: list[tree_sitter.Node | str]) -> tree_sitter.Node | None:
        """In a match arm or a closure with no return type, the one expression a block holds: `{ x }` is `x`,
        `{ match y {…} }` is `match y {…}`, `{ return x; }` is `return x`. None where the braces are needed."""
        parent = block.parent
        if parent is None:
            return None
        in_closure = parent.type == "closure_expression" and parent.child_by_field_name("return_type") is None
        if not (in_closure or parent.type == "match_arm"):
            return None
        inner = _code_nodes(children)
        if len(inner) != 1:
            return None
        value = inner[0]
        if value.type == "expression_statement":
            expression = self._code_children(value)
            if len(expression) != 1:
                return None
            ends_with_semicolon = value.children[-1].type == ";"
            if expression[0].type in JUMPS or (expression[0].type in BLOCK_LIKE and not ends_with_semicolon):
                return expression[0]
            return None
        if value.type.endswith(("statement", "declaration", "_item")):
            return None
        return value

    @staticmethod
    def _with_jump_semicolon(children: list[tree_sitter.Node | str]) -> list[tree_sitter.Node | str]:
        """`return x` ending a block reads as `return x;`, rustfmt's form (likewise `break` and `continue`)."""
        code = _code_nodes(children)
        if not code or code[-1].type not in JUMPS:
            return children
        at = children.index(code[-1])
        return [*children[: at + 1], ";", *children[at + 1 :]]

    def _uses_first(self, children: list[tree_sitter.Node | str]) -> list[tree_sitter.Node | str]:
        """`use` declarations inside a fn or module as one sorted list of flat imports, first: their order and
        grouping change nothing."""
        uses = [child for child in children if isinstance(child, tree_sitter.Node) and child.type == "use_declaration"]
        if not uses:
            return children
        attached = {
            attribute.id for use in uses for attribute in self._attached(use) if attribute.type == "attribute_item"
        }
        imports = sorted(entry for use in uses for entry in self._flat_imports(use))
        rest = [
            child
            for child in children
            if not (isinstance(child, tree_sitter.Node) and (child.type == "use_declaration" or child.id in attached))
        ]
        return [*imports, *rest]

    def _without_tail_return(self, children: list[tree_sitter.Node]) -> list[tree_sitter.Node]:
        code = _code_nodes(children)
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

    def _is_noop_token(self, leaf: tree_sitter.Node) -> bool:
        """A trailing comma where the list allows one, or the leading `|` of a match arm's patterns."""
        parent = leaf.parent
        if parent is None:
            return False
        if leaf.type == "|":
            return parent.type == "or_pattern" and parent.children[0] == leaf
        if leaf.type != ",":
            return False
        following = leaf.next_sibling
        while following is not None and following.type in COMMENTS:
            following = following.next_sibling
        if parent.type == "token_tree":
            return following is not None and following.type in CLOSERS and self._is_macro_list(parent)
        if parent.type in TUPLES:
            # `(a, b,)` is `(a, b)`, but `(a,)` is a one-element tuple and `(a)` is not.
            elements = [child for child in parent.named_children if child.type not in COMMENTS]
            return len(elements) > 1 and following is not None and following.type in CLOSERS
        return parent.type in TRAILING_COMMA_LISTS and (following is None or following.type in CLOSERS)

    def _is_macro_list(self, tree: tree_sitter.Node) -> bool:
        """A token tree of a macro's or an attribute's arguments whose trailing comma means nothing: not a
        `macro_rules!` pattern or body, and not `(a,)` standing alone, which may be a one-element tuple."""
        outer = tree.parent
        while outer is not None and outer.type == "token_tree":
            outer = outer.parent
        if outer is None or outer.type not in ("macro_invocation", "attribute"):
            return False
        if tree.parent is None or tree.parent.type != "token_tree" or tree.children[0].type != "(":
            return True
        called = tree.prev_sibling is not None and tree.prev_sibling.type == "identifier"
        return called or sum(child.type == "," for child in tree.children) > 1

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
        """`name!(first argument)` where the first argument is a single path, else `name!`."""
        name = self._text(macro.child_by_field_name("macro"))
        tree = next((child for child in macro.children if child.type == "token_tree"), None)
        inner = tree.children[1:-1] if tree is not None else []
        first: list[str] = []
        for child in inner:
            if child.type == ",":
                break
            if child.type not in COMMENTS:
                first.append(self._text(child))
        is_path = PATH_TOKENS.fullmatch(" ".join(first)) is not None
        return f"{name}!({''.join(first)})" if is_path else f"{name}!"

    def _text(self, node: tree_sitter.Node | None) -> str:
        if node is None:
            return ""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def _collapsed(self, node: tree_sitter.Node | None) -> str:
        return WHITESPACE.sub(" ", self._text(node)).strip()
