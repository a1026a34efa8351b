"""Broadsheet's text rules, after trafilatura: small named rules over the body's blocks, applied in order.

They remove what survives tree cleaning because it is written as ordinary paragraphs: the headline or the
standfirst repeated at the top, "Read more:" lines, copyright and reprint notices, newsletter calls to action,
photo credits, contact lines, the "About <company>" footer of a press release, leftover CMS shortcodes.
Each rule is driven by text evidence and by the page's own headline and description, never by a site's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from transforms.body_blocks import Block, blocks_from_lines, render_text


@dataclass(frozen=True)
class PageHints:
    """What the page says about itself that text rules compare the body with."""

    titles: tuple[str, ...] = ()  # headline candidates: JSON-LD headline, og:title, <title>, <h1>
    descriptions: tuple[str, ...] = ()  # meta/og/twitter description, JSON-LD description
    address: str | None = None  # the page's own URL


BodyRule = Callable[[list[Block], PageHints], list[Block]]


@dataclass(frozen=True)
class ShortLineRule:
    """A rule of the commonest shape: drop a block that matches `pattern` and is at most `max_words` long.

    Most text rules are this one shape with their own pattern and length limit, so they are rows of one
    table (the instances below) rather than copies of one loop; the limit keeps a real paragraph that merely
    starts like a widget line.
    """

    name: str
    description: str
    pattern: re.Pattern[str]
    max_words: int | None = None  # None: any length
    anywhere: bool = False  # search the whole block, not only its start
    keep_headings: bool = False

    def __post_init__(self) -> None:  # read like the function rules: a name and a docstring
        object.__setattr__(self, "__name__", self.name)
        object.__setattr__(self, "__doc__", self.description)

    def matches(self, block: Block) -> bool:
        if self.keep_headings and block.kind == "h":
            return False
        if self.max_words is not None and block.word_count > self.max_words:
            return False
        found = self.pattern.search(block.text) if self.anywhere else self.pattern.match(block.text)
        return found is not None

    def __call__(self, blocks: list[Block], hints: PageHints) -> list[Block]:
        return [block for block in blocks if not self.matches(block)]


_SEPARATORS = re.compile(r"\s+[|\-–—·:»/]\s+")


_NON_WORD = re.compile(r"\W+")


def normalised(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip().casefold()


def _headline_forms(hints: PageHints) -> set[str]:
    """Each headline candidate, and its parts around a site-name separator ("Headline | Site")."""
    forms = set()
    for title in hints.titles:
        forms.add(normalised(title))
        for part in _SEPARATORS.split(title):
            if len(part.split()) >= 3:
                forms.add(normalised(part))
    forms.discard("")
    return forms


def remove_repeated_headline(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop blocks that only repeat the headline (trafilatura often keeps the article's <h1>)."""
    forms = _headline_forms(hints)
    longest = max((len(form) for form in forms), default=0) * 2 + 20  # normalising never lengthens much
    return [b for b in blocks if len(b.text) > longest or normalised(b.text) not in forms]


# "By Jane Doe", "Por Ana Ruiz": the word after the prefix is capitalised (so "By the time ..." is prose)
_CAPITAL = "[A-ZÁÉÍÓÚÀÂÈÊÎÔÛÄÖÜÑÇ]"
BYLINE = re.compile(rf"^\s*(?i:by|por|von|par|di|text|texto|texte)\s*:?\s+{_CAPITAL}[\w.'’-]*\s+{_CAPITAL}")


