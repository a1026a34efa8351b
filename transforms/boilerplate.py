"""Broadsheet's boilerplate rules, before trafilatura: small named rules, applied in ONE pass over the tree.

Each tree rule says which elements are never part of an article (comment forms, author bios, related and
"most popular" lists, share bars, newsletter boxes, captions, cookie notices, tag lists), by class/id tokens,
by tag, or by a small structural test. `apply_tree_rules` walks the page once and asks every rule about each
element, because walking the whole tree once per rule cost more than trafilatura itself.
Rules are driven by markup and text evidence, never by a site's name. Text rules, after trafilatura, live in
`body_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree, html

_NEVER_REMOVED = {"html", "body", "main", "article", "head"}
_HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}
_WIDGET_CONTAINERS = {"div", "section", "aside", "nav", "ul", "ol", "header", "footer"}
_MAX_SHARE_OF_TEXT = 0.5  # an element holding more than this share of the page's text is never removed
_BLOCK_CHILDREN = {"p", "div", "section", "article", "ul", "ol", "table", "h1", "h2", "h3", "h4", "form", "figure"}
_MAX_SHARE_OF_BODY = 0.5  # one rule may not remove more than this share of the candidate body's paragraphs


@dataclass(frozen=True)
class TreeRule:
    """One kind of boilerplate: class/id tokens, tags, and/or a structural test that identify it."""

    name: str
    tokens: tuple[str, ...] = ()
    test: Callable[[html.HtmlElement], bool] | None = None
    test_tags: frozenset[str] = frozenset()  # the only tags `test` is asked about (keeps the walk cheap)
    keep_own_text: bool = False  # keep the element's own leading text (the visible term of a hover card)

    def __call__(self, tree: html.HtmlElement) -> int:
        """Apply this rule alone (for tests and debugging); returns how many elements it removed."""
        return apply_tree_rules(tree, [self])[self.name]


def _has_textarea(element: html.HtmlElement) -> bool:
    return element.tag == "form" and element.find(".//textarea") is not None


def _is_email_signup(element: html.HtmlElement) -> bool:
    return element.tag == "form" and bool(element.xpath('.//input[@type="email"]'))


def _is_caption(element: html.HtmlElement) -> bool:
    """Figures and their captions, but not figures that wrap a table or a quote (block editors do that)."""
    if element.tag == "figcaption":
        return True
    return element.tag == "figure" and element.find(".//table") is None and element.find(".//blockquote") is None


WIDGET_HEADINGS = re.compile(
    r"^\s*(more articles from the author|more from (the )?author|more from [\w ]{2,30}|most popular|most read"
    r"|related( articles| posts| stories| coverage| content)?|read (more|next|also)|recommended( for you)?"
    r"|you (may|might) (also )?like|trending( now)?|popular (posts|stories)|latest (news|stories|posts)"
    r"|meistgelesen|mehr zum thema|lesen sie auch|das könnte sie auch interessieren|weitere artikel"
    r"|à lire aussi|lire aussi|les plus lus|sur le même sujet|dans la même rubrique"
    r"|lo más leído|más leídas?|te puede interesar|noticias relacionadas|también te puede interesar"
    r"|leave a (reply|comment)|comments?|kommentare?|commentaires?|comentarios?)( \(\d+\))?\s*:?\s*$",
    re.I,
)


def _headed_by_widget_title(element: html.HtmlElement) -> bool:
    """A container whose first child is a widget heading ("Most popular", "Lesen Sie auch")."""
    if element.tag not in _WIDGET_CONTAINERS or not len(element):
        return False
    heading = element[0]
    return heading.tag in _HEADING_TAGS and bool(WIDGET_HEADINGS.match(heading.text_content() or ""))


_LINK_TEXT = etree.XPath(".//a//text()")


def _is_link_list(element: html.HtmlElement) -> bool:
    """A list of three or more items whose text is (almost) all links: teasers to other pages."""
    if sum(1 for child in element if child.tag == "li") < 3:
        return False
    text = len("".join(element.text_content().split()))
    link_text = len("".join("".join(_LINK_TEXT(element)).split()))
    return text > 0 and link_text >= 0.8 * text


comment_sections = TreeRule(
    "comment_sections",
    tokens=("comments?", "respond", "comment-respond", "comment-form", "commentform", "disqus", "kommentare?"),
    test=_has_textarea,
    test_tags=frozenset({"form"}),
)
author_bios = TreeRule(
    "author_bios",
    tokens=("author-?box", "author-box-wrap", "author-bio", "about-author", "author-card", "author-info", "autor-?box"),
)
related_lists = TreeRule(
    "related_lists",
    tokens=(
        "related(?:-posts?|-articles?|-stories|-links?|-content)?",
        "td_block_related_posts",
        "most-?read",
        "most-?popular",
        "meistgelesen",
        "read-?next",
        "more-?from",
        "recommended",
        "mehr-zum-thema",
        "lesen-sie-auch",
        "teaser-?list",
        "latest-(?:news|posts|stories|articles)(?:-box)?",
        "more-(?:stories|news|articles)",
    ),
    test=_headed_by_widget_title,
    test_tags=frozenset(_WIDGET_CONTAINERS),
)
share_bars = TreeRule("share_bars", tokens=("share", "sharing", "share-?bar", "sharebar", "teilen", "social-share"))
newsletter_boxes = TreeRule(
    "newsletter_boxes",
    tokens=("newsletter(?:-\\w+)?", "subscribe", "signup", "sign-up"),
    test=_is_email_signup,
    test_tags=frozenset({"form"}),
)
captions_and_credits = TreeRule(
    "captions_and_credits",
    tokens=("wp-caption(?:-text)?", "caption", "credit", "bildunterschrift", "photo-credit"),
    test=_is_caption,
    test_tags=frozenset({"figure", "figcaption"}),
)
cookie_notices = TreeRule("cookie_notices", tokens=("cookie(?:-\\w+)?", "consent", "gdpr"))
hover_cards = TreeRule(
    "hover_cards",
    tokens=("rollover(?:-\\w+)?", "tooltip", "popover", "hovercard", "hover-card"),
    keep_own_text=True,
)
link_lists = TreeRule("link_lists", test=_is_link_list, test_tags=frozenset({"ul", "ol"}))
tag_lists = TreeRule("tag_lists", tokens=("tags", "post-tags", "td-post-source-tags", "tag-list", "tagcloud"))

TREE_RULES: list[TreeRule] = [
    comment_sections,
    author_bios,
    related_lists,
    share_bars,
    newsletter_boxes,
    captions_and_credits,
    cookie_notices,
    tag_lists,
    link_lists,
    hover_cards,
]


# "no-share", "hide-comments", "without-sidebar": a class that switches a widget off names it, and marks the
# element (often the post itself) as NOT being that widget
_NOT_NEGATED = "".join(rf"(?<!\b{word})" for word in ("no", "not", "hide", "without", "disable", "disabled"))


def _token_matcher(rules: list[TreeRule]) -> re.Pattern[str] | None:
    """One regex for every rule's tokens; the name of the matching group says which rule matched."""
    groups = [f"(?P<r{i}>{'|'.join(rule.tokens)})" for i, rule in enumerate(rules) if rule.tokens]
    if not groups:
        return None
    return re.compile(r"(?:^|" + _NOT_NEGATED + r"[\s_-])(?:" + "|".join(groups) + r")(?=$|[\s_-])", re.I)


