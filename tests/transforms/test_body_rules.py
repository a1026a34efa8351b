"""Each text rule on bodies written the way CMSs leave them after tree cleaning, in several languages.

Every case has the boilerplate the rule must drop and an article paragraph it must keep, often one that looks
like the boilerplate (a sentence that mentions a newsletter, a capitalised question used as a subhead).
"""

from __future__ import annotations

import pytest

from transforms import body_rules
from transforms.body_blocks import Block

HINTS = body_rules.PageHints(
    titles=("Council approves harbour budget", "Council approves harbour budget | Harbour Herald"),
    descriptions=("The council voted 9 to 2 for a budget that doubles dredging money.",),
    address="https://www.herald.example/2026/03/budget/",
)
ARTICLE = "The council voted on Tuesday after a four-hour debate that ran well past midnight in the old town hall."


def _blocks(*texts: str, kind: str = "p") -> list[Block]:
    return [Block(kind, t) for t in texts]


CASES = [
    (body_rules.remove_repeated_headline, _blocks("Council approves harbour budget", ARTICLE), "Council approves"),
    (
        body_rules.remove_header_furniture,
        _blocks("Politics", "Council approves harbour budget", "By Jane Doe | Staff", ARTICLE),
        "By Jane Doe",
    ),
    (body_rules.remove_header_furniture, _blocks("Lokales", "Council approves harbour budget", ARTICLE), "Lokales"),
    (
        body_rules.remove_standfirst_after_headline,
        [
            Block("h", "Council approves harbour budget"),
            Block("h", "The council voted 9 to 2 for a budget that doubles dredging money."),
            Block("p", ARTICLE),
        ],
        "doubles dredging money",
    ),
    (body_rules.remove_read_more_lines, _blocks(ARTICLE, "Read more: Ferry fares rise in April"), "Ferry fares rise"),
    (body_rules.remove_read_more_lines, _blocks(ARTICLE, "Lesen Sie auch: Neue Brücke eröffnet"), "Neue Brücke"),
    (body_rules.remove_read_more_lines, _blocks(ARTICLE, "À lire aussi : Le port recrute"), "Le port recrute"),
    (body_rules.remove_read_more_lines, _blocks(ARTICLE, "Lee también: Sube el diésel"), "Sube el diésel"),
    (
        body_rules.remove_copyright_lines,
        _blocks(ARTICLE, "© 2026 Harbour Herald. All rights reserved."),
        "All rights reserved",
    ),
    (
        body_rules.remove_copyright_lines,
        _blocks(ARTICLE, "This copy is for your personal, non-commercial use only. Order reprints here."),
        "non-commercial",
    ),
    (body_rules.remove_copyright_lines, _blocks(ARTICLE, "Alle Rechte vorbehalten."), "Rechte vorbehalten"),
    (
        body_rules.remove_cms_shortcodes,
        _blocks('[caption id="attachment_12" align="alignleft"]Dock at dawn[/caption]', ARTICLE),
        "Dock at dawn",
    ),
    (body_rules.remove_cms_shortcodes, _blocks(ARTICLE + ' [gallery ids="4,5,6"]'), "gallery"),
    (
        body_rules.remove_newsletter_calls,
        _blocks(ARTICLE, "Sign up for our newsletter to get the morning briefing in your inbox."),
        "Sign up",
    ),
    (
        body_rules.remove_newsletter_calls,
        _blocks(ARTICLE, "Abonnez-vous à notre infolettre pour recevoir l'essentiel."),
        "Abonnez-vous",
    ),
    (body_rules.remove_photo_credits, _blocks(ARTICLE, "Foto: dpa"), "Foto: dpa"),
    (body_rules.remove_photo_credits, _blocks(ARTICLE, "(Photo: Port Authority)"), "Port Authority"),
    (
        body_rules.remove_contact_lines,
        _blocks(ARTICLE, "Write to Kofi Mensah at kofi.mensah@herald.example"),
        "Write to Kofi",
    ),
    (
        body_rules.remove_about_company_footer,
        _blocks(ARTICLE, ARTICLE, ARTICLE, "About Harbour Logistics", "Harbour Logistics runs four terminals."),
        "runs four terminals",
    ),
    (
        body_rules.remove_about_company_footer,
        _blocks(ARTICLE, ARTICLE, ARTICLE, "Acerca de Grupo Puerto Sur", "Grupo Puerto Sur opera tres terminales."),
        "opera tres terminales",
    ),
    (
        body_rules.remove_about_company_footer,
        _blocks(
            ARTICLE,
            ARTICLE,
            ARTICLE,
            ARTICLE,
            "Harbour Logistics is a leading port operator. It is headquartered in Leith and employs 1,300 people.",
        ),
        "headquartered in Leith",
    ),
    (
        body_rules.remove_trailing_widgets,
        _blocks(ARTICLE, "Tags", "Ferries", "Harbour", "Budget"),
        "Ferries",
    ),
    (
        body_rules.remove_trailing_widgets,
        _blocks(ARTICLE, "Top stories", "Fishing fleet lands a record catch", "New café opens on the quay"),
        "record catch",
    ),
    (body_rules.remove_trailing_widgets, _blocks(ARTICLE, "Kommentare (3)", "Endlich!"), "Endlich"),
    (body_rules.remove_social_calls, _blocks(ARTICLE, "Follow us on Twitter for live updates."), "Follow us"),
    (body_rules.remove_notices, _blocks(ARTICLE, "Subscribe to continue reading."), "continue reading"),
    (body_rules.remove_notices, _blocks(ARTICLE, "Contenu réservé aux abonnés."), "abonnés"),
    (body_rules.remove_notices, _blocks(ARTICLE, "Comments are moderated and may take a day to appear."), "moderated"),
    (
        body_rules.remove_post_meta_lines,
        _blocks("05/10/2018 - Publicado por: Clara Souza - Categoria: Saúde - Tags: ônibus", ARTICLE),
        "Publicado por",
    ),
    (body_rules.remove_post_meta_lines, _blocks(ARTICLE, "Posted by Jane Doe in Local News"), "Posted by"),
    (
        body_rules.remove_trailing_widgets,
        _blocks(ARTICLE, "Tags", "stock car, interlagos, velopark, santa cruz do sul, corrida do milhão"),
        "interlagos",
    ),
    (body_rules.remove_social_calls, _blocks(ARTICLE, "Síguenos en Facebook y X."), "Síguenos"),
    (
        body_rules.remove_shouted_promos,
        _blocks(ARTICLE, "MORE: TIDE TABLES REVISED AFTER WINTER SURVEY"),
        "TIDE TABLES",
    ),
    (
        body_rules.remove_dateline_only_blocks,
        _blocks("Updated March 4, 2026 at 3:12 p.m. EST", ARTICLE),
        "Updated March",
    ),
    (body_rules.remove_dateline_only_blocks, _blocks("Aktualisiert am 6. März 2026, 9:15 Uhr", ARTICLE), "März"),
    (body_rules.remove_bare_urls, _blocks(ARTICLE, "https://herald.example/2026/03/budget/"), "herald.example"),
    (
        body_rules.remove_wire_slugs_and_rules,
        _blocks("AP-US--Harbour-Budget, 2nd Ld-Writethru", "___", ARTICLE),
        "Writethru",
    ),
    (
        body_rules.remove_contact_lines,
        _blocks(ARTICLE, "Have a tip? Kofi Mensah may be reached at kofi@herald.example."),
        "may be reached",
    ),
    (
        body_rules.remove_notices,
        _blocks(ARTICLE, "If you buy something through our links, we may earn a commission."),
        "commission",
    ),
    (
        body_rules.remove_social_calls,
        _blocks(ARTICLE, "Follow our full coverage of the harbour budget at https://herald.example/budget"),
        "full coverage",
    ),
    (
        body_rules.remove_staff_credit_lines,
        _blocks(ARTICLE, "Reporting by Jane Doe; Editing by John Roe"),
        "Reporting by",
    ),
    (
        body_rules.remove_staff_credit_lines,
        _blocks(ARTICLE, "The Associated Press contributed to this report."),
        "contributed",
    ),
    (
        body_rules.remove_staff_credit_lines,
        _blocks(ARTICLE, "(Reporting by Ana Ruiz, Luis Gómez; editing by Marta Vidal)"),
        "Reporting by",
    ),
    # widget headings, calls and notices in the languages of the trafilatura-eval corpus (German, Spanish, French,
    # Polish, English), each with the short teaser lines that follow a heading
    (
        body_rules.remove_trailing_widgets,
        _blocks(ARTICLE, "Weitere Themen", "Hafenbudget: Was die Stadt plant", "Die Nachtfähre fährt wieder"),
        "Nachtfähre",
    ),
    (
        body_rules.remove_trailing_widgets,
        _blocks(ARTICLE, "Más sobre La Gaceta del Puerto", "Vuelve el ferry"),
        "ferry",
    ),
    (
        body_rules.remove_trailing_widgets,
        _blocks(ARTICLE, "Über den Autor", "Kofi Mensah schreibt seit 2010 über den Hafen."),
        "schreibt seit",
    ),
    (body_rules.remove_trailing_widgets, _blocks(ARTICLE, "Das könnte Sie auch interessieren", "Fähre"), "Fähre"),
    (
        body_rules.remove_notices,
        _blocks(ARTICLE, "If you enjoyed reading this post – would you consider supporting our work? Thanks!"),
        "supporting",
    ),
    (
        body_rules.remove_notices,
        _blocks(ARTICLE, "Klicken Sie auf den unteren Button, um den Inhalt von maps.example zu laden."),
        "Button",
    ),
    (body_rules.remove_notices, _blocks("Lesezeit: 3 Minuten", ARTICLE), "Lesezeit"),
    (body_rules.remove_notices, _blocks("Anzeige, enthält Affiliate Links", ARTICLE), "Affiliate"),
    (body_rules.remove_notices, _blocks(ARTICLE, "Du musst eingeloggt sein um Kommentare zu schreiben!"), "eingeloggt"),
    (body_rules.remove_notices, _blocks(ARTICLE, "%d Bloggern gefällt das:"), "Bloggern"),
    (
        body_rules.remove_newsletter_calls,
        _blocks(ARTICLE, "Never miss the latest news by signing up to our newsletter today!"),
        "Never miss",
    ),
    (body_rules.remove_read_more_lines, _blocks(ARTICLE, "Auch lesen: Die Nachtfähre fährt wieder"), "Auch lesen"),
    (body_rules.remove_photo_credits, _blocks(ARTICLE, "Titelbild: Hafenamt / Jana Weber"), "Titelbild"),
    (body_rules.remove_social_calls, _blocks(ARTICLE, "Siguenos en Telegram, Instagram y Facebook"), "Telegram"),
    (
        body_rules.remove_social_calls,
        _blocks(ARTICLE, "For the latest stories and breaking news download the Herald apps for iOS and Android."),
        "Herald apps",
    ),
    (body_rules.remove_notices, _blocks(ARTICLE, "Submit your letter to the editor via this form."), "letter"),
    (body_rules.remove_notices, _blocks("(Alle Angaben ohne Gewähr)", ARTICLE), "Gewähr"),
    (body_rules.remove_header_furniture, _blocks("Olympische Winterspiele", "02 Feb. 2026", ARTICLE), "Olympische"),
    (
        body_rules.remove_captions_with_credits,
        _blocks(ARTICLE, "Der Fähranleger am Westufer. © Hafenamt / Jana Weber", ARTICLE + " Mehr."),
        "Westufer",
    ),
    (body_rules.remove_captions_with_credits, _blocks(ARTICLE, "Der Anleger im Winter.", "© Hafenamt"), "Winter"),
    (body_rules.remove_read_more_lines, _blocks(ARTICLE, "VEA TAMBIÉN: Vuelve el ferry nocturno"), "VEA"),
    (
        body_rules.remove_notices,
        _blocks(
            ARTICLE, "Warning: Creating default object from empty value in /www/wp-includes/classes.php on line 407"
        ),
        "classes.php",
    ),
    (body_rules.remove_newsletter_calls, _blocks(ARTICLE, "Zum Newsletter anmelden"), "Newsletter"),
    (body_rules.remove_photo_credits, _blocks(ARTICLE, "Quelle: Hafenamt Kiel"), "Hafenamt"),
    (body_rules.remove_photo_credits, _blocks(ARTICLE, "Abbildung 3: Der neue Anleger im Winter"), "Anleger"),
    (body_rules.remove_dateline_only_blocks, _blocks(ARTICLE, "Letzte Änderung 14.02.2026"), "Letzte Änderung"),
    (
        body_rules.remove_copyright_lines,
        _blocks(ARTICLE, "Materiał chroniony prawem autorskim - zasady przedruków określa regulamin."),
        "chroniony",
    ),
]