def remove_header_furniture(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop what sits above the headline (or, without one, above the date stamp) when the body opens with the
    article header (kicker, section label), and a byline line ("By Jane Doe | Staff", "Por Ana Ruiz") among the
    first blocks.
    """
    forms = _headline_forms(hints)
    start = next((i for i, b in enumerate(blocks[:4]) if normalised(b.text) in forms), None)
    if start is None:  # no headline in the body: a kicker above the article's date stamp ("Olympia", "02 Feb. 2022")
        start = next((i for i, b in enumerate(blocks[:3]) if _is_date_stamp(b)), None)
    if start is not None and all(b.word_count <= 6 for b in blocks[:start]):
        blocks = blocks[start:]
    head, rest = blocks[:4], blocks[4:]
    head = [b for b in head if not (BYLINE.match(b.text) and b.word_count <= 20)]
    return head + rest


def remove_standfirst_after_headline(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop the standfirst (dek) when the body opens with the headline and then the page's description as a heading.

    The evidence is the triple: a body that opens with the headline has swept in the article header; the
    next block equal to the page's own summary is the standfirst when the page marks it up as a heading
    (themes write the dek as <h2 class="subtitle">). A first *paragraph* that equals the description (CMSs
    copy it into the summary) is the article's lead and is kept.
    """
    forms = _headline_forms(hints)
    if len(blocks) < 3 or normalised(blocks[0].text) not in forms or blocks[1].kind != "h":
        return blocks
    descriptions = {normalised(d) for d in hints.descriptions if len(d.split()) >= 5}
    if normalised(blocks[1].text) in descriptions:
        return [blocks[0], *blocks[2:]]
    return blocks


READ_MORE = re.compile(
    r"^\s*(read more|read also|read next|see also|related|more on this|recommended|watch|listen"
    r"|lesen sie auch|lesen sie mehr|mehr dazu|mehr zum thema|auch interessant|weiterlesen"
    r"|lire aussi|à lire aussi|lire la suite|voir aussi|leer más|lee también|lea también|ver también"
    r"|te puede interesar|le puede interesar|relacionad[oa]s?|lea más|lea|mira|puedes ver|leggi anche"
    r"|czytaj (?:też|także|więcej)|notas relacionadas|auch lesen|lesen sie hier|siehe auch|mire"
    r"|vea también|dowiedz się więcej|zobacz (też|także|również))\s*[:»>|]",
    re.I,
)


remove_read_more_lines = ShortLineRule(
    "remove_read_more_lines",
    'Drop in-body "Read more: <headline>" links and their translations.',
    READ_MORE,
    25,
)


COPYRIGHT = re.compile(
    r"(^\s*(©|\(c\)|copyright\b)|\ball rights reserved\b|\balle rechte vorbehalten\b|\btous droits réservés\b"
    r"|\btodos los derechos reservados\b|\bwszelkie prawa zastrzeżone\b|\bchroniony prawem autorskim\b"
    r"|\bmay not be (re)?published, broadcast, rewritten\b"
    r"|\bfor (your )?personal,? non-commercial use only\b|\border (presentation-ready )?(copies|reprints)\b)",
    re.I,
)


remove_copyright_lines = ShortLineRule(
    "remove_copyright_lines",
    'Drop copyright, "all rights reserved" and reprint notices (short blocks only, wherever they are).',
    COPYRIGHT,
    60,
    anywhere=True,
)


# [caption id="x" align="left"], [/caption], [gallery ids="1,2"], [embed]...[/embed]: lowercase names, and
# either attributes, a closing slash, or a matching closing tag, so "[Reuters]" or "[1]" in prose stay.
SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)((?:\s+[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s\]]+))*)\s*(/?)\]")
TEMPLATE_LEFTOVER = re.compile(r"\{\{[^{}]{0,200}\}\}|\{%[^{}]{0,200}%\}")


# Paired shortcodes whose content is a caption or an embed address, not article text.
MEDIA_SHORTCODE = re.compile(
    r"\[(caption|wp_caption|embed|video|audio|gallery|tweet|instagram|youtube)\b[^\]]*\].*?\[/\1\]", re.S
)


def _strip_shortcode(match: re.Match[str]) -> str:
    closing, name, attributes, self_closing = match.groups()
    is_shortcode = closing or attributes or self_closing or f"[/{name}]" in match.string
    return " " if is_shortcode else match.group(0)


