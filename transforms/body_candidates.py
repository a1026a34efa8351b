"""Detect trafilatura's known failure modes and repair them with a second candidate, chosen by evidence.

trafilatura (in its fast mode) sometimes returns a body cut off after the article's first section, a fallback
that is little more than the headline, or a notice ("Subscribe to continue") instead of the article. Its
baseline extractor (the page's JSON-LD articleBody, else its <article> paragraphs, else all paragraphs) fails
differently: it rarely truncates but sweeps in more boilerplate. So neither is preferred by rule: when the
first candidate looks short for the page, the second is read, and the body is the one the evidence favours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import trafilatura
from lxml import html

from transforms.body_blocks import Block, blocks_from_body
from transforms.body_length import body_words
from transforms.body_rules import normalised

SHORT_BODY_WORDS = 50  # a body this short is checked against the baseline candidate
MIN_GAIN = 2.0  # the baseline must be this many times longer to replace a short body
MATCH_WORDS = 8  # blocks at least this long are located in the page to find the body's container
MIN_SECTION_WORDS = 40  # a sibling section must add this much text to count as the body's continuation
_BLOCK_TAGS = ("p", "h2", "h3", "h4", "blockquote", "li")
_SKIPPED_ANCESTORS = {"aside", "figure", "figcaption", "nav", "form", "footer"}


@dataclass(frozen=True)
class BodyChoice:
    blocks: list[Block]
    source: str  # "trafilatura" | "trafilatura+sections" | "baseline"


def _words(blocks: list[Block]) -> int:
    """Words per script: a Chinese or Thai body is not "short" because it has few spaces."""
    return sum(body_words(b.text) for b in blocks)


def _section_blocks(section: html.HtmlElement) -> list[Block]:
    """Paragraph-level blocks of a page section, in document order, skipping asides and captions."""
    blocks = []
    for element in section.iter(*_BLOCK_TAGS):
        ancestors = {a.tag for a in element.iterancestors() if a is not section}
        if ancestors & set(_BLOCK_TAGS) or ancestors & _SKIPPED_ANCESTORS:
            continue
        text = " ".join(element.text_content().split())
        if text:
            kind = {"h2": "h", "h3": "h", "h4": "h", "blockquote": "quote", "li": "li"}.get(element.tag, "p")
            blocks.append(Block(kind, text, id(element.getparent()) if kind == "li" else 0))
    return blocks


def _continuations(siblings: Iterator[html.HtmlElement], signature: tuple[str, str | None]) -> list[html.HtmlElement]:
    """Siblings with the container's tag and class, up to the first one that starts another article.

    An infinite-scroll page appends the next article in a container just like this one; it has its own
    headline (<h1>, or an <article> of its own), and nothing from it or beyond it is taken.
    """
    found = []
    for sibling in siblings:
        if (sibling.tag, sibling.get("class")) != signature:
            continue
        if sibling.tag == "article" or sibling.find(".//h1") is not None or sibling.find(".//article") is not None:
            break
        found.append(sibling)
    return found


def _common_ancestor(first: html.HtmlElement, last: html.HtmlElement) -> html.HtmlElement | None:
    lineage = {id(a) for a in last.iterancestors()}
    return next((a for a in first.iterancestors() if id(a) in lineage), None)


def add_split_sections(blocks: list[Block], tree: html.HtmlElement) -> list[Block] | None:
    """The body continued from sibling sections, when the article is split into same-styled chunks.

    Some CMSs cut an article into several sibling containers with the same class (ad slots go between
    them); trafilatura keeps the first and drops the rest, so the body stops after the first section.
    The evidence: the container holding trafilatura's paragraphs has siblings of its own tag and class
    that hold paragraphs it did not return. Returns None when there is nothing to add.
    """
    wanted = {normalised(b.text) for b in blocks if len(b.text.split()) >= MATCH_WORDS}
    if not wanted:
        return None
    shortest = min(len(text) for text in wanted)
    found = [p for p in tree.iter("p") if len(text := p.text_content()) >= shortest and normalised(text) in wanted]
    if not found:
        return None
    container = found[0].getparent() if len(found) == 1 else _common_ancestor(found[0], found[-1])
    known = {normalised(b.text) for b in blocks}
    for _ in range(3):
        if container is None or container.getparent() is None or container.tag in ("body", "html"):
            return None
        signature = (container.tag, container.get("class"))
        if signature[1]:
            preceding = container.itersiblings(preceding=True)
            siblings_before = _continuations(preceding, signature)
            siblings_after = _continuations(container.itersiblings(), signature)
            extra_before = [b for s in reversed(siblings_before) for b in _section_blocks(s)]
            extra_after = [b for s in siblings_after for b in _section_blocks(s)]
            extra_before = [b for b in extra_before if normalised(b.text) not in known]
            extra_after = [b for b in extra_after if normalised(b.text) not in known]
            if _words(extra_before) + _words(extra_after) >= MIN_SECTION_WORDS:
                return extra_before + blocks + extra_after
        container = container.getparent()
    return None


def _with_paragraphs(fallback: list[Block], tree: html.HtmlElement) -> list[Block]:
    """The baseline reads an <article> as one run of text; when that is what it returned, the same text is
    read again from the <article> paragraph by paragraph, so the body keeps its structure."""
    if len(fallback) != 1:
        return fallback
    wanted = normalised(fallback[0].text)
    for article in tree.xpath("//article[not(ancestor::article)]"):
        blocks = _section_blocks(article)
        if len(blocks) > 1 and normalised(" ".join(b.text for b in blocks)) == wanted:
            return blocks
    return fallback


def choose_body(blocks: list[Block], tree: html.HtmlElement) -> BodyChoice:
    """trafilatura's blocks, unless the evidence says they are a truncated, empty or notice-only extraction."""
    if _words(blocks) < SHORT_BODY_WORDS:
        postbody, _, _ = trafilatura.baseline(tree)
        fallback = _with_paragraphs(blocks_from_body(postbody), tree)
        if _words(fallback) >= MIN_GAIN * max(_words(blocks), 1):
            return BodyChoice(fallback, "baseline")
        return BodyChoice(blocks, "trafilatura")
    extended = add_split_sections(blocks, tree)
    if extended is not None:
        return BodyChoice(extended, "trafilatura+sections")
    return BodyChoice(blocks, "trafilatura")