@pytest.mark.parametrize(
    ("rule", "blocks", "dropped"), CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_drops_its_boilerplate_and_keeps_the_article(rule, blocks, dropped):
    kept = " ".join(b.text for b in rule(blocks, HINTS))
    assert dropped not in kept
    assert ARTICLE in kept


def test_every_registered_rule_has_a_case():
    assert {rule.__name__ for rule in body_rules.BODY_RULES} <= {case[0].__name__ for case in CASES}


KEPT = [
    # an article sentence that mentions a newsletter is not a call to action
    (body_rules.remove_newsletter_calls, "The mayor said the council's newsletter would be printed again from May."),
    # a first paragraph that equals the description is the lead, not a standfirst
    (body_rules.remove_standfirst_after_headline, "The council voted 9 to 2 for a budget that doubles dredging money."),
    # an address on another site is a reference the article gives
    (body_rules.remove_bare_urls, "https://www.petition.example/harbour-dredging"),
    # capitalised questions used as subheads stay
    (body_rules.remove_shouted_promos, "WHO PAYS FOR THE NEW DREDGER?"),
    # a prose [Reuters] or [1] is not a shortcode
    (body_rules.remove_cms_shortcodes, "The figures were first reported by [Reuters] and confirmed later [1]."),
    # times of a live blog are not a dateline stamp
    (body_rules.remove_dateline_only_blocks, "4:14 p.m."),
    # a first paragraph that starts with "By the time" is prose, not a byline
    (body_rules.remove_header_furniture, "By the time the ferry arrived, three hundred workers had waited an hour."),
    # "published by" inside a sentence is prose, not a post-meta line
    (body_rules.remove_post_meta_lines, "This article was originally published by a partner site last week."),
    # "about" with no name after it is a subhead, wherever it is
    (body_rules.remove_about_company_footer, "About the budget"),
    # a criminal complaint ("Anzeige gegen ...") is news, not an advertisement label
    (body_rules.remove_notices, "Anzeige gegen den Kapitän der Fähre wurde am Montag erstattet."),
    # reading about a newsletter in a sentence is not a call to sign up
    (body_rules.remove_newsletter_calls, "Der Verein verschickt unseren Mitgliedern keinen Brief mehr, sagte sie."),
    # a subhead that starts like a widget heading but goes on is the article's
    (body_rules.remove_trailing_widgets, "Weitere Themen der Sitzung: Kita-Gebühren und die neue Fährlinie"),
    # a figure mentioned in a sentence is not a caption
    (body_rules.remove_photo_credits, "Figure 3 of the report shows the dredging costs doubling since 2020."),
    # "Stand" (the state of things) leading a sentence with a date in it is prose
    (
        body_rules.remove_dateline_only_blocks,
        "Stand der Dinge am 14.02.2026: Die Fähre fährt wieder, der Anleger bleibt gesperrt.",
    ),
    # a short paragraph with a copyright sign inside it, not a credit at its end, is article text
    (body_rules.remove_captions_with_credits, "The © sign on the old ferry posters is now in the harbour museum."),
    # a capitalised name of an agency inside a sentence is not a credit
    (body_rules.remove_photo_credits, "Photographers from three agencies waited at the quay for the vote."),
]


@pytest.mark.parametrize(("rule", "text"), KEPT, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(KEPT)])
def test_rule_keeps_article_text_that_resembles_boilerplate(rule, text):
    blocks = _blocks("Council approves harbour budget", text, ARTICLE, ARTICLE)
    assert text in [b.text for b in rule(blocks, HINTS)]


