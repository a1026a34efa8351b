"""Broadsheet's boilerplate rules: small named functions, applied in order, before and after trafilatura.

Tree rules take the parsed page and remove elements that are never part of an article (comment forms,
author bios, related and "most popular" lists, share bars, newsletter boxes, captions, cookie notices).
Text rules clean the extracted body (the headline repeated inside it, "Read more:" lines).
Rules are driven by markup and text evidence, never by a site's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import html

TreeRule = Callable[[html.HtmlElement], int]
TextRule = Callable[[str, str], str]

_NEVER_REMOVED = {"html", "body", "main", "article"}


def _token_pattern(*words: str) -> re.Pattern[str]:
    """Match a word inside a class or id as its own token (td-post-sharing, author_box, ...)."""
    return re.compile(r"(?:^|[\s_-])(?:" + "|".join(words) + r")(?:$|[\s_-])", re.I)


def _remove_where(tree: html.HtmlElement, test: Callable[[html.HtmlElement], bool]) -> int:
    """Remove each element that passes `test`, unless it is a page container or holds most of the text."""
    total = len(tree.text_content()) or 1
    removed = 0
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in _NEVER_REMOVED:
            continue
        if element.getparent() is None or not test(element):
            continue
        if len(element.text_content()) > 0.5 * total:
            continue
        element.drop_tree()
        removed += 1
    return removed


def _by_class_or_id(pattern: re.Pattern[str]) -> TreeRule:
    def rule(tree: html.HtmlElement) -> int:
        return _remove_where(tree, lambda e: bool(pattern.search(f"{e.get('class', '')} {e.get('id', '')}")))

    return rule


COMMENT_TOKENS = _token_pattern(
    "comments?", "respond", "comment-respond", "comment-form", "commentform", "disqus", "kommentare?", "reply"
)
AUTHOR_BIO_TOKENS = _token_pattern(
    "author-?box", "author-box-wrap", "author-bio", "about-author", "author-card", "author-info", "bio", "autor-?box"
)
RELATED_TOKENS = _token_pattern(
    "related(?:-posts?)?",
    "td_block_related_posts",
    "popular",
    "most-?read",
    "most-?popular",
    "meistgelesen",
    "read-?next",
    "more-?from",
    "recommended",
    "mehr-zum-thema",
    "lesen-sie-auch",
    "related-links?",
    "teaser-?list",
)
SHARE_TOKENS = _token_pattern("share", "sharing", "social", "share-?bar", "teilen", "td-post-sharing")
NEWSLETTER_TOKENS = _token_pattern("newsletter(?:-\\w+)?", "subscribe", "subscription", "signup", "sign-up")
COOKIE_TOKENS = _token_pattern("cookie(?:-\\w+)?", "consent", "gdpr", "paywall")
TAG_LIST_TOKENS = _token_pattern("tags", "post-tags", "td-post-source-tags", "tag-list", "tagcloud")
WIDGET_HEADINGS = re.compile(
    r"^\s*(more articles from the author|more from (the )?author|most popular|most read"
    r"|related( articles| posts| stories)?|read (more|next)|recommended|you may also like"
    r"|meistgelesen|mehr zum thema|lesen sie auch|das könnte sie auch interessieren"
    r"|leave a reply|comments?|kommentare?( \(\d+\))?)\s*:?\s*$",
    re.I,
)


def remove_comment_sections(tree: html.HtmlElement) -> int:
    """Comment lists and forms ("Please enter your comment! Please enter your name here")."""
    removed = _by_class_or_id(COMMENT_TOKENS)(tree)
    return removed + _remove_where(tree, lambda e: e.tag == "form" and bool(e.xpath(".//textarea")))


def remove_author_bios(tree: html.HtmlElement) -> int:
    """Author boxes with avatar and biography."""
    return _by_class_or_id(AUTHOR_BIO_TOKENS)(tree)


def remove_related_lists(tree: html.HtmlElement) -> int:
    """ "More articles from the author", "Most popular", "Related", "Read next" blocks."""
    removed = _by_class_or_id(RELATED_TOKENS)(tree)

    def headed_by_widget_title(element: html.HtmlElement) -> bool:
        if element.tag not in ("div", "section", "aside", "nav", "ul", "ol"):
            return False
        heading = element.xpath("./*[self::h2 or self::h3 or self::h4 or self::div or self::span][1]")
        return bool(heading) and bool(WIDGET_HEADINGS.match(heading[0].text_content() or ""))

    return removed + _remove_where(tree, headed_by_widget_title)


def remove_share_bars(tree: html.HtmlElement) -> int:
    """Share buttons (Facebook, X, WhatsApp, e-mail)."""
    return _by_class_or_id(SHARE_TOKENS)(tree)


def remove_newsletter_boxes(tree: html.HtmlElement) -> int:
    """Newsletter and subscription calls to action, including bare e-mail sign-up forms."""
    removed = _by_class_or_id(NEWSLETTER_TOKENS)(tree)
    return removed + _remove_where(tree, lambda e: e.tag == "form" and bool(e.xpath('.//input[@type="email"]')))


def remove_captions_and_credits(tree: html.HtmlElement) -> int:
    """Photo captions and agency credits: figures, figcaptions and WordPress caption blocks."""
    return _remove_where(
        tree,
        lambda e: (
            e.tag in ("figure", "figcaption")
            or bool(
                _token_pattern("wp-caption(?:-text)?", "caption", "credit", "bildunterschrift").search(
                    e.get("class", "")
                )
            )
        ),
    )


def remove_cookie_and_paywall_notices(tree: html.HtmlElement) -> int:
    """Cookie consent banners and paywall notices."""
    return _by_class_or_id(COOKIE_TOKENS)(tree)


def remove_tag_lists(tree: html.HtmlElement) -> int:
    """Tag and topic link lists under the article."""
    return _by_class_or_id(TAG_LIST_TOKENS)(tree)


LEAD_TOKENS = _token_pattern(
    r"[\w-]*lead", "lede", "intro", r"[\w-]*teaser", "vorspann", "standfirst", "summary", "chapo", "entradilla"
)


def keep_lead_paragraph(tree: html.HtmlElement) -> int:
    """Move the article's lead paragraph (Vorspann, intro) into the body container it precedes.

    Themes put the lead above the text container, often with a class ("teaser", "intro") that trafilatura
    treats as boilerplate, so the lead is lost although it is the article's first paragraph.
    """
    moved = 0
    for lead in tree.xpath("//p[@class]"):
        if not LEAD_TOKENS.search(lead.get("class", "")) or len(lead.text_content().split()) < 15:
            continue
        body = next((e for e in lead.itersiblings() if len(e.xpath("./p")) >= 2), None)
        if body is None:
            continue
        lead.attrib.pop("class")
        body.insert(0, lead)
        moved += 1
    return moved


TREE_RULES: list[TreeRule] = [
    keep_lead_paragraph,
    remove_comment_sections,
    remove_author_bios,
    remove_related_lists,
    remove_share_bars,
    remove_newsletter_boxes,
    remove_captions_and_credits,
    remove_cookie_and_paywall_notices,
    remove_tag_lists,
]


def _normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def remove_repeated_headline(body: str, title: str) -> str:
    """Drop body lines that only repeat the headline."""
    wanted = _normalised(title)
    return "\n".join(line for line in body.split("\n") if not wanted or _normalised(line) != wanted)


READ_MORE_LINE = re.compile(
    r"^\s*(read more|read also|see also|related|lesen sie auch|mehr dazu|auch interessant)\s*:", re.I
)


def remove_read_more_lines(body: str, title: str) -> str:
    """Drop in-body "Read more: <headline>" links."""
    return "\n".join(line for line in body.split("\n") if not READ_MORE_LINE.match(line))


TEXT_RULES: list[TextRule] = [remove_repeated_headline, remove_read_more_lines]


def apply_tree_rules(tree: html.HtmlElement) -> dict[str, int]:
    """Run every tree rule in order; returns how many elements each removed."""
    return {rule.__name__: rule(tree) for rule in TREE_RULES}


def apply_text_rules(body: str, title: str) -> str:
    for rule in TEXT_RULES:
        body = rule(body, title)
    return body.strip()
