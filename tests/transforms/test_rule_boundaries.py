"""Boundaries of rules that a small change would move without another test noticing (found by deliberate
breakage and mutation testing): the one-day disagreement threshold of dates, an "About ..." subheading early
in an article."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.records import DateCandidate
from transforms import body_rules
from transforms.body_blocks import Block
from transforms.dates import DateContext, normalise_article_dates

FETCHED_AT = datetime(2024, 3, 20, 12, 0, tzinfo=UTC)


def _flags(json_ld: str, byline: str) -> list[str]:
    context = DateContext.for_site("UTC", ["en"], FETCHED_AT, "en")
    dates = normalise_article_dates([DateCandidate(json_ld, "json-ld"), DateCandidate(byline, "byline")], [], context)
    assert dates.published is not None and dates.published.source == "json-ld"
    return dates.flags


@pytest.mark.parametrize(
    ("byline", "flagged"),
    [
        ("March 15, 2024 14:00", False),  # the same instant
        ("March 14, 2024 15:00", False),  # 23 hours earlier: within a day
        ("March 14, 2024 13:00", True),  # 25 hours earlier: more than a day
        ("March 13, 2024 14:00", True),  # two days
    ],
)
def test_trusted_sources_are_flagged_as_disagreeing_beyond_one_day_not_three(byline, flagged):
    assert ("sources_disagree" in _flags("2024-03-15T14:00:00Z", byline)) is flagged


ARTICLE = "The council voted on Tuesday after a four-hour debate that ran well past midnight in the old town hall."
HINTS = body_rules.PageHints(titles=("Council approves harbour budget",), descriptions=())


def test_an_about_heading_early_in_an_article_does_not_cut_the_rest():
    """A capitalised "About <Name>" subheading second of six paragraphs is a subhead, not a press-release footer."""
    texts = [ARTICLE, "About Harbour Logistics", *(f"{ARTICLE} Part {n}." for n in range(4))]
    blocks = [Block("p", text) for text in texts]
    assert body_rules.remove_about_company_footer(blocks, HINTS) == blocks


def test_an_about_company_footer_at_the_end_is_still_cut():
    texts = [*(f"{ARTICLE} Part {n}." for n in range(4)), "About Harbour Logistics", "Harbour Logistics runs docks."]
    blocks = [Block("p", text) for text in texts]
    assert [b.text for b in body_rules.remove_about_company_footer(blocks, HINTS)] == texts[:4]


# Body rules at their limits. Each limit keeps a real paragraph that merely starts like boilerplate, so the
# line just at the limit is dropped and the line one word (or character) over it is kept.

FILLER = ["ferry", "pilots", "dredger", "quay", "tide", "berth", "crane", "harbour", "freight", "dock"]


def _padded(text: str, words: int) -> str:
    """`text` followed by filler words up to exactly `words` words."""
    padding = words - len(text.split())
    assert padding >= 0
    return " ".join([text, *(FILLER * 10)[:padding]])


def _blocks(*texts: str, kind: str = "p") -> list[Block]:
    return [Block(kind, text) for text in texts]


def _texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


@pytest.mark.parametrize(
    ("rule", "opening"),
    [
        (body_rules.remove_read_more_lines, "Read more:"),
        (body_rules.remove_copyright_lines, "© 2026 Harbour Herald. All rights reserved."),
        (body_rules.remove_newsletter_calls, "Sign up for our newsletter:"),
        (body_rules.remove_photo_credits, "Photo: Port Authority /"),
        (body_rules.remove_contact_lines, "Write to Kofi Mensah at kofi@herald.example about the"),
        (body_rules.remove_social_calls, "Follow us on Twitter for the"),
        (body_rules.remove_notices, "Subscribe to continue reading the"),
        (body_rules.remove_post_meta_lines, "Posted by Jane Doe in Local News, about the"),
        (body_rules.remove_staff_credit_lines, "Reporting by Jane Doe; Editing by John Roe, with the"),
    ],
)
def test_a_short_line_rule_drops_a_line_of_its_word_limit_and_keeps_one_word_more(rule, opening):
    at_limit, over_limit = _padded(opening, rule.max_words), _padded(opening, rule.max_words + 1)
    assert _texts(rule([Block("p", at_limit), Block("p", ARTICLE)], HINTS)) == [ARTICLE]
    assert _texts(rule([Block("p", over_limit), Block("p", ARTICLE)], HINTS)) == [over_limit, ARTICLE]


def test_a_table_rule_is_named_and_described_like_a_function_rule():
    rule = body_rules.ShortLineRule("remove_tide_tables", "Drop tide tables.", body_rules.re.compile("Tide"), 5)
    assert (rule.__name__, rule.__doc__) == ("remove_tide_tables", "Drop tide tables.")


def test_a_table_rule_matches_at_the_start_of_a_block_unless_it_searches_anywhere():
    pattern = body_rules.re.compile("tide table", body_rules.re.I)
    at_start = body_rules.ShortLineRule("start", "", pattern, 10)
    anywhere = body_rules.ShortLineRule("anywhere", "", pattern, 10, anywhere=True)
    blocks = [Block("p", "Tide table for Leith"), Block("p", "See the tide table for Leith")]
    assert _texts(at_start(blocks, HINTS)) == ["See the tide table for Leith"]
    assert _texts(anywhere(blocks, HINTS)) == []


def test_post_meta_keeps_a_heading_that_reads_like_a_post_meta_line():
    blocks = [Block("h", "Published by the council: the budget in full"), Block("p", "Posted by Jane Doe in Local")]
    assert _texts(body_rules.remove_post_meta_lines(blocks, HINTS)) == ["Published by the council: the budget in full"]


def test_normalised_text_is_words_in_lower_case_with_punctuation_as_single_spaces():
    assert body_rules.normalised("  Council approves — harbour budget!! ") == "council approves harbour budget"
    assert body_rules.normalised("Leith's quay, 2026") == "leith s quay 2026"


HEADLINE = "Council approves harbour budget"


def test_a_headline_repeat_is_at_most_twice_the_headline_plus_twenty_characters():
    hints = body_rules.PageHints(titles=(HEADLINE,))
    limit = len(HEADLINE) * 2 + 20
    at_limit = HEADLINE + " " + "·" * (limit - len(HEADLINE) - 1)
    over_limit = at_limit + "·"
    assert len(at_limit) == limit
    assert _texts(body_rules.remove_repeated_headline(_blocks(at_limit, ARTICLE), hints)) == [ARTICLE]
    assert _texts(body_rules.remove_repeated_headline(_blocks(over_limit, ARTICLE), hints)) == [over_limit, ARTICLE]


def test_a_page_without_a_headline_keeps_every_block():
    blocks = _blocks(HEADLINE, ARTICLE)
    assert body_rules.remove_repeated_headline(blocks, body_rules.PageHints()) == blocks


def test_a_part_of_a_title_around_a_separator_counts_from_three_words():
    hints = body_rules.PageHints(titles=("Dredging resumes | Budget vote tonight | Harbour Herald",))
    blocks = _blocks("Budget vote tonight", "Harbour Herald", "Dredging resumes", ARTICLE)
    assert _texts(body_rules.remove_repeated_headline(blocks, hints)) == ["Harbour Herald", "Dredging resumes", ARTICLE]


def test_an_empty_title_does_not_make_a_punctuation_line_a_headline():
    hints = body_rules.PageHints(titles=("", HEADLINE))
    blocks = _blocks("* * *", ARTICLE)
    assert body_rules.remove_repeated_headline(blocks, hints) == blocks
    assert body_rules.remove_header_furniture(_blocks("Politics", "* * *", ARTICLE), hints) == _blocks(
        "Politics", "* * *", ARTICLE
    )


@pytest.mark.parametrize(
    ("above", "kept"),
    [
        (["Politics"], []),
        (["Politics", "Local government"], []),
        (["Live: council budget night in Leith"], []),  # six words: a kicker
        (["The council met at seven in Leith."], ["The council met at seven in Leith."]),  # seven: prose
        (["Politics", "The council met at seven in Leith."], ["Politics", "The council met at seven in Leith."]),
    ],
)
def test_header_furniture_is_short_lines_above_the_headline(above, kept):
    blocks = _blocks(*above, HEADLINE, ARTICLE)
    assert _texts(body_rules.remove_header_furniture(blocks, HINTS)) == [*kept, HEADLINE, ARTICLE]


def test_a_headline_fifth_in_the_body_is_not_the_article_header():
    blocks = _blocks("Politics", "Leith", "Budget", "Live", HEADLINE, ARTICLE)
    assert body_rules.remove_header_furniture(blocks, HINTS) == blocks


def test_a_byline_is_dropped_without_a_headline_and_only_among_the_first_four_blocks():
    hints = body_rules.PageHints(titles=("Another headline entirely",))
    first = _blocks("By Jane Doe | Staff", ARTICLE)
    assert _texts(body_rules.remove_header_furniture(first, hints)) == [ARTICLE]
    fifth = _blocks(ARTICLE, "Tide tables", "Weather", "Ferries", "By Jane Doe | Staff", "Letters")
    assert body_rules.remove_header_furniture(fifth, hints) == fifth


def test_a_byline_is_at_most_twenty_words():
    at_limit = _padded("By Jane Doe and Kofi Mensah | Staff writers |", 20)
    over_limit = _padded("By Jane Doe and Kofi Mensah | Staff writers |", 21)
    hints = body_rules.PageHints(titles=("Another headline entirely",))
    assert _texts(body_rules.remove_header_furniture(_blocks(at_limit, ARTICLE), hints)) == [ARTICLE]
    assert _texts(body_rules.remove_header_furniture(_blocks(over_limit, ARTICLE), hints)) == [over_limit, ARTICLE]


@pytest.mark.parametrize(
    ("description", "dropped"),
    [
        ("Council doubles dredging money again", True),  # five words: a summary
        ("Council doubles dredging money", False),  # four: too short to be evidence
    ],
)
def test_a_standfirst_is_recognised_by_a_description_of_five_words_or_more(description, dropped):
    hints = body_rules.PageHints(titles=(HEADLINE,), descriptions=(description,))
    blocks = [Block("h", HEADLINE), Block("h", description), Block("p", ARTICLE)]
    expected = [HEADLINE, ARTICLE] if dropped else [HEADLINE, description, ARTICLE]
    assert _texts(body_rules.remove_standfirst_after_headline(blocks, hints)) == expected


def test_a_body_of_only_headline_and_standfirst_is_left_whole():
    hints = body_rules.PageHints(titles=(HEADLINE,), descriptions=("Council doubles dredging money again",))
    blocks = [Block("h", HEADLINE), Block("h", "Council doubles dredging money again")]
    assert body_rules.remove_standfirst_after_headline(blocks, hints) == blocks


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("[pullquote]The port never sleeps.[/pullquote]", "The port never sleeps."),
        ('The notice read "dredgeing [sic] begins Monday".', 'The notice read "dredgeing [sic] begins Monday".'),
        (
            'Dredging starts. [caption id="7"]The dredger at dawn[/caption] It ends in May.',
            "Dredging starts. It ends in May.",
        ),
        ("Story by {{ author_name }} for the Herald.", "Story by for the Herald."),
        ("Dredging starts. {% include 'ad.html' %}", "Dredging starts."),
        ("Ferries:  £4 return", "Ferries:  £4 return"),  # no bracket: the block is left as it is
    ],
)
def test_shortcodes_and_template_tags_are_cut_out_of_the_text(text, cleaned):
    assert _texts(body_rules.remove_cms_shortcodes(_blocks(text), HINTS)) == [cleaned]


def test_a_block_of_only_a_template_tag_is_dropped():
    assert _texts(body_rules.remove_cms_shortcodes(_blocks("{{ related_posts }}", ARTICLE), HINTS)) == [ARTICLE]


PARAGRAPHS = [f"{ARTICLE} Part {n}." for n in range(6)]
PROFILE = "Harbour Logistics is a port operator headquartered in Leith. It employs 1,300 people."


@pytest.mark.parametrize(
    ("texts", "kept"),
    [
        # an "About" heading third of six is in the first half: a subhead
        ([*PARAGRAPHS[:2], "About Harbour Logistics", *PARAGRAPHS[2:5]], 6),
        # third of four: in the second half, after two paragraphs: the footer
        ([*PARAGRAPHS[:2], "About Harbour Logistics", PROFILE], 2),
        # eight words: a heading; nine: a sentence
        ([*PARAGRAPHS[:2], "About Harbour and Dock Logistics Group of Leith", PROFILE], 2),
        ([*PARAGRAPHS[:2], "About Harbour and Dock Logistics Group of North Leith", PROFILE], 3),
        # a profile paragraph without its heading goes when the body has more than three blocks
        ([*PARAGRAPHS[:3], PROFILE], 3),
        ([*PARAGRAPHS[:2], PROFILE], 3),
        ([*PARAGRAPHS[:4], PROFILE, PROFILE], 4),
        # company facts in a sentence that is not a profile stay
        ([*PARAGRAPHS[:4], "Dock employees will vote on the offer next week, the union said."], 5),
    ],
)
def test_about_company_footer_boundaries(texts, kept):
    assert _texts(body_rules.remove_about_company_footer(_blocks(*texts), HINTS)) == texts[:kept]


LONG = _padded("The ferry company said on Monday that", 25)  # 25 words: a paragraph


@pytest.mark.parametrize(
    ("blocks", "kept"),
    [
        # a paragraph of 25 words ends the widget; shorter lines in it go
        (
            _blocks(ARTICLE, "Related", "Ferry fares rise", _padded("The ferry", 24), LONG, "Letters"),
            [ARTICLE, LONG, "Letters"],
        ),
        # eight words: a widget heading; nine: a line of the article
        (_blocks(ARTICLE, "You may also like these stories from Leith", "Ferry fares rise"), [ARTICLE]),
        (
            _blocks(ARTICLE, "You may also like these stories from North Leith", "Ferry fares rise"),
            [ARTICLE, "You may also like these stories from North Leith", "Ferry fares rise"],
        ),
        # no widget heading: short paragraphs stay
        (_blocks(ARTICLE, "It was close.", "Tides", ARTICLE), [ARTICLE, "It was close.", "Tides", ARTICLE]),
        # list items and long term lists are widget content, however long
        ([Block("p", ARTICLE), Block("h", "Tags"), Block("li", LONG), Block("p", LONG)], [ARTICLE, LONG]),
        (
            _blocks(ARTICLE, "Tags", ", ".join(["harbour budget", "ferry fares", "tide tables", "dredging"] * 4), LONG),
            [ARTICLE, LONG],
        ),
    ],
)
def test_trailing_widget_boundaries(blocks, kept):
    assert _texts(body_rules.remove_trailing_widgets(blocks, HINTS)) == kept


@pytest.mark.parametrize(
    ("text", "is_terms"),
    [
        ("ferries, harbour, stock car interlagos, budget", True),
        ("ferries, harbour, the new stock car circuit, budget", True),  # a term of five words
        ("ferries, harbour, budget", False),  # three terms
        ("ferries, harbour, the new stock car racing circuit, budget", False),  # a six-word "term"
        ("ferries, harbour, dredging, budget.", False),  # a sentence
        ("ferries, harbour, dredging, budget. ", False),
        ("ferries, , harbour, budget", False),  # an empty term
    ],
)
def test_a_term_list_is_four_or_more_short_comma_separated_terms(text, is_terms):
    assert body_rules._is_term_list(text) is is_terms


@pytest.mark.parametrize(
    ("block", "dropped"),
    [
        (Block("p", "MORE: TIDE TABLES REVISED AFTER WINTER SURVEY"), True),
        (Block("h", "TIDE TABLES REVISED AFTER WINTER SURVEY"), False),  # a heading
        (Block("p", "HARBOUR DREDGING CONTRACT SIGNED"), True),  # four words
        (Block("p", "HARBOUR DREDGING CONTRACTS"), False),  # three
        (Block("p", "UPDATE"), False),
        (Block("p", "SEE: NEW TIDE TABLE"), True),  # fifteen letters
        (Block("p", "SEE: NEW TIDE TABS"), False),  # fourteen
        (Block("p", _padded("MORE:", 30).upper()), True),
        (Block("p", _padded("MORE:", 31).upper()), False),
        (Block("p", "WHO PAYS FOR THE NEW DREDGER? "), False),  # a question, trailing space or not
        (Block("p", "READ THE FULL STATEMENT BELOW:"), False),
        (Block("p", "MORE: COUNCIL SCRAPS THE FERRY TAX"), True),
        (Block("p", "MORE: FERRY TAXI IN LEITh"), True),  # 19 of 20 letters: 95% capitals
        (Block("p", "MORE: FERRY TAXI IN LEIth"), False),  # 18 of 20
    ],
)
def test_shouted_promo_boundaries(block, dropped):
    kept = _texts(body_rules.remove_shouted_promos([Block("p", ARTICLE), block, Block("p", ARTICLE)], HINTS))
    assert kept == ([ARTICLE, ARTICLE] if dropped else [ARTICLE, block.text, ARTICLE])


@pytest.mark.parametrize(
    ("block", "dropped"),
    [
        (Block("h", "Updated March 4, 2026"), True),  # a heading stamp
        (Block("li", "Updated March 4, 2026"), False),  # a list of dates is content
        (Block("p", "Harbour desk, March 4, 2026, 3:12 p.m. EST"), True),  # 2 other words of 8: a stamp
        (Block("p", "Jane Doe, Harbour desk, March 4, 2026, 3:12 p.m. EST"), False),  # 4 of 10
        (Block("p", _padded("Updated Monday, March 4, 2026 at", 16)), False),  # filler words are not date words
        # sixteen words of date: a stamp; seventeen: too long for one
        (Block("p", "Published on Monday, March 4, 2026 at 3:12 p.m. EST, last updated on Tuesday, March 5"), True),
        (
            Block("p", "Published on Monday, March 4, 2026 at 3:12 p.m. EST, last updated on Tuesday, March 5, 2026"),
            False,
        ),
    ],
)
def test_dateline_boundaries(block, dropped):
    kept = _texts(body_rules.remove_dateline_only_blocks([block, Block("p", ARTICLE)], HINTS))
    assert kept == ([ARTICLE] if dropped else [block.text, ARTICLE])


@pytest.mark.parametrize(
    ("slug", "dropped"),
    [
        ("AP-US--Harbour-Budget, 2nd Ld-Writethru, council vote due on Friday", True),  # eight words
        ("AP-US--Harbour-Budget, 2nd Ld-Writethru, council vote due on Friday night", False),  # nine
        ("BC-EU--Ferry-Strike, Advisory", True),
        ("AP-US-Tide-Tables, Urgent", True),
    ],
)
def test_wire_slug_boundaries(slug, dropped):
    kept = _texts(body_rules.remove_wire_slugs_and_rules(_blocks(slug, ARTICLE), HINTS))
    assert kept == ([ARTICLE] if dropped else [slug, ARTICLE])


def test_only_the_rules_asked_for_are_applied():
    blocks = _blocks(ARTICLE, "Read more: Ferry fares rise", "© 2026 Harbour Herald")
    kept = body_rules.apply_body_rules(blocks, HINTS, rules=[body_rules.remove_read_more_lines])
    assert _texts(kept) == [ARTICLE, "© 2026 Harbour Herald"]
