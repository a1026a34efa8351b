"""trafilatura's failure modes, reproduced on pages we wrote, and the repair chosen by evidence."""

from __future__ import annotations

import trafilatura
from lxml import etree, html

from transforms.body_blocks import Block, blocks_from_body, render_markup, render_text
from transforms.body_candidates import add_split_sections, choose_body
from transforms.extract import extract_body_from_html

SECTION_ONE = [
    "Instagram will let business accounts see how many people saved a post, the company said on Tuesday.",
    "The change comes after months of complaints from shop owners who said the old figures told them little.",
]
SECTION_TWO = [
    "Analysts said saved posts are a better guide to what people plan to buy than likes or comments are.",
    "Smaller shops will get the new figures first, and larger brands will follow before the end of the year.",
    "The company did not say whether the counts would also be shown to the people who saved the posts.",
]


def _split_page() -> str:
    """An article cut into two sibling chunks with the same class, an ad slot between them (Arc/Conde Nast style)."""
    chunk = '<div class="body__chunk grid-layout">' + "{}</div>"
    first = chunk.format("".join(f"<p>{p}</p>" for p in SECTION_ONE))
    second = chunk.format("".join(f"<p>{p}</p>" for p in SECTION_TWO))
    return (
        "<html><body><main><article><h1>Instagram adds saved-post counts</h1><div class='chunks'>"
        f"{first}<div class='ad-slot'>Advertisement</div>{second}</div></article></main></body></html>"
    )


def test_a_body_cut_after_its_first_section_is_continued_from_its_sibling_sections():
    tree = html.document_fromstring(_split_page())
    first_only = [Block("p", p) for p in SECTION_ONE]
    extended = add_split_sections(first_only, tree)
    assert extended is not None
    assert [b.text for b in extended] == SECTION_ONE + SECTION_TWO


def test_the_next_article_of_an_infinite_scroll_page_is_not_taken_for_a_continuation():
    chunk = "<div class='story'>{}</div>"
    page = (
        "<html><body>"
        + chunk.format("<h1>Instagram adds saved-post counts</h1>" + "".join(f"<p>{p}</p>" for p in SECTION_ONE))
        + chunk.format("<h1>Next story: ferry fares</h1>" + "".join(f"<p>{p}</p>" for p in SECTION_TWO))
        + "</body></html>"
    )
    tree = html.document_fromstring(page)
    assert add_split_sections([Block("p", p) for p in SECTION_ONE], tree) is None


def test_a_complete_body_is_left_alone():
    tree = html.document_fromstring(
        "<html><body><article><div class='text'>"
        + "".join(f"<p>{p}</p>" for p in SECTION_ONE + SECTION_TWO)
        + "</div></article><div class='text'><p>Short.</p></div></body></html>"
    )
    assert add_split_sections([Block("p", p) for p in SECTION_ONE + SECTION_TWO], tree) is None
    choice = choose_body([Block("p", p) for p in SECTION_ONE + SECTION_TWO], tree)
    assert choice.source == "trafilatura"


def test_a_near_empty_extraction_is_replaced_by_the_baseline_when_that_has_far_more_text():
    body = " ".join(SECTION_ONE + SECTION_TWO) * 2
    page = (
        "<html><head><script type='application/ld+json'>"
        f'{{"@type": "NewsArticle", "headline": "Saved posts", "articleBody": "{body}"}}'
        "</script></head><body><h1>Saved posts</h1><p>Subscribe to continue reading.</p></body></html>"
    )
    tree = html.document_fromstring(page)
    choice = choose_body([Block("p", "Subscribe to continue reading.")], tree)
    assert choice.source == "baseline"
    assert "Analysts said saved posts" in render_text(choice.blocks)


def test_the_whole_pipeline_keeps_both_sections():
    text = extract_body_from_html(_split_page())
    for paragraph in SECTION_ONE + SECTION_TWO:
        assert paragraph in text
    assert "Advertisement" not in text


def test_blocks_keep_structure_and_render_as_text_and_markup():
    document = trafilatura.bare_extraction(
        html.document_fromstring(
            "<html><body><article><h2>Timetable</h2><p>The first crossing leaves at 21:40 on Monday night.</p>"
            "<ol><li>Weeknights hourly</li><li>Extra Friday sailing</li></ol>"
            "<blockquote><p>The hull is in better shape than it has been for a decade.</p></blockquote>"
            "<table><tr><td>2024</td><td>3 900</td></tr></table><p>Fares do not change this year at all.</p>"
            "</article></body></html>"
        ),
        fast=True,
        include_tables=True,
        with_metadata=False,
    )
    blocks = blocks_from_body(document.body)
    assert [b.kind for b in blocks] == ["h", "p", "li", "li", "quote", "row", "p"]
    assert render_text(blocks).splitlines()[2] == "- Weeknights hourly"
    markup = render_markup(blocks)
    assert "<ol>\n<li>Weeknights hourly</li>\n<li>Extra Friday sailing</li>\n</ol>" in markup
    assert "<table>\n<tr><td>2024</td><td>3 900</td></tr>\n</table>" in markup
    assert "<blockquote>The hull" in markup
    etree.fromstring(f"<div>{markup}</div>")  # well-formed


def test_line_breaks_separate_words_and_layout_tables_are_read_as_containers():
    body = etree.fromstring(
        "<body><p>Tour dates:<lb/>June 9 -- Tampa<lb/>June 10 -- Miami</p>"
        "<table><row><cell><p>The whole article sits in a layout table cell on old sites.</p>"
        "<p>A second paragraph in the same cell.</p></cell></row></table></body>"
    )
    blocks = blocks_from_body(body)
    assert blocks[0].text == "Tour dates: June 9 -- Tampa June 10 -- Miami"
    assert [b.text for b in blocks[1:]] == [
        "The whole article sits in a layout table cell on old sites.",
        "A second paragraph in the same cell.",
    ]
    assert {b.kind for b in blocks[1:]} == {"p"}


def test_an_extraction_that_only_repeats_the_headline_is_replaced_by_the_article_paragraphs():
    page = (
        "<html><body><div class='hero'><h1>Instagram adds saved-post counts</h1></div><article>"
        + "".join(f"<p>{p}</p>" for p in SECTION_ONE + SECTION_TWO)
        + "</article></body></html>"
    )
    tree = html.document_fromstring(page)
    choice = choose_body([Block("h", "Instagram adds saved-post counts")], tree)
    assert choice.source == "baseline"
    assert [b.text for b in choice.blocks][-len(SECTION_TWO) :] == SECTION_TWO
