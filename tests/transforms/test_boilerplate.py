"""Each boilerplate rule, on small pages written the way real CMS themes render them."""

from __future__ import annotations

import pytest
from lxml import html

from transforms import body_rules, boilerplate

ARTICLE = "<p>The harbour authority confirmed the night ferry will run again from Monday, after repairs.</p>"


def _page(extra: str) -> html.HtmlElement:
    return html.document_fromstring(
        f"<html><body><article><div class='entry-content'>{ARTICLE}{extra}</div></article></body></html>"
    )


RULE_CASES = [
    (
        boilerplate.comment_sections,
        "<div id='comments' class='comments'><div id='respond' class='comment-respond'><form id='commentform'>"
        "<textarea></textarea><div class='td-warning-comment'>Please enter your comment!</div>"
        "<div class='td-warning-author'>Please enter your name here</div></form></div></div>",
        "Please enter your comment",
    ),
    (
        boilerplate.comment_sections,
        "<form action='/wp-comments-post.php'><p>Leave a reply</p><textarea name='comment'></textarea></form>",
        "Leave a reply",
    ),
    (
        boilerplate.author_bios,
        "<div class='author-box-wrap'><img src='a.jpg'>"
        "<div class='desc'>Kofi Mensah has covered the port for a decade.</div></div>",
        "covered the port for a decade",
    ),
    (
        boilerplate.related_lists,
        "<div class='td_block_wrap td_block_related_posts'>"
        "<h4>More Articles from the Author</h4><a href='/x'>Other story</a></div>",
        "More Articles from the Author",
    ),
    (
        boilerplate.related_lists,
        "<section><h3>Most Popular</h3><ul><li><a href='/a'>Tide tables revised</a></li></ul></section>",
        "Tide tables revised",
    ),
    (
        boilerplate.related_lists,
        "<aside><h4>Meistgelesen</h4><ol><li>Stadtrat beschließt Haushalt</li></ol></aside>",
        "Stadtrat beschließt Haushalt",
    ),
    (
        boilerplate.share_bars,
        "<div class='td-post-sharing td-post-sharing-bottom'><a>Facebook</a><a>WhatsApp</a></div>",
        "WhatsApp",
    ),
    (
        boilerplate.newsletter_boxes,
        "<aside class='newsletter-inline'><p>Get the morning briefing in your inbox.</p></aside>",
        "morning briefing",
    ),
    (
        boilerplate.newsletter_boxes,
        "<form><label>Your e-mail</label><input type='email'><button>Join</button></form>",
        "Your e-mail",
    ),
    (
        boilerplate.captions_and_credits,
        "<figure><img src='p.jpg'><figcaption>Dock workers at dawn [Ama Boateng/Reuters]</figcaption></figure>",
        "Ama Boateng/Reuters",
    ),
    (
        boilerplate.captions_and_credits,
        "<div class='wp-caption'><img src='p.jpg'><p class='wp-caption-text'>Photo: Port Authority</p></div>",
        "Photo: Port Authority",
    ),
    (
        boilerplate.cookie_notices,
        "<div id='cookie-consent'><p>Wir verwenden Cookies.</p><button>Akzeptieren</button></div>",
        "Wir verwenden Cookies",
    ),
    (boilerplate.tag_lists, "<div class='td-post-source-tags'><span>TAGS</span><a>Ferries</a></div>", "TAGS"),
    (
        boilerplate.link_lists,
        "<ul><li><a href='/a'>House panel hears testimony</a></li><li><a href='/b'>Governor signs water bill</a></li>"
        "<li><a href='/c'>Five things to watch</a></li></ul>",
        "Governor signs water bill",
    ),
    (
        boilerplate.hover_cards,
        "<p>Senator <span class='rollover-people'>Ruth Okafor<span class='rollover-block'>Okafor: latest stories"
        "</span></span> voted yes.</p>",
        "latest stories",
    ),
    (
        boilerplate.related_lists,
        "<div class='latest-news-box'><h3>Latest</h3><ul><li>Pochettino fired</li></ul></div>",
        "Pochettino fired",
    ),
]


@pytest.mark.parametrize(
    ("rule", "markup", "boilerplate_text"), RULE_CASES, ids=[f"{c[0].name}-{i}" for i, c in enumerate(RULE_CASES)]
)
def test_rule_removes_its_kind_of_boilerplate_and_keeps_the_article(rule, markup, boilerplate_text):
    tree = _page(markup)
    assert boilerplate_text in tree.text_content()
    assert rule(tree) >= 1
    assert boilerplate_text not in tree.text_content()
    assert "night ferry will run again" in tree.text_content()


