"""Turn one archived page into an ExtractedArticle (or a Reject): our boilerplate rules, then trafilatura."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import trafilatura
import trafilatura.settings
from lxml import etree, html

from broadsheet.records import ExtractedArticle, FetchedPage, Reject, RejectReason
from broadsheet.urls import absolute_url
from transforms.article_metadata import PERSON, credit, people, read_article_metadata, shown_credits
from transforms.body_blocks import blocks_from_body, render_markup, render_text
from transforms.body_candidates import choose_body
from transforms.body_length import MIN_BODY_WORDS, ArticleSignals, body_words, is_short_article
from transforms.body_rules import PageHints, apply_body_rules
from transforms.boilerplate import apply_tree_rules, keep_embedded_posts, keep_lead_paragraph
from transforms.date_candidates import html_date_candidates
from transforms.fallback_metadata import fallback_metadata
from transforms.json_ld import types_of
from transforms.page_parsing import decode_page, load_page
from transforms.parsed_page import ParsedPage, parse_page

logger = logging.getLogger(__name__)

STAGE = "extract"
HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
# Chosen on every corpus (docs/benchmarks.md, a third of trafilatura-eval and all of the article-extraction
# benchmark): the articles that fast=True and favor_recall=True seemed to lose were removed by our own tree
# rules (now guarded, see boilerplate.apply_tree_rules). With that fixed, trafilatura's defaults gain 0.004 F1
# on trafilatura-eval and lose 0.003 on the benchmark and drop subheads (favor_recall=False), while fast=True
# is what keeps extraction within bare trafilatura's CPU time.
TRAFILATURA_OPTIONS = {
    "fast": True,
    "favor_recall": True,
    "include_comments": False,
    "include_tables": True,
    "with_metadata": False,
    "deduplicate": False,
}
# trafilatura's defaults: its own extractor compared with readability and jusText, and a recall retry when the
# result covers little of the page. They cost more CPU than the fast pass and keep more boilerplate on most
# pages, so they are asked for a second opinion only where the fast pass looks like a fragment of the page: under
# 1,000 characters (a short brief) and under a fifth of the page's text (a FAQ or offer split into containers,
# a standfirst taken for the body). Their answer replaces the fast one when it is half as long again
# (trafilatura's own acceptance ratio for its retry). Measured on the article-extraction benchmark and
# trafilatura-eval: docs/benchmarks.md.
SECOND_OPINION_OPTIONS = {**TRAFILATURA_OPTIONS, "fast": False, "favor_recall": False}
FRAGMENT_MAX_CHARS = 1000
FRAGMENT_PAGE_SHARE = 0.2  # a tenth missed pages where a standfirst is the fast result; 0.3 loses on AEB
SECOND_OPINION_GAIN = 1.5
TITLE_SUFFIX = re.compile(r"\s+[|\-–—·:»]\s+[^|\-–—·:»]{2,60}$")


@dataclass(frozen=True)
class ExtractedBody:
    """The body as plain text (one block per line) and as light markup, with which candidate it came from."""

    text: str
    markup: str
    source: str


def _reject(page: FetchedPage, reason: RejectReason, detail: str) -> Reject:
    return Reject(page.site_key, page.final_url, STAGE, reason, detail, page.archive_location)


def clean_title(title: str, site_name: str | None) -> str:
    """Drop a trailing site name ("Headline - Harbour Herald") that <title> and og:title often carry."""
    title = " ".join(title.split())
    if site_name and title.endswith(site_name):
        stripped = TITLE_SUFFIX.sub("", title)
        return stripped if stripped else title
    return title


def page_hints(tree: html.HtmlElement, title: str | None = None, address: str | None = None) -> PageHints:
    """The page's headline and description candidates, read before any boilerplate is removed."""
    titles = [title] if title else []
    titles += tree.xpath(
        "//meta[@property='og:title' or @name='twitter:title' or @property='twitter:title']/@content"
        "|//head/title/text()"
    )
    titles += [h1.text_content() for h1 in tree.xpath("//h1")[:2]]
    descriptions = tree.xpath(
        "//meta[@name='description' or @property='og:description' or @name='twitter:description'"
        " or @property='twitter:description']/@content"
    )
    return PageHints(
        titles=tuple(dict.fromkeys(" ".join(t.split()) for t in titles if t and t.strip())),
        descriptions=tuple(dict.fromkeys(" ".join(d.split()) for d in descriptions if d and d.strip())),
        address=address,
    )


NON_ARTICLE_OG_TYPES = re.compile(r"^(video|music|website|profile|book)\b", re.I)
NON_ARTICLE_JSON_LD = {"ItemList", "CollectionPage", "SearchResultsPage", "ImageGallery", "VideoObject", "ProfilePage"}


def _link_texts(tree: html.HtmlElement) -> set[str]:
    return {" ".join(a.text_content().split()) for a in tree.iter("a")} - {""}


def article_signals(parsed: ParsedPage, body: str, link_texts: set[str]) -> ArticleSignals:
    """The page's own evidence that it is one article (read on the parsed page, before the body rules)."""
    og_type = next(iter(parsed.meta_values("og:type")), "").strip()
    declared = {kind for obj in parsed.json_ld for kind in types_of(obj)}
    lines = [line.removeprefix("- ").strip() for line in body.splitlines() if line.strip()]
    linked = sum(len(line.split()) for line in lines if line in link_texts)
    return ArticleSignals(
        declares_article=bool(parsed.articles) or og_type.lower() == "article",
        declares_other=bool(NON_ARTICLE_OG_TYPES.match(og_type)) or bool(declared & NON_ARTICLE_JSON_LD),
        has_headline=parsed.tree.find(".//h1") is not None or bool(parsed.meta_values("og:title")),
        link_share=linked / max(1, sum(len(line.split()) for line in lines)),
    )


