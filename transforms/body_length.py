"""How long a body is, in words, whatever its script, and whether a short page is still an article.

Chinese, Japanese and Thai are written without spaces between words, so counting whitespace-separated
words makes a full article in those scripts look like a few "words". Characters of such scripts are counted
instead, at the average number of characters per word of the script. A page whose body is short is told
apart from a listing, video or gallery page by the page's own signals, not by its length alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Scripts written without spaces, and about how many of their characters make one word.
_UNSPACED_SCRIPTS = (
    (re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]"), 2.0),  # Han, kana
    (re.compile(r"[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff]"), 5.0),  # Thai, Lao, Myanmar, Khmer
)
_SPACED_WORD = re.compile(r"[^\s\u3000]+")

MIN_BODY_WORDS = 60  # a body at least this long is an article on length alone
MIN_SHORT_ARTICLE_WORDS = 15  # a shorter body is an article only with the page's own evidence
MAX_SHORT_BODY_LINK_SHARE = 0.5  # a short "body" mostly made of links is a listing


def body_words(text: str) -> int:
    """Words in the text: whitespace-separated words, plus characters of unspaced scripts per script."""
    words = 0.0
    rest = text
    for pattern, characters_per_word in _UNSPACED_SCRIPTS:
        found = len(pattern.findall(rest))
        if found:
            words += found / characters_per_word
            rest = pattern.sub(" ", rest)
    return int(words + len(_SPACED_WORD.findall(rest)))


@dataclass(frozen=True)
class ArticleSignals:
    """What a page says about being one article: its declared type, its headline, how linky its body is."""

    declares_article: bool  # JSON-LD article type, or og:type "article"
    declares_other: bool  # og:type video/website/profile, or JSON-LD that is only a listing/video/gallery
    has_headline: bool  # an <h1> or a headline in the page's metadata
    link_share: float  # share of the body's text that sits in links, on the original page


def is_short_article(words: int, signals: ArticleSignals) -> bool:
    """A short body (a news brief) is an article when the page has a headline, its body is prose rather than
    links, and the page does not declare itself something else (a video, a listing, a profile)."""
    if words < MIN_SHORT_ARTICLE_WORDS or not signals.has_headline:
        return False
    if signals.declares_other and not signals.declares_article:
        return False
    return signals.link_share <= MAX_SHORT_BODY_LINK_SHARE