_Dispatch = tuple[re.Pattern[str] | None, dict[str, list[TreeRule]], frozenset[str]]
_WORD_BREAKS = str.maketrans("_-", "  ")


def _first_words(token: str) -> set[str]:
    """Words an element's class/id must contain for `token` to match it ("author-?box" -> author, authorbox)."""
    words = set()
    for variant in (token, token.replace("-?", ""), token.replace("-?", "-")):
        literal = re.match(r"[\w-]*", variant).group(0)
        if variant[len(literal) : len(literal) + 1] in ("?", "*"):
            literal = literal[:-1]
        first = literal.translate(_WORD_BREAKS).split()[0].lower() if literal.strip("_-") else ""
        if len(first) < 2:
            raise ValueError(f"token {token!r} must start with a literal word")
        words |= {first, first + "s"}
    return words


_DISPATCH: dict[tuple[str, ...], _Dispatch] = {}


def _dispatch(rules: list[TreeRule]) -> tuple[tuple[str, ...], _Dispatch]:
    """Built once per list of rules: the token regex, the tag -> structural tests table, and the set of words
    a class/id must contain for the regex to be worth running (a set lookup is ~20x cheaper than the regex).
    """
    key = tuple(rule.name for rule in rules)
    if key not in _DISPATCH:
        by_tag: dict[str, list[TreeRule]] = {}
        for rule in rules:
            for tag in rule.test_tags:
                by_tag.setdefault(tag, []).append(rule)
        first_words = frozenset(word for rule in rules for token in rule.tokens for word in _first_words(token))
        _DISPATCH[key] = (_token_matcher(rules), by_tag, first_words)
    return key, _DISPATCH[key]


