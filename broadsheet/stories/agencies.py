"""Which news agency an article credits: from its byline, else from the dateline that opens its body.

An author the extraction judged an organisation (warehouse.authors.kind) is a credit as it stands, unless it is
the site's own newsroom ("Staff", "Web Desk"); names the extraction has not judged (rows loaded before kinds
were stored, dateline credits) are recognised from the list below. They are the agencies
whose copy is syndicated most widely; a credit names the agency as the agency spells itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from transforms.article_metadata import is_newsroom

# Each agency's name as credited, and the spellings bylines and datelines use for it (compared case-folded).
KNOWN_AGENCIES: dict[str, tuple[str, ...]] = {
    "Reuters": ("reuters", "thomson reuters"),
    "Associated Press": ("associated press", "the associated press", "ap"),
    "AFP": ("afp", "agence france-presse", "agence france presse"),
    "dpa": ("dpa", "deutsche presse-agentur"),
    "EFE": ("efe", "agencia efe"),
    "Europa Press": ("europa press",),
    "ANSA": ("ansa",),
    "PA Media": ("pa media", "press association", "pa"),
    "Bloomberg": ("bloomberg", "bloomberg news"),
    "UPI": ("upi", "united press international"),
    "Xinhua": ("xinhua",),
    "Kyodo": ("kyodo", "kyodo news"),
    "Canadian Press": ("the canadian press", "canadian press"),
    "AAP": ("aap", "australian associated press"),
    "APA": ("apa",),
    "KNA": ("kna",),
    "epd": ("epd",),
    "ANP": ("anp",),
    "Belga": ("belga",),
}
_BY_SPELLING = {spelling: name for name, spellings in KNOWN_AGENCIES.items() for spelling in spellings}
# "By Reuters", "Reuters staff", "AP | Updated", "dpa/lni", "(AFP)": a credit is the byline's words up to such noise.
_BYLINE_NOISE = re.compile(r"^(?:by|von|por|par|per)\s+|\s+(?:staff|reporters?|news agency)$|[/|].*$", re.IGNORECASE)
# "LINWOOD (AP) — ", "BERLIN (dpa) - ", "Madrid, 3 mar (EFE).- ": an agency's dateline at the start of a body.
DATELINE_PARAGRAPHS = 3
_DATELINE = re.compile(r"^[^\n()]{0,60}\(([A-Za-z][A-Za-z .\-]{1,40})\)\s*[.:]?[—–-]", re.UNICODE)


def _agency_named(text: str) -> str | None:
    cleaned = _BYLINE_NOISE.sub("", text.strip().strip("()").strip()).strip(" .,").casefold()
    return _BY_SPELLING.get(cleaned)


def _unless_newsroom(name: str) -> str | None:
    return None if is_newsroom(name) else name.strip()


def agency_credit(authors: Iterable[str], body_text: str, organisations: Iterable[str] = ()) -> str | None:
    """The agency the article credits, or None: an organisation in its byline first, else a known agency in
    its byline, else the agency of a dateline opening one of the body's first paragraphs."""
    names = [name for name in authors if name and name.strip()]
    organisation_names = {name.casefold() for name in organisations}
    for name in names:
        if name.casefold() in organisation_names and (agency := _agency_named(name) or _unless_newsroom(name)):
            return agency
    for name in names:
        if agency := _agency_named(name):
            return agency
    for paragraph in body_text.strip().splitlines()[:DATELINE_PARAGRAPHS]:  # after a site's own local intro
        match = _DATELINE.match(paragraph.strip())
        if match and (agency := _agency_named(match.group(1))):
            return agency
    return None
