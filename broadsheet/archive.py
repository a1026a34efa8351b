"""The WARC archive: every fetched page is written here, and every later stage reads pages back from it.

One gzipped WARC file per site and run, a request and a response record per fetch. A page's place in the
archive is "<file name>#<byte offset of its response record>", stored beside the URL downstream.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from broadsheet.records import FetchedPage

SITE_KEY_HEADER = "Broadsheet-Site-Key"
REQUESTED_URI_HEADER = "Broadsheet-Requested-URI"
DISCOVERY_HEADER = "Broadsheet-Discovery"  # JSON: what the sitemap or feed said about the URL
# Scrapy hands us decoded bodies; these headers would describe the wire encoding, not what we store.
_WIRE_ONLY_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def archive_path(archive_dir: Path, site_key: str, interval_start: datetime, run_slug: str) -> Path:
    """Where one site's WARC for one run and data interval lives."""
    return archive_dir / site_key / interval_start.strftime("%Y-%m-%d") / f"{run_slug}.warc.gz"


class ArchiveWriter:
    """Append fetched pages to one WARC file (request + response records, each gzipped on its own)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: BinaryIO = path.open("ab")
        self._writer = WARCWriter(self._file, gzip=True)
        if self._file.tell() == 0:
            info = self._writer.create_warcinfo_record(path.name, {"software": "Broadsheet (warcio)"})
            self._writer.write_record(info)

    def write(self, page: FetchedPage, request_headers: dict[str, str] | None = None) -> str:
        """Write one exchange; returns its archive location."""
        warc_date = page.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        common = {
            "WARC-Date": warc_date,
            SITE_KEY_HEADER: page.site_key,
            REQUESTED_URI_HEADER: page.requested_url,
        }
        if page.discovery:
            common[DISCOVERY_HEADER] = json.dumps(page.discovery, ensure_ascii=True, sort_keys=True)
        request_line = f"GET {page.final_url} HTTP/1.1"
        request = self._writer.create_warc_record(
            page.final_url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(request_line, list((request_headers or {}).items()), is_http_request=True),
            warc_headers_dict=common,
        )
        headers = [(k, v) for k, v in page.headers.items() if k.lower() not in _WIRE_ONLY_HEADERS]
        headers.append(("Content-Length", str(len(page.body))))
        try:
            reason = HTTPStatus(page.status).phrase
        except ValueError:
            reason = "Unknown"
        response = self._writer.create_warc_record(
            page.final_url,
            "response",
            payload=io.BytesIO(page.body),
            http_headers=StatusAndHeaders(f"{page.status} {reason}", headers, protocol="HTTP/1.1"),
            warc_headers_dict=common,
        )
        self._writer.write_record(request)
        offset = self._file.tell()
        self._writer.write_record(response)
        self._file.flush()
        return f"{self.path.name}#{offset}"

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def read_archive(path: Path) -> Iterator[FetchedPage]:
    """Yield every response in a WARC file as the page that was fetched, body byte for byte."""
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type != "response":
                continue
            headers = record.rec_headers
            http = record.http_headers
            body = record.content_stream().read()
            yield FetchedPage(
                site_key=headers.get_header(SITE_KEY_HEADER) or "",
                requested_url=headers.get_header(REQUESTED_URI_HEADER) or headers.get_header("WARC-Target-URI"),
                final_url=headers.get_header("WARC-Target-URI"),
                status=int(http.get_statuscode()),
                headers={k.lower(): v for k, v in http.headers if k.lower() != "content-length"},
                body=body,
                fetched_at=datetime.strptime(headers.get_header("WARC-Date"), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
                archive_location=f"{path.name}#{records.get_record_offset()}",
                discovery=json.loads(headers.get_header(DISCOVERY_HEADER) or "{}"),
            )


def latest_pages(paths: list[Path]) -> Iterator[FetchedPage]:
    """The pages of several WARC files, oldest file first, each URL once: its latest fetch.

    A 304 only confirms an earlier body, so it does not replace an earlier full fetch of the same URL: a
    re-process from the archive still finds that body. Two passes (which record to keep, then read it) so
    that only one page body is held at a time.
    """
    latest: dict[str, tuple[int, str]] = {}
    for index, path in enumerate(paths):
        for page in read_archive(path):
            if page.status == 304 and page.requested_url in latest:
                continue
            latest[page.requested_url] = (index, page.archive_location)
    for index, path in enumerate(paths):
        for page in read_archive(path):
            if latest.get(page.requested_url) == (index, page.archive_location):
                yield page