@lru_cache(maxsize=16384)
def _rule_index(key: tuple[str, ...], names: str) -> int:
    """Which of the rules named `key` an element's "class id" names match (-1: none). Cached: a page repeats its
    class names on hundreds of elements ("col-md-4", "item"), and so do a site's pages."""
    matcher, _, first_words = _DISPATCH[key]
    if matcher is None or first_words.isdisjoint(names.translate(_WORD_BREAKS).lower().split()):
        return -1
    found = matcher.search(names)
    return int(found.lastgroup[1:]) if found is not None else -1


def _is_paragraph(element: html.HtmlElement) -> bool:
    return element.tag == "p" or (element.tag == "div" and not any(c.tag in _BLOCK_CHILDREN for c in element))


def candidate_body(tree: html.HtmlElement) -> html.HtmlElement | None:
    """The element whose own paragraphs hold the most text: the likely article body.

    Paragraphs are <p>s, and <div>s with no block inside them (live blogs and old themes write their
    paragraphs as divs).
    """
    totals: dict[html.HtmlElement, int] = {}
    for paragraph in tree.iter("p", "div"):
        if not _is_paragraph(paragraph):
            continue
        parent = paragraph.getparent()
        if parent is None:
            continue
        length = len(paragraph.text_content().strip())
        totals[parent] = totals.get(parent, 0) + length
        grandparent = parent.getparent()  # a post split into entries (a live blog) has its text one level down
        if grandparent is not None:
            totals[grandparent] = totals.get(grandparent, 0) + length // 2
    if not totals:
        return None
    return max(totals, key=totals.__getitem__)


