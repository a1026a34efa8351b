"""An article's descriptive metadata from the page's own evidence, each field with the source it came from.

Sources are tried in order of trust: JSON-LD (NewsArticle and kin, also inside @graph), OpenGraph, other meta
tags, microdata (itemprop), then the visible byline. Dates are not read here (see date_candidates and the date
stages); this module gives title, authors, description, main image, canonical URL, site name, section, tags
and language.
"""

from __future__ import annotations

import html as html_entities
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree, html

from broadsheet.records import ORGANISATION, PERSON
from transforms.json_ld import types_of
from transforms.parsed_page import ParsedPage, as_parsed

logger = logging.getLogger(__name__)

ORGANISATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "WebSite"}
TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·:»]\s+")
# byline containers and the names in them: rel=author, a class word ending in "byline" ("byline",
# "article-byline", "content__meta-byline"), a class "author", or an author-name class in any spelling. The XPath
# finds the few candidates cheaply; the class test picks from them.
BYLINE_CANDIDATES = etree.XPath(
    "//*[@rel='author' or contains(@class, 'byline') or contains(@class, 'author') or contains(@class, 'autor')]"
)
BYLINE_CLASS = re.compile(r"(?:^|\s)(?:\S*byline|author)(?:\s|$)|author-name|author__name|byline__name|autor")
NAME_PARTICLES = {"van", "von", "der", "den", "de", "del", "la", "le", "da", "dos", "das", "di", "du", "bin", "al", "y"}
BYLINE_MAX_WORDS = 25  # a longer text in a byline class is the author's bio, not the byline
# "By" and its kin opening a line of text (or after a separator: "05/10/2018 - Publicado por: Ana Ruiz - Tags")
BY_WORD = re.compile(r"(?:^|[|•·–—-])\s*(?:By|Written by|Posted by|Publicado por|Escrito por|Von|Par|Por)\b")
BY_LINE = re.compile(
    r"(?:^|[|•·–—-]\s)\s*(?:By|Written by|Posted by|Publicado por|Escrito por|Von|Par|Por)\s*:?\s+"
    r"(?P<names>[^\W\d_].*)$"
)
BRACKET_CREDIT = re.compile(r"^\s*\[(?P<media>[^\]=]{1,30})=(?P<credit>[^\]=]{1,40})\]")
POSSESSIVE = re.compile(r"의(?=\s|$)")
HANGUL_NAME = re.compile(r"[\uac00-\ud7af]{2,4}")
# reporter, columnist, novelist, correspondent, critic, (senior, guest, intern) reporter, editorial writer, writer
KOREAN_ROLE = re.compile(
    r"^(?:(?:객원|선임|인턴|수습)?기자|(?:(?:대중)?문화)?평론가|칼럼니스트|소설가|특파원|논설위원|편집위원|작가)$"
)
BY_LINE_END = re.compile(r"\s+[|•·–—-]\s+")
SHOWN_TEXT = etree.XPath(".//text()[not(parent::script or parent::style or parent::noscript)]", smart_strings=False)
# text pieces that may open a "By ..." line, or a bracketed credit: a cheap filter before the regular expressions
BY_TEXT_CANDIDATES = etree.XPath(
    "//body//text()[contains(., 'By') or contains(., ' by') or contains(., 'por') or contains(., 'Von')"
    " or contains(., 'Par') or contains(., 'Por')][not(parent::script or parent::style)]"
)
BRACKET_TEXT_CANDIDATES = etree.XPath("//body//text()[contains(., '[') and contains(., '=')][not(parent::script)]")
BY_PREFIX = re.compile(r"^\s*(written by|posted by|by|von|por|par|text|texto|texte)\s*:?\s+", re.I)
AUTHOR_SEPARATORS = re.compile(r"\s*(?:;|,|&|\||\band\b|\bund\b|\bet\b|\by\b(?=\s+[A-ZÁÉÍÓÚ][^\s]+\s+[A-Z]))\s*")
ROLE_WORDS = re.compile(
    r"^(senior |chief |staff |contributing |special |political |foreign |deputy |managing |news |associate )*"
    r"(reporter|writer|editor|correspondent|columnist|contributor|journalist|redakteur(in)?|korrespondent(in)?"
    r"|autor(in)?|rédacteur|rédactrice|journaliste|envoyé spécial|corresponsal|redactor(a)?|periodista"
    r"|photographer|fotograf(in)?|staff|editorial board|newsroom|redaktion|rédaction|redacción)(s|es|en|innen)?$",
    re.I,
)
# "AP Auto Writer", "Political Correspondent": a role after (or instead of) a name, not a name
ROLE_AT_END = re.compile(
    r"\b(writer|reporter|editor|editor-at-large|correspondent|columnist|contributor|korrespondent(in)?)s?$", re.I
)
# "News Nation Bureau", "HNN Staff", "Web Desk", "Staff Reports": the newsroom is the credit
NEWSROOM_AT_END = re.compile(
    r"\b(bureau|desk|staff|team|redaktion|rédaction|redacción|newsroom|staff reports|wire services?|editorial staff)$",
    re.I,
)
AGENCIES = re.compile(
    r"^(the )?(associated press|ap|reuters|afp|agence france-presse|dpa|epd|kna|efe|europa press|ansa|bloomberg"
    r"|upi|pa media|press association|xinhua|kyodo|sid|apa|sda|belga|anp|tass|pti|ians|ani|cnn|cnn wire|staff"
    r"|redaktion|rédaction|redacción|editorial|wire services?|news desk|web desk|online desk)$",
    re.I,
)
# CMS accounts and placeholders, not credits; a "By" left alone when the byline's markup splits it from the name;
# a guest account in the site's language (Gast, Гость, invité, ospite, ...)
NOT_A_CREDIT = re.compile(
    r"^(admin|administrator|jdadmin|webmaster|editor|user|unknown|null|none|by|von|por|par|per|written by|posted by"
    r"|guest|gast|гость|invité|invitée|invitado|invitada|ospite|convidado|convidada|gość)$",
    re.I,
)
# decorations around a name: "Foto:", "Text:", a trailing initials tag "(abc)", "Analysis by"
DECORATION_PREFIX = re.compile(
    r"^\s*(?:text|texto|texte|текст|автор|autor|autorin|author|interview|analysis by|opinion by|commentary by|about"
    r"|sobre|über|à propos de)\s*:?\s+",
    re.I,
)
DATE_WORD_TAIL = re.compile(r"\s+(?:published|updated|posted|veröffentlicht|publicado|publié)\b.*$", re.I)
# a date after the names in one byline text: "Mike Wuerthele and Malcolm Owen Monday, November 18, 2019",
# "Matthew Digby, Minh Do on Monday, November 18th", "Jeff Foust Nov 19, 2019", "Tomas Spahn Fr, 18. Oktober"
DATE_AFTER_NAMES = re.compile(
    r"\s+(?:(?:mon|tue|wed|thu|fri|sat|sun|mo|di|mi|do|fr|sa|so|lu|ma|me|je|ve)\.?,\s*\d.*$)"
    r"|\s+(?:on\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?"
    r"|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?,?\s+"
    r"(?:[^\W\d_]+\.?\s+)?\d.*$",
    re.I,
)
DEGREES = re.compile(r"^(?:ms|md|phd|ph\.d\.?|rdn|rd|mph|mba|ma|ba|bsc|msc|cpa|jd|dr)$", re.I)
AGENCY_GLUED = re.compile(r"^(.+?\S)\s+((?:the )?(?:associated press|reuters|afp|dpa|pti|ians))$", re.I)
PHOTO_CREDIT = re.compile(
    r"^\s*[(\[]?\s*(?:foto|fotos|photo|photos|bild|image|crédit photo|photograph|фото)\s*(?::|by\b|/|из\b)", re.I
)
INITIALS_TAG = re.compile(r"\s*[(\[][a-zäöü]{2,4}[)\]]\s*$")
DOMAIN_LIKE = re.compile(r"^[\w-]+(\.[\w-]+)*\.[a-z]{2,}$", re.I)
SENTENCE_BREAK = re.compile(r"(?<=[^\W\d_]{2})\.\s+(?=[A-Z])")  # "Finian Cunningham. Sputnik International"