def test_plain_text_interface_still_works_on_lines():
    body = "Council approves harbour budget\nThe council voted 9 to 2.\nRead more: Ferry fares rise"
    assert body_rules.apply_text_rules(body, "Council approves harbour budget") == "The council voted 9 to 2."


def test_an_about_subhead_late_in_an_article_does_not_cut_the_rest():
    blocks = _blocks(ARTICLE, ARTICLE, ARTICLE, "About the new dredger", "It arrives in May from Rotterdam.")
    assert body_rules.remove_about_company_footer(blocks, HINTS) == blocks


# Each spelling a rule's pattern lists, in the languages it covers: a line that is only that boilerplate.
SPELLINGS = {
    body_rules.remove_read_more_lines: [
        "Read also: Ferry fares rise",
        "Read next: Ferry fares rise",
        "See also: Ferry fares rise",
        "Related: Ferry fares rise",
        "More on this: Ferry fares rise",
        "Recommended » Ferry fares rise",
        "Watch: The dredger at work",
        "Listen | The harbour podcast",
        "Lesen Sie mehr: Fähre teurer",
        "Mehr dazu: Fähre teurer",
        "Mehr zum Thema: Fähre teurer",
        "Auch interessant: Fähre teurer",
        "Weiterlesen > Fähre teurer",
        "Lire aussi : Le port recrute",
        "Lire la suite : Le port recrute",
        "Voir aussi : Le port recrute",
        "Leer más: Sube el diésel",
        "Lea también: Sube el diésel",
        "Ver también: Sube el diésel",
        "Te puede interesar: Sube el diésel",
        "Le puede interesar: Sube el diésel",
        "Relacionadas: Sube el diésel",
        "Lea más: Sube el diésel",
        "Mira: Sube el diésel",
        "Puedes ver: Sube el diésel",
        "Notas relacionadas: Sube el diésel",
        "Leggi anche: Il porto assume",
        "Czytaj też: Port zatrudnia",
        "Czytaj więcej: Port zatrudnia",
    ],
    body_rules.remove_copyright_lines: [
        "(c) Harbour Herald 2026",
        "Copyright 2026 Harbour Herald",
        "Tous droits réservés",
        "Todos los derechos reservados.",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "For personal non-commercial use only.",
        "Order presentation-ready copies for distribution to colleagues.",
    ],
    body_rules.remove_newsletter_calls: [
        "Subscribe to the morning briefing.",
        "Get our bulletin every Friday by e-mail.",
        "Join 40,000 readers who get the harbour newsletter.",
        "Inscrivez-vous à notre infolettre.",
        "Abonnieren Sie unseren Newsletter.",
        "Melden Sie sich für den Newsletter an.",
        "Suscríbete a nuestro boletín.",
        "Regístrate para recibir el boletín.",
        "Thanks for signing up!",
        "Thank you for subscribing.",
    ],
    body_rules.remove_photo_credits: [
        "Photos: Port Authority",
        "Image © Harbour Herald",
        "Pictures by Jane Doe",
        "Fotos: dpa",
        "Bild: Hafenamt",
        "Crédit photo : AFP",
        "Crédits : AFP",
        "Imagen: EFE",
        "Fotografía: EFE",
        "Credit: Port Authority",
        "[Source: Port Authority]",
    ],
    body_rules.remove_contact_lines: [
        "Contact the harbour desk: desk@herald.example",
        "Email Jane Doe at jane@herald.example",
        "Reach Kofi Mensah at kofi@herald.example",
        "Kofi Mensah can be reached at kofi@herald.example.",
        "Jane Doe may be reached at jane@herald.example.",
        "Have a news tip? Write to tips@herald.example",
    ],
    body_rules.remove_social_calls: [
        "Follow her on Instagram.",
        "Follow Harbour Herald on LinkedIn.",
        "Click here to get the app.",
        "Like this story? Share it with a friend.",
        "Share this article",
        "Folgen Sie uns auf Facebook.",
        "Suivez-nous sur X.",
    ],
    body_rules.remove_notices: [
        "Already a subscriber? Log in.",
        "This article is only available to subscribers.",
        "To continue reading, log in or subscribe.",
        "Please enable JavaScript to view the comments.",
        "You have reached your free article limit.",
        "Sign in to read the full story.",
        "We use cookies to improve your experience.",
        "This website uses cookies.",
        "Comments are closed.",
        "Jetzt abonnieren und weiterlesen.",
        "Pour lire la suite, abonnez-vous.",
        "Suscríbete para seguir leyendo.",
        "Contenido exclusivo para suscriptores.",
    ],
    body_rules.remove_post_meta_lines: [
        "Filed under Local News",
        "Publié par Claire Martin",
        "Veröffentlicht von Anna Weber",
        "Escrito por Ana Ruiz",
        "Category: Harbour",
        "Kategorie: Hafen",
        "Etiquetas: puerto, ferry",
        "12 May 2026 · Schlagwörter: Hafen",
    ],
    body_rules.remove_staff_credit_lines: [
        "Additional reporting by Kofi Mensah",
        "Writing by Jane Doe",
        "Research by Ana Ruiz",
        "Harbour Herald staff contributed to this story.",
    ],
}