def remove_cms_shortcodes(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Strip WordPress-style shortcodes ([caption id="..."], [/embed]) and template tags left in the text."""
    cleaned = []
    for block in blocks:
        if "[" in block.text or "{" in block.text:
            text = MEDIA_SHORTCODE.sub(" ", block.text)
            text = " ".join(TEMPLATE_LEFTOVER.sub(" ", SHORTCODE.sub(_strip_shortcode, text)).split())
            if not text:
                continue
            block = replace(block, text=text)
        cleaned.append(block)
    return cleaned


NEWSLETTER_CTA = re.compile(
    r"^\s*(sign up|subscribe|get (our|the)|join|inscrivez-vous|abonnez-vous|abonnieren sie|melden sie sich"
    r"|suscríbete|suscribete|regístrate)\b.{0,120}\b(newsletter|inbox|e-?mail|briefing|bulletin|boletín|infolettre)"
    r"|^\s*(thanks|thank you) for (signing up|subscribing)|\b(by )?signing up (to|for) (our|the) newsletter"
    r"|\bunseren \w*newsletter\b|\bsign up here\W*$|^\s*(zum newsletter anmelden|newsletter abonnieren)\b",
    re.I,
)


remove_newsletter_calls = ShortLineRule(
    "remove_newsletter_calls",
    'Drop "Sign up for our newsletter" calls to action written as paragraphs.',
    NEWSLETTER_CTA,
    30,
    anywhere=True,
)


PHOTO_CREDIT = re.compile(
    r"^\s*[(\[]?\s*(photos?|images?|pictures?|foto|fotos|bild|crédit photo|crédits?|imagen|fotografía"
    r"|credit|source|quelle|titelbild|beitragsbild|aufmacherbild|crédits? photos?)\s*(:|©|/|by\b)"
    r"|^\s*(abbildung|abb\.|figure|fig\.)\s*\d+\s*[:.]",  # a numbered figure's caption
    re.I,
)


remove_photo_credits = ShortLineRule(
    "remove_photo_credits",
    'Drop short "Photo: Agency" / "Foto: dpa" / "Quelle: dpa" credit lines and numbered figure captions.',
    PHOTO_CREDIT,
    15,
)


CONTACT_LINE = re.compile(
    r"(^\s*(write to|contact|email|e-mail|reach)\b|\b(may|can) be reached\b|\bhave a (news )?tip\b)"
    r".{0,80}\b[\w.+-]+@[\w-]+\.[\w.]+",
    re.I,
)


remove_contact_lines = ShortLineRule(
    "remove_contact_lines",
    'Drop "Write to <reporter> at <address>" and "<Reporter> can be reached at <address>" lines under the article.',
    CONTACT_LINE,
    25,
    anywhere=True,  # "Jane Doe can be reached at ...": the name comes first
)


# "About Harbour Logistics", "Acerca de Grupo Puerto Sur": a name follows (so "About the plan" is a subhead)
ABOUT_HEADING = re.compile(
    r"^\s*(?i:about|über|à propos de|a propos de|acerca de|sobre)\s+[A-Z0-9ÁÉÍÓÚÀÂÈÊÎÔÛÄÖÜÑÇ][\w&.,'’ -]{1,60}:?\s*$"
    r"|^\s*(?i:media|press|medien|presse|prensa) ?(?i:contacts?|kontakt|contacto):?\s*$",
)


COMPANY_PROFILE = re.compile(
    r"^[\w&.,'’-]+(\s+[\w&.,'’-]+){0,4}\s+(is|are|ist|est|es)\s+"
    r"(a|an|the|one of|ein|eine|der|die|un|une|el|la|l[ae]s?)\b",
)
COMPANY_FACTS = re.compile(
    r"\b(headquartered|head office|founded in|employs|employees|subsidiaries|listed on|traded on|nasdaq|nyse"
    r"|sitz in|gegründet|mitarbeiter|siège|fondée en|salariés|sede en|fundada en|empleados)\b",
    re.I,
)


def remove_about_company_footer(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop a press release's closing "About <company>" boilerplate and everything after it.

    Only a short heading-like block in the second half of the body counts, so an article that discusses
    "about" something in passing keeps its text.
    """
    for index in range(len(blocks) // 2, len(blocks)):
        text = blocks[index].text
        if len(text.split()) <= 8 and ABOUT_HEADING.match(text) and index >= 2:
            return blocks[:index]
    while len(blocks) > 3 and COMPANY_PROFILE.match(blocks[-1].text) and COMPANY_FACTS.search(blocks[-1].text):
        blocks = blocks[:-1]  # the profile paragraph without its "About" heading
    return blocks


TRAILING_WIDGET = re.compile(
    r"^\s*(comments?|\d+ comments?|post (a )?comment.*|leave a (reply|comment)|tell us what you think.*"
    r"|tags?|categories|categorias|categorías|catégories|schlagwörter|themen|related( \w+)?|you (may|might) also like.*"
    r"|don'?t miss|see more( photos)?|more (stories|news)|most (read|popular)|trending( now)?|recommended( for you)?"
    r"|top (stories|news)|latest (news|stories)|editor'?s picks|popular now|sponsored( content| stories)?"
    r"|from around the web|promoted (stories|links)|around the web"
    r"|more from( [\w-]+){1,4}|read (more|next)|about the author"
    r"|leggi anche|lesen sie auch|lire aussi|à lire aussi|lee también|te puede interesar|weitere artikel"
    r"|weitere (aktuelle )?(themen|beiträge)( [\w-]+){0,4}|(empfohlene|ähnliche|verwandte) (beiträge|artikel|themen)"
    r"|lesen sie auch (die folgenden beiträge|diese artikel)|schlagworte|zum weiterlesen|weiterführende links?"
    r"|mehr themen|mehr (aus|zum thema)( [\w-]+){1,5}|das könnte (dich|sie) auch interessieren|schon gelesen\??"
    r"|top-themen( bei( [\w-]+){1,4})?|vorschau auf den nächsten artikel|entdecke (weitere|mehr)( [\w-]+){0,3}"
    r"|meist-?(gelesen|diskutiert|kommentiert)|ansprechpartner(in)?( zum thema)?"
    r"|über (den autor|die autorin|diese reihe)"
    r"|sur le même sujet|dans la même rubrique|à propos de l'auteur|sobre el autor|(más|mais) sobre( [\w-]+){1,4}"
    r"|contenido relacionado|notas relacionadas|temas|etiquetas"
    r"|kommentare?|commentaires?|comentarios?|comentários)\s*[:.…]*\s*(\(\d+\)|\(\+\))?\s*$",
    re.I,
)


def _is_term_list(text: str) -> bool:
    """ "ferries, harbour, stock car interlagos, ...": short comma-separated terms, no sentence."""
    terms = [t.strip() for t in text.split(",")]
    return len(terms) >= 4 and all(0 < len(t.split()) <= 5 for t in terms) and not text.rstrip().endswith(".")


def remove_trailing_widgets(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop a widget heading ("Comments", "Tags", "You may also like") and the short lines that follow it.

    After a widget heading, blocks are dropped while they stay short (links, tag names); the first
    paragraph-length block ends the widget and is kept.
    """
    kept: list[Block] = []
    in_widget = False
    for block in blocks:
        if block.word_count <= 8 and TRAILING_WIDGET.match(block.text):
            in_widget = True
            continue
        if in_widget and (block.word_count < 25 or block.kind == "li" or _is_term_list(block.text)):
            continue
        in_widget = False
        kept.append(block)
    return kept


SOCIAL_CTA = re.compile(
    r"^\s*(follow (us|him|her|them|[\w@ .'’-]{1,40}) on (twitter|facebook|instagram|x\b|linkedin|youtube|tiktok)"
    r"|click here\b|like this (story|article)\??,? share|share (this|on) (article|story|facebook|twitter)"
    r"|follow [\w'’ ]{1,40} (full )?coverage\b|folgen sie (uns|\w+) auf|suivez-(nous|nous sur)|s[ií]guenos en\b"
    r"|for the latest [\w ]{1,40} download (the|our)\b|¿?ya sabías que .{1,60} canal de (telegram|youtube|whatsapp)"
    r"|¡?mira lo que tiene nuestro canal)",
    re.I,
)


POST_META = re.compile(
    r"(^|[|·•–—-]\s*)(posted|published|filed|publicado|publicada|publié|publiée|veröffentlicht|escrito|written)"
    r"(\s+\w+)?:?\s+(by|por|par|von|under|em|en|in)\b"
    r"|(^|[|·•–—-]\s*)(categor(y|ies|ia|ias|ie)|kategorie|tags|schlagwörter|etiquetas)\s*:",
    re.I,
)


remove_post_meta_lines = ShortLineRule(
    "remove_post_meta_lines",
    'Drop a blog\'s post-meta line ("05/10/2018 - Posted by Jane - Category: Health - Tags: ...").',
    POST_META,
    30,
    anywhere=True,
    keep_headings=True,
)


NOTICE = re.compile(
    r"^\s*(subscribe (now )?to (continue|keep) reading|already (a subscriber|have an account)\??"
    r"|if you (buy|purchase) something through (this|our) (post|links?|article)|if you (enjoyed|liked) this article"
    r"|this (article|content|story) is (only )?(available|for) (to )?(subscribers|members)|to continue reading"
    r"|please (enable|turn on) javascript|you have reached your (free )?(article )?limit"
    r"|(sign|log) in to (read|continue)"
    r"|we use cookies|this (site|website) uses cookies|comments? (are|is) (moderated|closed)"
    r"|weiterlesen mit|jetzt (abonnieren|weiterlesen)|pour lire la suite|contenu réservé aux abonnés"
    r"|suscríbete para (seguir|continuar) leyendo|contenido exclusivo para suscriptores"
    # support and letters calls, login and comment-box leftovers, embed consent, like widgets, reading time, ads
    r"|if you (enjoyed|liked) (reading )?this (post|story)|(would you )?(please )?consider supporting (our|us)"
    r"|support (our|independent) journalism|unterstützen sie (uns|unsere arbeit)"
    r"|we want to hear what you think about this article|subscribe now to (our|the)\b.{0,40}\bfor the full story"
    r"|pour accéder en illimité|(du musst|sie müssen) eingeloggt sein|sie sind (aktuell |derzeit )?nicht eingeloggt"
    r"|you must be logged in to (post|leave|write) a comment|keine kommentare\b|kommentare insgesamt: \d"
    r"|klicken sie auf den (unteren )?button, um den inhalt|click (on )?the button (below )?to load the content"
    r"|%d (bloggern gefällt das|bloggers like this)|(-\s*)?(permalink|permalien)\b.{0,80}$"
    r"|ten tekst przeczytasz w|(lesezeit|reading time|temps de lecture|tiempo de lectura)\s*:|\d+\s*min(ute)?s? read\b"
    r"|anzeige\s*[-:|,]|\*?werbung\. dieser (beitrag|artikel) enthält"
    r"|dieser (beitrag|artikel) enthält (werbung|affiliate)|\(?alle angaben ohne gewähr\)?"
    r"|if you'?re (seeing this message|already a subscriber)|submit (your |a )?letter to the editor"
    r"|this (post|article|page) (contains|may contain) (references to products|affiliate links)"
    r"|we recommend the best products through an independent review|to view the full story"
    r"|(warning|notice|deprecated|fatal error): .{1,200} on line \d+)",  # a PHP error printed into the page
    re.I,
)


remove_notices = ShortLineRule(
    "remove_notices",
    'Drop paywall, cookie and comment-policy notices written as paragraphs ("Subscribe to continue reading").',
    NOTICE,
    40,
)


remove_social_calls = ShortLineRule(
    "remove_social_calls",
    'Drop "Follow us on Twitter", "Click here to get the app", "Share this story" lines.',
    SOCIAL_CTA,
    35,
)


_LETTERS = re.compile(r"[^\W\d_]")


def remove_shouted_promos(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop paragraphs written entirely in capitals: in-body promo links to other stories ("MORE: ...").

    Headings, table rows, and capitalised questions (subheads written as paragraphs) are kept.
    """
    kept = []
    for block in blocks:
        letters = _LETTERS.findall(block.text)
        words = block.word_count
        is_candidate = block.kind == "p" and 4 <= words <= 30 and len(letters) >= 15
        is_candidate = is_candidate and block.text.rstrip()[-1] not in "?:"
        if is_candidate and sum(map(str.isupper, letters)) >= 0.95 * len(letters):
            continue
        kept.append(block)
    return kept


MONTHS = (
    r"jan(uary|uar|vier|eiro)?|feb(ruary|ruar)?|févr(ier)?|fev(ereiro)?|mar(ch|s|zo|ço)?|märz|apr(il)?|avr(il)?|abr(il)?"
    r"|may|mai|mayo|maio|jun(e|i|io|ho)?|juin|jul(y|i|io|ho)?|juil(let)?|aug(ust)?|août|ago(sto)?|sep(t|tember|tiembre)?"
    r"|set(embro)?|oct(ober|obre)?|okt(ober)?|out(ubro)?|nov(ember|iembre|embre|embro)?|dec(ember)?|dez(ember|embro)?"
    r"|déc(embre)?|dic(iembre)?"
)
WEEKDAYS = (
    r"mon|tue|wed|thu|fri|sat|sun|\w+day|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi"
    r"|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|\w+-feira"
)
DATE_WORDS = re.compile(
    rf"\b({MONTHS}|{WEEKDAYS}|updated?|published|posted|first published|last updated|aktualisiert|veröffentlicht"
    r"|publié|mis à jour|letzte änderung|zuletzt (geändert|aktualisiert)|stand|last modified"
    r"|publicado|actualizado|atualizado|am|pm|a\.m|p\.m|at|às|um|à|de|del|le|the|on|ago|hours?"
    r"|minutes?|uhr|h|gmt|utc|est|edt|pst|pdt|cet|cest|bst|ist|et)\b\.?|\d+(st|nd|rd|th)?|[^\w\s]",
    re.I,
)


DATE_EVIDENCE = re.compile(
    rf"\b({MONTHS})\b\.?\s*\d|\d\.?\s*(de\s+)?\b({MONTHS})\b|\b\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b"
    r"|\b(updated|published|aktualisiert|veröffentlicht|publié|mis à jour|publicado|actualizado|atualizado)\b",
    re.I,
)


def _is_date_stamp(block: Block) -> bool:
    """A block that is only a date or an "Updated ..." stamp: three in four of its words are date words."""
    words = block.text.split()
    if block.kind not in ("p", "h") or len(words) > 16 or not DATE_EVIDENCE.search(block.text):
        return False
    return len(DATE_WORDS.sub(" ", block.text).split()) <= len(words) // 4


CREDIT_ONLY = re.compile(r"^\s*(©|\(c\)|foto\s*:|photo\s*:)\s*\S.{0,60}$", re.I)
ENDS_WITH_CREDIT = re.compile(r"[.!?)]\s*(©|\(c\))\s*[^.©]{2,60}$", re.I)


def remove_captions_with_credits(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop a photo caption the page printed as a paragraph: a short line that ends with the photo's credit
    ("Marco Odermatt im Ziel. © AFP / Jan Roe"), or that a credit-only line follows ("© WSNA")."""
    kept = []
    for i, block in enumerate(blocks):
        words = block.word_count
        next_is_credit = i + 1 < len(blocks) and CREDIT_ONLY.match(blocks[i + 1].text) is not None
        if (
            block.kind == "p"
            and words <= 25
            and (ENDS_WITH_CREDIT.search(block.text) or (next_is_credit and words <= 15))
        ):
            continue
        kept.append(block)
    return kept


def remove_dateline_only_blocks(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop blocks that are only a date or "Updated ..." stamp (the byline's date swept into the body)."""
    return [block for block in blocks if not _is_date_stamp(block)]


URL_ONLY = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.I)


WIRE_SLUG = re.compile(r"^\s*[A-Z]{2}-[A-Z]{2,}-{1,2}[\w-]+,?\s.*\b(writethru|advisory|ld|urgent)\b", re.I)


def remove_wire_slugs_and_rules(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop news-agency slug lines ("AP-US--Budget-Vote, 2nd Ld-Writethru") and lines of only punctuation ("___")."""
    return [b for b in blocks if re.search(r"\w", b.text) and not (b.word_count <= 8 and WIRE_SLUG.match(b.text))]


def _host(url: str) -> str:
    return urlsplit(url if "//" in url else f"//{url}").netloc.lower().removeprefix("www.")


def remove_bare_urls(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop blocks that are only an address on the page's own site (printed for readers of the print view).

    A bare address of another site is a reference the article gives its readers ("the petition is at
    www.petition.example") and stays.
    """
    if not hints.address:
        return blocks
    own = _host(hints.address)
    return [b for b in blocks if not (URL_ONLY.match(b.text) and _host(b.text.strip()) == own)]


CREDIT_LINE = re.compile(
    r"^\s*\(?\s*((additional )?(reporting|writing|editing|research) by\b"
    r"|[\w .,'’-]{2,200} contributed to this (report|story))",
    re.I,
)


remove_staff_credit_lines = ShortLineRule(
    "remove_staff_credit_lines",
    'Drop wire-style staff credits ("Reporting by ...; Editing by ...", "X contributed to this report").',
    CREDIT_LINE,
    40,
)


BODY_RULES: list[BodyRule] = [
    remove_cms_shortcodes,
    remove_header_furniture,
    remove_standfirst_after_headline,
    remove_repeated_headline,
    remove_read_more_lines,
    remove_captions_with_credits,
    remove_copyright_lines,
    remove_newsletter_calls,
    remove_photo_credits,
    remove_contact_lines,
    remove_about_company_footer,
    remove_trailing_widgets,
    remove_social_calls,
    remove_notices,
    remove_post_meta_lines,
    remove_shouted_promos,
    remove_dateline_only_blocks,
    remove_bare_urls,
    remove_wire_slugs_and_rules,
    remove_staff_credit_lines,
]


def apply_body_rules(blocks: list[Block], hints: PageHints, rules: list[BodyRule] | None = None) -> list[Block]:
    for rule in BODY_RULES if rules is None else rules:
        blocks = rule(blocks, hints)
    return blocks


def apply_text_rules(body: str, title: str) -> str:
    """The body rules over plain text (one paragraph per line), with `title` as the only headline evidence."""
    return render_text(apply_body_rules(blocks_from_lines(body), PageHints(titles=(title,) if title else ())))