def apply_tree_rules(tree: html.HtmlElement, rules: list[TreeRule] | None = None) -> dict[str, int]:
    """Remove every element some rule identifies, in one walk over the tree; returns removals per rule.

    Each element is asked once: its class and id against one regex holding every rule's tokens, then the
    structural tests registered for its tag. A rule whose matches would hold most of the page's text removes
    nothing. Kept whatever its class says: a page container (html, body,
    main, article), any element holding most of the page's text, the candidate body (the element whose
    paragraphs hold the most text) and its ancestors (a wrapper classed "comments-enabled article" or a share
    container wrapping the post must not take the article with it), and the candidate body's paragraphs
    when one rule would remove most of them piece by piece (a live blog whose entries are classed "comment").
    """
    rules = TREE_RULES if rules is None else rules
    key, (matcher, by_tag, _) = _dispatch(rules)
    removed = dict.fromkeys((rule.name for rule in rules), 0)
    doomed: list[tuple[html.HtmlElement, TreeRule, bool]] = []
    total: int | None = None
    body: html.HtmlElement | None = None
    protected: set[html.HtmlElement] = set()
    inside_body: dict[str, int] = {}
    on_page: dict[str, int] = {}
    outermost: set[html.HtmlElement] = set()
    body_text = 0
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in _NEVER_REMOVED:
            continue
        rule = None
        attributes = element.attrib
        if matcher is not None and attributes and ("class" in attributes or "id" in attributes):
            index = _rule_index(key, attributes.get("class", "") + " " + attributes.get("id", ""))
            if index >= 0:
                rule = rules[index]
        if rule is None and tag in by_tag:
            rule = next((r for r in by_tag[tag] if r.test is not None and r.test(element)), None)
        if rule is None:
            continue
        if total is None:  # only pages where some rule matched pay for these
            total = len(tree.text_content()) or 1
            body = candidate_body(tree)
            protected = {body, *body.iterancestors()} if body is not None else set()
            body_text = len(body.text_content()) if body is not None else 0
        if element in protected:
            continue
        length = len(element.text_content())
        if length > _MAX_SHARE_OF_TEXT * total:
            continue
        lineage = list(element.iterancestors())
        is_inside = body is not None and body in lineage
        if not any(ancestor in outermost for ancestor in lineage):  # count nested matches once
            outermost.add(element)
            if is_inside:
                inside_body[rule.name] = inside_body.get(rule.name, 0) + length
            on_page[rule.name] = on_page.get(rule.name, 0) + length
        doomed.append((element, rule, is_inside))
    # one rule taking most of the body, or of the page, piece by piece (a live blog whose entries are classed
    # "comment") has mistaken the article for its kind of boilerplate: it removes nothing there
    spared = {name for name, length in inside_body.items() if length > _MAX_SHARE_OF_BODY * body_text}
    everywhere = {name for name, length in on_page.items() if total and length > _MAX_SHARE_OF_TEXT * total}
    for element, rule, is_inside in doomed:
        if element.getparent() is None or (is_inside and rule.name in spared) or rule.name in everywhere:
            continue
        removed[rule.name] += 1
        if rule.keep_own_text:
            for child in list(element):
                element.remove(child)
            element.drop_tag()
        else:
            element.drop_tree()
    return removed


LEAD_TOKENS = re.compile(
    r"(?:^|[\s_-])(?:[\w-]*lead|lede|intro|[\w-]*teaser|vorspann|standfirst|summary|chapo|entradilla)(?:$|[\s_-])",
    re.I,
)


def keep_lead_paragraph(tree: html.HtmlElement) -> int:
    """Move the article's lead paragraph (Vorspann, intro) into the body container it precedes.

    Themes put the lead above the text container, often with a class ("teaser", "intro") that trafilatura
    treats as boilerplate, so the lead is lost although it is the article's first paragraph.
    """
    moved = 0
    for lead in _LEAD_CANDIDATES(tree):
        if not LEAD_TOKENS.search(lead.get("class", "")) or len(lead.text_content().split()) < 15:
            continue
        body = next((e for e in lead.itersiblings() if len(e.xpath("./p")) >= 2), None)
        if body is None:
            continue
        lead.attrib.pop("class")
        lead.tag = "p"  # a summary <div> of plain text is the lead paragraph
        body.insert(0, lead)
        moved += 1
    return moved


_LEAD_CANDIDATES = etree.XPath("//p[@class] | //div[@class][not(*[self::p or self::div or self::ul or self::ol])]")


EMBEDDED_POST = re.compile(
    r"twitter-tweet|instagram-media|tiktok-embed|bluesky-embed|mastodon-embed|threads-post", re.I
)


def keep_embedded_posts(tree: html.HtmlElement) -> int:
    """Keep quoted social posts (an embedded tweet the article discusses) as block quotes of the article.

    Their markup (<blockquote class="twitter-tweet"> in a "social-embed" wrapper) looks like a share widget
    to trafilatura, which drops them although the article quotes them. The class names are removed so
    they are read as the quotes they are.
    """
    kept = 0
    for quote in tree.iter("blockquote"):
        if not EMBEDDED_POST.search(quote.get("class", "")):
            continue
        quote.attrib.pop("class")
        for ancestor in list(quote.iterancestors())[:2]:
            if re.search(r"social|embed", ancestor.get("class", "") + " " + ancestor.get("id", ""), re.I):
                ancestor.attrib.pop("class", None)
                ancestor.attrib.pop("id", None)
        kept += 1
    return kept