@pytest.mark.parametrize(
    ("rule", "line"),
    [(rule, line) for rule, lines in SPELLINGS.items() for line in lines],
    ids=[f"{rule.__name__}-{i}" for rule, lines in SPELLINGS.items() for i in range(len(lines))],
)
def test_each_spelling_a_rule_lists_is_dropped(rule, line):
    assert [b.text for b in rule(_blocks(ARTICLE, line), HINTS)] == [ARTICLE]


@pytest.mark.parametrize(
    "heading",
    [
        "Comments",
        "12 comments",
        "Leave a reply",
        "Categories",
        "Categorías",
        "Catégories",
        "Schlagwörter",
        "Themen",
        "Related articles",
        "You might also like",
        "Don't miss",
        "See more photos",
        "More news",
        "Most read",
        "Trending now",
        "Recommended for you",
        "Top news",
        "Latest stories",
        "Editor's picks",
        "Popular now",
        "Sponsored content",
        "From around the web",
        "Promoted links",
        "Leggi anche",
        "Weitere Artikel",
        "Commentaires (2)",
        "Comentarios",
        "Comentários",
    ],
)
def test_each_widget_heading_a_rule_lists_ends_the_article(heading):
    blocks = _blocks(ARTICLE, heading, "Ferry fares rise in April")
    assert [b.text for b in body_rules.remove_trailing_widgets(blocks, HINTS)] == [ARTICLE]


@pytest.mark.parametrize(
    "heading",
    [
        "Über Hafen Logistik GmbH",
        "À propos de Port Atlantique",
        "A propos de Port Atlantique",
        "Sobre Porto Sul",
        "Media contact",
        "Press contacts:",
        "Pressekontakt:",
    ],
)
def test_each_about_heading_a_rule_lists_starts_the_footer(heading):
    blocks = _blocks(ARTICLE, ARTICLE, ARTICLE, heading, "Short profile text.")
    assert [b.text for b in body_rules.remove_about_company_footer(blocks, HINTS)] == [ARTICLE] * 3
