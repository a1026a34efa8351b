"""The extracted body as a list of blocks (paragraph, heading, list item, quote, table row).

trafilatura returns its body as a small XML tree (p, head, list/item, quote, table/row/cell). Broadsheet keeps
it as blocks so that text rules can drop whole paragraphs, and so that one body renders both as plain text
(one block per line) and as light markup (paragraphs, headings, lists, quotes, tables) for `body_markup`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from html import escape

from lxml import etree

# trafilatura's body tags -> our block kinds
_BLOCK_KINDS = {"p": "p", "head": "h", "quote": "quote", "item": "li", "row": "row", "code": "p", "div": "p"}
_BLOCK_TAGS = {"p", "head", "quote", "list", "item", "table", "div", "code"}


@dataclass(frozen=True)
class Block:
    """One paragraph-level piece of the body. `group` ties list items and table rows to their list or table."""

    kind: str  # "p" | "h" | "li" | "quote" | "row"
    text: str
    group: int = 0
    ordered: bool = False

    @cached_property
    def word_count(self) -> int:
        """Whitespace-separated words: the length limit of most body rules, asked of each block by each rule."""
        return len(self.text.split())


def _text(element: etree._Element) -> str:
    """The element's text; a line break (<lb/>, from <br>) separates words instead of gluing them."""
    parts: list[str] = []

    def collect(node: etree._Element) -> None:
        if node.tag == "lb":
            parts.append(" ")
        elif node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                collect(child)
            if child.tail:
                parts.append(child.tail)

    collect(element)
    return " ".join("".join(parts).split())


def _row_text(row: etree._Element) -> str:
    cells = [_text(cell) for cell in row if isinstance(cell.tag, str)]
    return " | ".join(cell for cell in cells if cell)


def blocks_from_body(body: etree._Element | None) -> list[Block]:
    """Flatten trafilatura's body element into blocks, in document order."""
    if body is None:
        return []
    blocks: list[Block] = []
    group = 0

    def walk(element: etree._Element, group: int, ordered: bool, inside: str = "") -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag
            if tag == "list":
                walk(child, id(child), child.get("rend") == "ol")
            elif tag == "table" and any(grand.tag in _BLOCK_TAGS for grand in child.iter() if grand is not child):
                # a layout table (the whole page in cells): its cells are containers, not data
                for cell in child.iter("cell"):
                    if text := " ".join((cell.text or "").split()):
                        blocks.append(Block("p", text, group))
                    walk(cell, group, ordered)
            elif tag == "table":
                for row in child.iter("row"):
                    if text := _row_text(row):
                        blocks.append(Block("row", text, id(child)))
            elif tag == "item" and any(grand.tag in ("list", "p") for grand in child):
                if text := " ".join((child.text or "").split()):
                    blocks.append(Block("li", text, group, ordered))
                walk(child, group, ordered)
            elif tag in ("p", "div", "quote") and any(grand.tag in _BLOCK_TAGS for grand in child):
                # favor_recall sometimes wraps a whole container (header and paragraphs) in one <p>;
                # a quote's own paragraphs stay quotes
                kind = "quote" if tag == "quote" or inside == "quote" else "p"
                if text := " ".join((child.text or "").split()):
                    blocks.append(Block(kind, text, group))
                walk(child, group, ordered, kind)
            elif tag in _BLOCK_KINDS:
                if text := _text(child):
                    kind = "quote" if inside == "quote" and tag in ("p", "div") else _BLOCK_KINDS[tag]
                    blocks.append(Block(kind, text, group, ordered))
            elif text := _text(child):
                blocks.append(Block("p", text, group))
            if child.tail and child.tail.strip():  # text between blocks is a paragraph of its own
                blocks.append(Block("p", " ".join(child.tail.split()), group))

    walk(body, group, False)
    if body.text and body.text.strip():
        blocks.insert(0, Block("p", " ".join(body.text.split())))
    return blocks


def blocks_from_lines(text: str) -> list[Block]:
    """Plain text, one paragraph per line, as blocks."""
    return [Block("p", line.strip()) for line in text.split("\n") if line.strip()]


def render_text(blocks: list[Block]) -> str:
    """One block per line; list items start with "- " as trafilatura writes them."""
    return "\n".join(f"- {b.text}" if b.kind == "li" else b.text for b in blocks)


def render_markup(blocks: list[Block]) -> str:
    """Light HTML: <p>, <h2>, <ul>/<ol> with <li>, <blockquote>, <table> with one cell per row."""
    out: list[str] = []
    open_group: tuple[str, int] | None = None
    closing = ""
    for block in blocks:
        wanted = (block.kind, block.group) if block.kind in ("li", "row") else None
        if open_group and open_group != wanted:
            out.append(closing)
            open_group = None
        if wanted and open_group is None:
            opening = "table" if block.kind == "row" else ("ol" if block.ordered else "ul")
            out.append(f"<{opening}>")
            open_group, closing = wanted, f"</{opening}>"
        text = escape(block.text, quote=False)
        if block.kind == "li":
            out.append(f"<li>{text}</li>")
        elif block.kind == "row":
            out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in text.split(" | ")) + "</tr>")
        elif block.kind == "h":
            out.append(f"<h2>{text}</h2>")
        elif block.kind == "quote":
            out.append(f"<blockquote>{text}</blockquote>")
        else:
            out.append(f"<p>{text}</p>")
    if open_group:
        out.append(closing)
    return "\n".join(out)