_VISIBLE_TEXT = etree.XPath("//body//text()[not(parent::script or parent::style or parent::noscript)]")


def _looks_like_a_fragment(length: int, tree: html.HtmlElement) -> bool:
    """A fast result of `length` characters is a small part of a page that has much more text (a FAQ or an offer
    split into several containers, a standfirst taken for the body, a forum thread). The page's text is measured
    only when the fast result is short (2 ms on a news page; trafilatura's html2txt, which copies the tree, 6.5 ms).
    """
    if length >= FRAGMENT_MAX_CHARS:
        return False
    return length < FRAGMENT_PAGE_SHARE * sum(len(piece.strip()) for piece in _VISIBLE_TEXT(tree))


def trafilatura_body(tree: html.HtmlElement, url: str | None) -> trafilatura.settings.Document | None:
    """trafilatura's fast pass, and its defaults as a second opinion where the fast pass looks like a fragment."""
    document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    found = len(document.text or "") if document is not None else 0
    if _looks_like_a_fragment(found, tree):
        second = trafilatura.bare_extraction(tree, url=url, **SECOND_OPINION_OPTIONS)
        if second is not None and len(second.text or "") >= SECOND_OPINION_GAIN * found:
            return second
    return document


def extract_body(tree: html.HtmlElement, url: str | None, hints: PageHints) -> ExtractedBody:
    """The article body of a parsed page: our tree rules, trafilatura, a check for its failure modes, text rules.

    The tree is changed in place (boilerplate removed), so read anything else from the page first.
    """
    keep_lead_paragraph(tree)
    keep_embedded_posts(tree)
    removed = apply_tree_rules(tree)
    logger.debug("url=%s boilerplate removed: %s", url, removed)
    document = trafilatura_body(tree, url)
    blocks = blocks_from_body(document.body if document is not None else None)
    chosen = choose_body(blocks, tree)
    blocks = apply_body_rules(chosen.blocks, hints)
    return ExtractedBody(render_text(blocks), render_markup(blocks), chosen.source)


def extract_body_from_html(text: str, url: str | None = None) -> str:
    """The article body of raw HTML, without a FetchedPage: what the extraction benchmark measures."""
    tree = load_page(text)
    if tree is None:
        return ""
    return extract_body(tree, url, page_hints(tree, address=url)).text


def extract_article(page: FetchedPage) -> ExtractedArticle | Reject:
    """Extract the article of one fetched page; a page that is not a usable article becomes a Reject."""
    if page.status >= 400:
        return _reject(page, RejectReason.HTTP_ERROR, f"HTTP {page.status}")
    if page.content_type not in HTML_TYPES:
        return _reject(page, RejectReason.NOT_HTML, f"content type {page.content_type!r}")
    text = decode_page(page)
    if text is None:
        return _reject(page, RejectReason.UNDECODABLE, "body is binary (control bytes), not text in any encoding")
    tree = load_page(text)
    if tree is None:
        return _reject(page, RejectReason.UNDECODABLE, "HTML could not be parsed into a document tree")

    parsed = parse_page(tree)  # JSON-LD and meta tags read once, before the body rules change the tree
    dates = html_date_candidates(parsed)
    meta = read_article_metadata(parsed)
    if not (meta.title and meta.site_name and meta.authors):
        # trafilatura's own metadata readers fill what the page's structured metadata lacks (not the language:
        # trafilatura reads none).
        found = fallback_metadata(tree, page.final_url)
        meta.offer("title", found.title, "trafilatura")
        meta.offer("site_name", found.site_name, "trafilatura")
        meta.offer("authors", shown_credits(parsed, people([found.author] if found.author else [])), "trafilatura")
    title = clean_title(meta.title or "", meta.site_name)
    if not title:
        return _reject(page, RejectReason.NO_TITLE, "no headline in JSON-LD, OpenGraph, <h1> or <title>")
    hints = page_hints(tree, title, page.final_url)
    link_texts = _link_texts(tree)
    body = extract_body(tree, page.final_url, hints)
    words, flags = body_words(body.text), []
    if words < MIN_BODY_WORDS:
        if not is_short_article(words, article_signals(parsed, body.text, link_texts)):
            return _reject(page, RejectReason.NO_ARTICLE_BODY, f"{words} words of body text (< {MIN_BODY_WORDS})")
        flags.append("short_body")  # a news brief: kept, and marked so that marts can tell it apart

    canonical = absolute_url(page.final_url, meta.canonical_url or "") or page.final_url
    return ExtractedArticle(
        site_key=page.site_key,
        url=page.final_url,
        canonical_url=canonical,
        title=title,
        authors=meta.authors,
        body_text=body.text,
        language=meta.language,
        published_candidates=dates.published,
        modified_candidates=dates.modified,
        fetched_at=page.fetched_at,
        archive_location=page.archive_location,
        body_markup=body.markup,
        description=meta.description,
        image_url=absolute_url(page.final_url, meta.image_url) if meta.image_url else None,
        site_name=meta.site_name,
        section=meta.section,
        tags=meta.tags,
        metadata_sources={**meta.sources, "body": body.source},
        extraction_flags=flags,
        author_kinds=[kind for name in meta.authors for kind in [(credit(name) or (name, PERSON))[1]]],
    )
