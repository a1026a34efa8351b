"""From a fetched body to a document tree, the way a browser gets there: whatever the page's encoding, however
broken its markup. Everything downstream (our rules, trafilatura, the metadata readers) reads the tree."""

from __future__ import annotations

import re
import unicodedata

import charset_normalizer
from lxml import etree, html
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom

from broadsheet.records import FetchedPage

TEXT_BYTES = b"\t\n\x0c\r" + bytes(range(32, 256))  # what text in any single- or multi-byte encoding uses
# Characters dropped before parsing, as such or as a character reference: those an lxml tree cannot hold
# (control characters, lone surrogates, U+FFFE/U+FFFF: browsers show nothing for them; trafilatura crashes on
# them), and the soft hyphen (U+00AD, &shy;), a hyphenation hint a browser shows only at a line break: kept, it
# splits words ("Mag&shy;da&shy;le&shy;ner") for search, deduplication and every text rule.
DROPPED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\xad\ud800-\udfff\ufffe\uffff]")
# The same characters, removed from the page's UTF-8 bytes (a fifth of the regex's cost on a whole page): control
# bytes never occur inside a multi-byte sequence, and lone surrogates are what UTF-8 cannot encode.
DROPPED_CONTROL_BYTES = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
DROPPED_SEQUENCES = ("\xad".encode(), "\ufffe".encode(), "\uffff".encode(), b"&shy;")  # U+00AD, U+FFFE, U+FFFF
NUMERIC_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,8})|0*([0-9]{1,10}));?")
# trafilatura's parser settings, plus huge_tree: without it libxml2 stops 256 elements deep and silently drops
# the rest of the page, which hundreds of unclosed tags (<font>, <div>) on an old or broken page reach.
PAGE_PARSER = html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
)
# Every element an HtmlElement (text_content, drop_tree), chosen in C: lxml.html's own lookup is a Python call per
# element proxy (half a million on the benchmark's 181 pages, a tenth of the body's CPU) only to give <form>,
# <input> and <label> classes of their own, which nothing here uses.
PAGE_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity
    )
)


def looks_binary(head: bytes) -> bool:
    """Images, PDFs and archives are full of control bytes; a text page has none, or one stray byte."""
    control_bytes = head.translate(None, TEXT_BYTES)
    return len(control_bytes) > max(2, len(head) // 50)


def _detected(body: bytes) -> str | None:
    """The encoding a page that declares none is most likely in (Shift-JIS, GB2312, EUC-KR...), as a browser's
    detector would guess it."""
    best = charset_normalizer.from_bytes(body[:65536]).best()
    return best.encoding if best is not None else None


def decode_page(page: FetchedPage) -> str | None:
    """The page's text, or None when the body is binary.

    Read the way browsers do (w3lib: byte-order mark, HTTP charset, `<meta charset>`, UTF-8). Pages whose bytes
    are not in the encoding they declare are common (a CMS that says UTF-8 and serves Windows-1252); rather
    than replace their accented letters with U+FFFD, the first of the other candidates that decodes every byte
    wins: the `<meta>` declaration, UTF-8, a detected encoding when none is declared, then Windows-1252.
    """
    body = page.body
    if read_bom(body)[0] is None and looks_binary(body[:4096]):
        return None
    _, text = html_to_unicode(page.headers.get("content-type"), body)
    if "\ufffd" not in text:
        return text
    declared = http_content_type_encoding(page.headers.get("content-type")) or html_body_declared_encoding(body)
    for encoding in (html_body_declared_encoding(body), "utf-8", None if declared else _detected(body), "cp1252"):
        if encoding:
            try:
                return body.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return text  # the declared reading, with the bytes it could not read replaced


def _holdable_reference(match: re.Match[str]) -> str:
    """A numeric character reference as written, or "" when it stands for a character dropped before parsing."""
    hexadecimal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    return "" if code > 0x10FFFF or DROPPED_CHARACTERS.match(chr(code)) else match.group(0)


def _holdable_utf8(text: str) -> bytes:
    """The page as UTF-8 without the characters DROPPED_CHARACTERS names (and the &shy; entity)."""
    data = text.encode("utf-8", "ignore").translate(None, DROPPED_CONTROL_BYTES)  # "ignore" drops lone surrogates
    for sequence in DROPPED_SEQUENCES:
        if sequence in data:
            data = data.replace(sequence, b"")
    return data


def load_page(text: str) -> html.HtmlElement | None:
    """The page's document tree, however deeply its markup nests; None for a page with no element at all."""
    # one spelling per character: a page may write "য়" as one code point or as two (য + ় nukta) and "é" as e +
    # U+0301; normalised (NFC, as trafilatura.extract returns its text), the same words match in search and dedup
    text = unicodedata.normalize("NFC", text)
    text = NUMERIC_CHARACTER_REFERENCE.sub(_holdable_reference, text)
    try:  # as UTF-8 bytes, as trafilatura does: lxml refuses a str that declares its encoding
        return html.document_fromstring(_holdable_utf8(text), parser=PAGE_PARSER)
    except etree.ParserError:  # "Document is empty"
        return None