@dataclass
class ArticleMetadata:
    """Descriptive metadata of one page; `sources` names where each filled field came from."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    author_kinds: list[str] = field(default_factory=list)  # "person" | "organisation", one per author
    description: str | None = None
    image_url: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def offer(self, name: str, value: Any, source: str) -> None:
        """Set a field from `source` unless a more trusted source already filled it."""
        if value in (None, "", []) or getattr(self, name) not in (None, "", []):
            return
        setattr(self, name, value)
        self.sources[name] = source


def _clean(value: Any) -> str | None:
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    if "&" in value:  # JSON-LD written with HTML entities ("&#8216;", "&ouml;", "&quot;")
        value = html_entities.unescape(value)
    text = " ".join(html.fromstring(f"<p>{value}</p>").text_content().split()) if "<" in value else value
    text = " ".join(text.split())
    return text or None


def _names(value: Any, not_named: set[str]) -> list[str]:
    """Author names of a JSON-LD value; an Organization that is the site itself (`not_named`) is no credit."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            name = _clean(item.get("name"))
            if types_of(item) & ORGANISATION_TYPES and name and _site_key(name) in not_named:
                continue
        else:
            name = _clean(item)
        if name:
            names.append(name)
    return names


def _url(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("contentUrl")
    return _clean(value)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [k for k in (_clean(v) for v in value) if k]


def _has_name_letters(words: list[str]) -> bool:
    """A capitalised word, or letters of a script without case (Chinese, Japanese, Korean names)."""
    return any(w[:1].isupper() or any(ch.isalpha() and ch.upper() == ch.lower() for ch in w) for w in words)


def credit(part: str) -> tuple[str, str] | None:
    """One byline part as a credit (name, "person" | "organisation"); None for a role, a bio or a decoration."""
    name = " ".join(part.split())
    if PHOTO_CREDIT.match(name):  # the photographer, not an author
        return None
    name = DECORATION_PREFIX.sub("", BY_PREFIX.sub("", name))
    name = DATE_WORD_TAIL.sub("", INITIALS_TAG.sub("", name)).strip(" ,;:|-–—")
    if DEGREES.match(name):
        return None
    if not name or "@" in name or "://" in name or re.search(r"\d", name) or NOT_A_CREDIT.match(name):
        return None
    if DOMAIN_LIKE.match(name):  # "example.de" is credited as written
        return name, ORGANISATION
    if AGENCIES.match(name) or NEWSROOM_AT_END.search(name):
        return name, ORGANISATION
    if ROLE_WORDS.match(name) or ROLE_AT_END.search(name):
        return None
    words = name.split()
    if len(words) > 5 or not _has_name_letters(words):  # a sentence (a bio), not a name
        return None
    return name, PERSON


def is_newsroom(name: str) -> bool:
    """A site's own newsroom credited as such ("Staff", "Harbour Herald Staff", "Redaktion", "Web Desk"):
    an organisation, but not an agency whose copy other sites run."""
    return bool(NEWSROOM_AT_END.search(name.strip())) or name.strip().casefold() == "editorial"


def clean_person(name: str) -> str | None:
    """One byline part as a person's name (no "By", role, agency or bio); None if it is not a person."""
    found = credit(name)
    return found[0] if found and found[1] == PERSON else None


def credits(names: list[str]) -> list[tuple[str, str]]:
    """Bylines as credits: "By Jane Doe and John Roe, Staff Writers" is two people; "Reuters and Jane Doe" is an
    agency and a person; roles, decorations and bios are dropped."""
    found: list[tuple[str, str]] = []
    for raw in names:
        raw = DATE_WORD_TAIL.sub("", DATE_AFTER_NAMES.sub("", BY_PREFIX.sub("", " ".join(raw.split()))))
        parts = [p for part in AUTHOR_SEPARATORS.split(raw) for p in SENTENCE_BREAK.split(part or "")]
        for part in parts:
            # "ERIC TUCKER Associated Press": a name, then the agency; "The Associated Press" is the agency alone
            glued = None if AGENCIES.match(part.strip()) else AGENCY_GLUED.match(part.strip())
            for piece in glued.groups() if glued else [part]:
                named = credit(piece or "")
                if named and named[0].casefold() not in {name.casefold() for name, _ in found}:
                    found.append(named)
    return found


def people(names: list[str]) -> list[str]:
    """The credited names of bylines, people and agencies alike ("Reuters and Jane Doe" is two)."""
    return [name for name, _ in credits(names)]


def shown_credits(page: ParsedPage, names: list[str]) -> list[str]:
    """The credits among `names` that the page's text shows, as it writes them. A name that only the page's
    metadata states (a CMS account, the WordPress user who posted) is not a credit a reader sees."""
    shown = []
    for name in names:
        pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
        found = re.search(pattern, page.shown_text) or re.search(pattern, page.shown_text, re.I)
        if found:
            shown.append(found.group(0))
    return people(shown)


def _meta(page: ParsedPage, *names: str) -> list[str]:
    return [v for v in (_clean(v) for v in page.meta_values(*names)) if v]


def _microdata(page: ParsedPage, prop: str) -> list[html.HtmlElement]:
    """Elements with `prop` among their itemprop words (itemprop="author creator" is both), in page order."""
    found = [e for value, elements in page.microdata.items() if prop in value.split() for e in elements]
    return sorted(found, key=lambda element: element.sourceline or 0)


def _microdata_text(element: html.HtmlElement) -> str | None:
    return _clean(element.get("content") or element.get("src") or element.get("href") or element.text_content())


def strip_site_name(title: str, site_name: str | None, headline: str | None = None) -> str:
    """The title without a site-name suffix or prefix ("Headline | Site", "Site - Headline")."""
    title = " ".join(title.split())
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site_name:
        site = site_name.casefold()
        last = parts[-1].casefold()
        if last == site or site in last or (len(last) >= 4 and last.replace(" ", "") in site.replace(" ", "")):
            return TITLE_SEPARATORS.split(title, maxsplit=len(parts) - 2)[0] if len(parts) > 2 else parts[0]
        if parts[0].casefold() == site:
            return title.split(parts[0], 1)[1].lstrip(" |-–—·:»")
    if headline and parts[0].casefold() == " ".join(headline.split()).casefold():
        return parts[0]
    return title


def _title_key(title: str) -> str:
    """A title reduced to its words, so typographic quotes, dashes and case do not make two variants differ."""
    return " ".join(re.sub(r"[\W_]+", " ", title).casefold().split())


def choose_title(candidates: list[tuple[str, str]], site_name: str | None) -> tuple[str, str] | None:
    """The headline, from (source, title) candidates in order of trust, preferring what the sources agree on.

    A reader sees the <h1>; it is taken when another source agrees with it, as a whole or inside a longer
    variant ("Opinion | Headline", "Topic: Headline", "Headline - Site": a kicker or site name the <h1>
    leaves out). An <h1> no other source supports (the site's logo, a section name, another article's
    headline) is passed over for the variant most sources share, else the most trusted one.
    """
    cleaned = [(source, strip_site_name(title, site_name)) for source, title in candidates if title]
    cleaned = [(source, title) for source, title in cleaned if title]
    if not cleaned:
        return None
    keys = [_title_key(title) for _, title in cleaned]
    for index, (source, title) in enumerate(cleaned):
        if source != "h1" or len(keys[index]) < 10:
            continue
        own = f" {keys[index]} "
        if any(other and own in f" {other} " for position, other in enumerate(keys) if position != index):
            return source, title
    others = [(source, title, key) for (source, title), key in zip(cleaned, keys, strict=True) if source != "h1"]
    if not others:
        return cleaned[0]
    best = max(others, key=lambda item: sum(key == item[2] for _, _, key in others))
    return best[0], best[1]


_OUTSIDE_ARTICLE = etree.XPath(
    "boolean(ancestor::aside | ancestor::nav | ancestor::footer | ancestor::*[contains(@class, 'related')"
    " or contains(@class, 'teaser') or contains(@class, 'recommend') or contains(@class, 'sidebar')])"
)


def _shown_text(element: html.HtmlElement) -> str:
    """An element's text as a reader sees it, its pieces apart ("Jeff Foust<br>Monday" is not "Jeff FoustMonday")."""
    return " ".join(" ".join(SHOWN_TEXT(element)).split())


def byline_credits(tree: html.HtmlElement) -> list[tuple[str, str]]:
    """The credits of the page's first byline: its element and the byline elements beside it (in its parent),
    not the bylines of related articles, author boxes or comments further down the page. The names come from the
    innermost of these elements, an agency also from the text around them."""
    found = [e for e in BYLINE_CANDIDATES(tree) if e.get("rel") == "author" or BYLINE_CLASS.search(e.get("class", ""))]
    texts: dict[html.HtmlElement, str] = {}
    for element in found:
        texts[element] = _shown_text(element)
        if 0 < len(texts[element].split()) <= BYLINE_MAX_WORDS:  # not empty (<link rel=author>), not a bio
            first = element
            break
    else:
        return []
    scope = first.getparent()
    group = [first]
    for element in found[found.index(first) + 1 :]:
        if len(group) < 6 and scope is not None and any(a is scope for a in element.iterancestors()):
            text = texts[element] = _shown_text(element)
            if len(text.split()) <= BYLINE_MAX_WORDS:
                group.append(element)
    # the names are in the innermost byline elements: a container's own text also holds dates, categories, "Comment"
    inner = [e for e in group if not any(o is not e and any(a is e for a in o.iterancestors()) for o in group)]
    named = credits([texts[element] for element in inner])
    # an agency in the text around the names: "By <a>Jane Doe</a>, Associated Press", "Tom Davies <span>AP</span>"
    around = [texts[element] for element in group if element not in inner]
    scope_text = _shown_text(scope) if scope is not None else ""
    around += [scope_text] if len(scope_text.split()) <= BYLINE_MAX_WORDS else []
    known = {name.casefold() for name, _ in named}
    return named + [c for c in credits(around) if AGENCIES.match(c[0]) and c[0].casefold() not in known]


def _by_line(element: html.HtmlElement) -> list[tuple[str, str]]:
    """The credits of a short line of text that says "By ..." ("Written by", "Publicado por: ..."), up to a
    separator or a date after the names; none if the line is longer than a byline or names nobody."""
    text = _shown_text(element)
    if len(text.split()) > BYLINE_MAX_WORDS:
        return []
    found = BY_LINE.search(text)
    if not found or _OUTSIDE_ARTICLE(element):
        return []
    names = BY_LINE_END.split(found.group("names"), maxsplit=1)[0]
    # a full name or an agency: "Von Hamburg nach Berlin", "By Land and Sea" are no credits
    return [(name, kind) for name, kind in credits([names]) if kind == ORGANISATION or _is_full_name(name, set())]


def by_line_credits(tree: html.HtmlElement) -> list[tuple[str, str]]:
    """The credits of the first line of text that begins "By ..." when no element is marked as a byline: the
    name is often a link to the author's page, and the line a plain paragraph or div."""
    for piece in BY_TEXT_CANDIDATES(tree):
        if not BY_WORD.search(piece):
            continue
        # the line is the element the text is in: a tail's is its element's parent (also a comment's tail:
        # "<!-- -->Written by ...")
        owner = piece.getparent()
        owner = owner.getparent() if piece.is_tail and owner is not None else owner
        found = _by_line(owner) if owner is not None else []
        if found:
            return found
    return []


def _bracket_credit(text: str) -> str | None:
    """The name in a Korean credit "[매체=이름 기자]" ("[media=name reporter]") or "[매체=이름의 칼럼]" ("[media=
    name's column]"): one name of two to four syllables, marked by a role word or by the possessive."""
    found = BRACKET_CREDIT.match(text)
    if not found:
        return None
    credited = found.group("credit")
    before_column = POSSESSIVE.split(credited, maxsplit=1)[0]  # "정덕현의 이슈공감" -> "정덕현"
    words = before_column.split()
    names = [word for word in words if not KOREAN_ROLE.match(word)]
    is_credit = len(names) < len(words) or before_column != credited
    return names[0] if is_credit and len(names) == 1 and HANGUL_NAME.fullmatch(names[0]) else None


def bracket_credits(tree: html.HtmlElement) -> list[str]:
    """The name of a Korean credit opening the article's text (the media's name before "=" is the site)."""
    for piece in BRACKET_TEXT_CANDIDATES(tree):
        if piece.lstrip().startswith("[") and (name := _bracket_credit(piece)):
            return [name]
    return []


def _site_key(name: str) -> str:
    return re.sub(r"\W+|\.(com|org|net|co|info)\b", "", name.casefold())


def _is_site(name: str, site: set[str]) -> bool:
    """The site itself, or its name with a desk or network added ("CNN Business", "NJ Advance Media for NJ.com")."""
    key = _site_key(name)
    if any(key == s or (len(s) >= 3 and (key.startswith(s) or key.endswith(s))) for s in site if s):
        return True
    last = name.split()[-1] if name.split() else ""
    # a short domain written out ("... for NJ.com"), read as the page's own address is (cleveland.com -> cleveland)
    return bool(DOMAIN_LIKE.match(last)) and _site_key(last.rsplit(".", 1)[0]) in site


def _site_names(page: ParsedPage) -> set[str]:
    """The names the site calls itself: publisher, WebSite and NewsMediaOrganization names, og:site_name."""
    names = [o.get("name") for o in page.json_ld if types_of(o) & {"WebSite", "NewsMediaOrganization"}]
    names += [o["publisher"].get("name") for o in page.articles if isinstance(o.get("publisher"), dict)]
    names += page.meta_values("og:site_name", "application-name")
    for address in [*page.meta_values("og:url"), *page.tree.xpath("//link[@rel='canonical']/@href")][:2]:
        host = re.sub(r"^[a-z]+://(www\.)?|[:/].*$", "", address.strip().lower())
        names.append(host.rsplit(".", 1)[0] if "." in host else host)  # cleveland.com -> cleveland
    return {_site_key(name) for name in names if isinstance(name, str) and name.strip()}


def _is_full_name(name: str, known: set[str]) -> bool:
    """A person's full name: two to four capitalised words (particles aside), none of them a known name again."""
    words = name.split()
    if not 2 <= len(words) <= 4 or any(other in name.casefold() for other in known):
        return False
    return all(word[:1].isupper() or word.casefold() in NAME_PARTICLES for word in words)


def _byline_says_more(stated: list[str], byline: list[str], site: set[str]) -> bool:
    """The visible byline over the page's structured author: when it names every stated author and more (the
    JSON-LD has the first of three), or when the stated author is only the site or its newsroom ("AppleInsider",
    "Science X staff") and the byline names a person."""
    if not stated or not byline:
        return False
    known = {name.casefold() for name in stated}
    extra = [name for name in byline if name.casefold() not in known]
    if known <= {name.casefold() for name in byline} and extra:
        # more names, each a full name or an agency (not a section, a "Biography" link or the name twice)
        return all(AGENCIES.match(name) or _is_full_name(name, known) for name in extra)
    is_generic = all(is_newsroom(name) or _is_site(name, site) for name in stated)
    return is_generic and any(clean_person(name) and not _is_site(name, site) for name in byline)


def _byline_says_less(stated: list[str], byline: list[str]) -> bool:
    """A meta author tag that adds to the byline's names ("Jane Doe. Example International" where the byline
    shows Jane Doe) adds an affiliation or the site, not a credit: the byline's names are the credits."""
    shown = {name.casefold() for name in byline}
    return bool(shown) and shown < {name.casefold() for name in stated}


def _credit_kinds(meta: ArticleMetadata, site: set[str]) -> None:
    """Each author's kind; the site's own name ("Jane Doe, Example News" on example news) is dropped when a
    person is credited: it is an affiliation, or a generic meta author, not the byline."""
    kinds = [(found or (name, PERSON))[1] for name in meta.authors for found in [credit(name)]]
    pairs = list(zip(meta.authors, kinds, strict=True))
    if any(kind == PERSON and not _is_site(name, site) for name, kind in pairs):
        # an agency stays: syndicated copy often names the agency as its publisher ("Jane Doe, Associated Press")
        pairs = [(name, kind) for name, kind in pairs if not _is_site(name, site) or AGENCIES.match(name)]
        meta.authors, kinds = [name for name, _ in pairs], [kind for _, kind in pairs]
    meta.author_kinds = kinds


def _from_json_ld(page: ParsedPage, meta: ArticleMetadata) -> None:
    site = _site_names(page)
    for obj in page.articles:
        source = "json-ld"
        meta.offer("title", _clean(obj.get("headline") or obj.get("name")), source)
        meta.offer("authors", people(_names(obj.get("author"), site)), source)
        meta.offer("description", _clean(obj.get("description")), source)
        meta.offer("image_url", _url(obj.get("image") or obj.get("thumbnailUrl")), source)
        section = obj.get("articleSection")
        meta.offer("section", _clean(section[0] if isinstance(section, list) and section else section), source)
        meta.offer("tags", _keywords(obj.get("keywords")), source)
        meta.offer("language", _clean(obj.get("inLanguage")), source)
        meta.offer("canonical_url", _url(obj.get("mainEntityOfPage")) or _url(obj.get("url")), source)
        publisher = obj.get("publisher")
        if isinstance(publisher, dict):
            meta.offer("site_name", _clean(publisher.get("name")), source)
    for obj in page.json_ld:
        if types_of(obj) & {"WebSite", "NewsMediaOrganization"}:
            meta.offer("site_name", _clean(obj.get("name")), "json-ld")


def read_article_metadata(page: ParsedPage | html.HtmlElement) -> ArticleMetadata:
    """Everything but dates, from the page's own evidence, most trusted source first."""
    page = as_parsed(page)
    tree = page.tree
    meta = ArticleMetadata()
    _from_json_ld(page, meta)

    titles = [(meta.sources["title"], meta.title)] if meta.title else []
    meta.title = None
    for source, names in (
        ("og:title", ("og:title",)),
        ("meta:twitter:title", ("twitter:title", "parsely-title", "dc.title")),
    ):
        titles += [(source, title) for title in _meta(page, *names)[:1]]
    meta.offer("description", next(iter(_meta(page, "og:description")), None), "og:description")
    meta.offer("description", next(iter(_meta(page, "description", "twitter:description")), None), "meta:description")
    meta.offer("image_url", next(iter(_meta(page, "og:image", "og:image:url")), None), "og:image")
    meta.offer("image_url", next(iter(_meta(page, "twitter:image", "twitter:image:src")), None), "meta:twitter:image")
    meta.offer("site_name", next(iter(_meta(page, "og:site_name")), None), "og:site_name")
    meta.offer("site_name", next(iter(_meta(page, "application-name", "publisher")), None), "meta:application-name")
    meta.offer("section", next(iter(_meta(page, "article:section")), None), "og:article:section")
    meta.offer("section", next(iter(_meta(page, "section", "parsely-section")), None), "meta:section")
    meta.offer("tags", list(dict.fromkeys(_meta(page, "article:tag"))), "og:article:tag")
    meta.offer("tags", [k for v in _meta(page, "news_keywords", "keywords") for k in _keywords(v)], "meta:keywords")
    authors = [a for a in _meta(page, "author", "article:author", "parsely-author", "dc.creator")]
    site = _site_names(page) | ({_site_key(meta.site_name)} if meta.site_name else set())
    meta_authors = shown_credits(page, people(authors))
    meta_credits = credits(meta_authors)
    is_generic = all(kind == ORGANISATION or _is_site(name, site) for name, kind in meta_credits)
    if not is_generic:  # a generic meta author (the site, "Redacción") yields to a person byline below
        meta.offer("authors", meta_authors, "meta:author")
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    if canonical and canonical[0].strip():
        # The canonical link is the page's own statement about its address: trusted above JSON-LD's url.
        meta.canonical_url, meta.sources["canonical_url"] = canonical[0].strip(), "link:canonical"
    meta.offer("canonical_url", next(iter(_meta(page, "og:url")), None), "og:url")

    for prop, name in (("description", "description"), ("articleSection", "section")):
        found = _microdata(page, prop)
        meta.offer(name, _microdata_text(found[0]) if found else None, f"microdata:{prop}")
    images = _microdata(page, "image")
    meta.offer("image_url", _microdata_text(images[0]) if images else None, "microdata:image")
    keywords = _microdata(page, "keywords")
    meta.offer("tags", _keywords(_microdata_text(keywords[0])) if keywords else [], "microdata:keywords")
    tag_links = [_clean(a.text_content()) for a in tree.xpath("//a[contains(concat(' ', @rel, ' '), ' tag ')]")]
    meta.offer("tags", list(dict.fromkeys(t for t in tag_links if t)), "link:rel=tag")
    microdata_authors = []
    for element in _microdata(page, "author"):
        if _OUTSIDE_ARTICLE(element):  # the author of a linked or recommended article
            continue
        named = element.xpath(".//*[@itemprop='name']")
        microdata_authors.append(_microdata_text(named[0] if named else element) or "")
    meta.offer("authors", shown_credits(page, people(microdata_authors)), "microdata:author")

    byline = [name for name, _ in byline_credits(tree)]
    meta.offer("authors", byline, "byline")
    if not meta.authors:
        meta.offer("authors", [name for name, _ in by_line_credits(tree)], "byline:text")
        meta.offer("authors", bracket_credits(tree), "body:credit")
    meta.offer("authors", meta_authors, "meta:author")
    stated_by = meta.sources.get("authors")
    if (stated_by != "byline" and _byline_says_more(meta.authors, byline, site)) or (
        stated_by == "meta:author" and _byline_says_less(meta.authors, byline)
    ):
        meta.authors, meta.sources["authors"] = byline, "byline"
    _credit_kinds(meta, site)
    headlines = [h for h in (" ".join(e.text_content().split()) for e in tree.iter("h1")) if h][:2]
    microdata_headline = _microdata(page, "headline")
    if microdata_headline:
        titles.append(("microdata:headline", _microdata_text(microdata_headline[0]) or ""))
    titles += [("title", title) for title in [_clean(tree.findtext(".//title"))] if title]
    titles += [("h1", headline) for headline in headlines]
    chosen = choose_title(titles, meta.site_name)
    if chosen is not None:
        meta.sources["title"], meta.title = chosen

    meta.offer("language", next(iter(tree.xpath("/html/@lang")), "").strip(), "html:lang")
    meta.offer("language", next(iter(_meta(page, "og:locale", "content-language", "language")), None), "meta:locale")
    meta.offer("language", next(iter(tree.xpath("//meta[@http-equiv='content-language']/@content")), None), "meta")
    if meta.language:
        meta.language = re.split(r"[-_]", meta.language.strip())[0].lower()
    return meta