def test_every_registered_tree_rule_has_a_case():
    assert {rule.name for rule in boilerplate.TREE_RULES} <= {case[0].name for case in RULE_CASES}


def test_a_list_of_links_with_prose_items_is_kept():
    tree = _page(
        "<ul><li>The ferry runs hourly, <a href='/t'>see the timetable</a>, from 21:40 on weeknights.</li>"
        "<li>Season tickets are extended by six weeks without any charge to holders.</li>"
        "<li>Fares do not change this year, the authority said on Thursday.</li></ul>"
    )
    assert boilerplate.link_lists(tree) == 0


def test_a_rule_never_removes_the_element_holding_the_article():
    tree = html.document_fromstring(
        "<html><body><div class='post-share-wrapper'>" + ARTICLE * 5 + "<a>Share</a></div></body></html>"
    )
    boilerplate.share_bars(tree)
    assert "night ferry will run again" in tree.text_content()


def test_headline_repeated_inside_the_body_is_dropped_but_other_lines_stay():
    body = "Council approves harbour budget\nThe council voted 9 to 2.\nCouncil approves harbour budget!"
    cleaned = body_rules.apply_text_rules(body, "Council approves harbour budget")
    assert cleaned == "The council voted 9 to 2."


def test_read_more_lines_inside_the_body_are_dropped():
    body = "First paragraph.\nRead more: Ferry fares rise in April\nLesen Sie auch: Neue Brücke\nLast paragraph."
    assert body_rules.apply_text_rules(body, "Title") == "First paragraph.\nLast paragraph."


def test_a_lead_paragraph_above_the_text_container_is_moved_into_it():
    tree = html.document_fromstring(
        "<html><body><article><h1>Stadtrat beschließt Haushalt</h1>"
        "<p class='artikel-teaser'><strong>Nach vier Stunden Debatte hat der Stadtrat am Donnerstag den Haushalt "
        "für dieses Jahr verabschiedet, mit 19 zu 17 Stimmen.</strong></p>"
        "<div class='artikel-text'><p>Erster Absatz.</p><p>Zweiter Absatz.</p></div></article></body></html>"
    )
    assert boilerplate.keep_lead_paragraph(tree) == 1
    container = tree.xpath("//div[@class='artikel-text']")[0]
    assert container[0].text_content().startswith("Nach vier Stunden Debatte")
    assert container[0].get("class") is None


def test_a_short_teaser_line_is_not_taken_for_a_lead():
    tree = html.document_fromstring(
        "<html><body><article><p class='teaser'>Mehr lesen</p>"
        "<div><p>Erster Absatz.</p><p>Zweiter Absatz.</p></div></article></body></html>"
    )
    assert boilerplate.keep_lead_paragraph(tree) == 0


def test_an_embedded_social_post_the_article_quotes_is_kept_as_a_quote():
    tree = html.document_fromstring(
        "<html><body><article><div class='entry-content'>" + ARTICLE + "<div class='social-media-embed'>"
        "<blockquote class='twitter-tweet'><p>The ferry is back! Thank you to the crew.</p>— Harbour Authority"
        "</blockquote></div>" + ARTICLE + "</div></article></body></html>"
    )
    assert boilerplate.keep_embedded_posts(tree) == 1
    boilerplate.apply_tree_rules(tree)
    assert "The ferry is back!" in tree.text_content()
    assert tree.xpath("//blockquote[not(@class)]")


def test_a_summary_div_above_the_text_is_moved_in_as_its_first_paragraph():
    tree = html.document_fromstring(
        "<html><body><div class='article'><div class='article__summary summary'>Three ferry workers were hurt "
        "when a mooring line snapped at the west pier on Tuesday night, the harbour authority said.</div>"
        "<div class='article__text'><p>Erster Absatz.</p><p>Zweiter Absatz.</p></div></div></body></html>"
    )
    assert boilerplate.keep_lead_paragraph(tree) == 1
    first = tree.xpath("//div[@class='article__text']/*[1]")[0]
    assert first.tag == "p" and first.text_content().startswith("Three ferry workers")


def test_a_hover_card_loses_its_card_but_keeps_the_name_in_the_sentence():
    tree = _page(
        "<p>Senator <span class='rollover-people'>Ruth Okafor<span class='rollover-block'>Okafor: latest stories"
        "</span></span> voted yes.</p>"
    )
    boilerplate.hover_cards(tree)
    assert "Senator Ruth Okafor voted yes." in tree.text_content()
