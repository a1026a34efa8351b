"""The WARC archive: every fetched page is written here, and every later stage reads pages back from it.

One gzipped WARC file per site and run, a request and a response record per fetch. A page's place in the
archive is "<file name>#<byte offset of its response record>", stored beside the URL downstream.

The archive's root is a local folder or an object store URL (`BROADSHEET_ARCHIVE_URL=s3://bucket/prefix`):
every read and write goes through fsspec, so Celery workers on several machines share one archive. Writes
stream (an S3 multipart upload, never the whole file in memory); a single record is read by a byte range
from its offset. S3 credentials and endpoint come from the usual AWS variables (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL for an S3-compatible store) or the machine's role.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import IO

import fsspec
from fsspec.spec import AbstractFileSystem
from fsspec.utils import get_protocol
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from broadsheet.records import FetchedPage

SITE_KEY_HEADER = "Broadsheet-Site-Key"
REQUESTED_URI_HEADER = "Broadsheet-Requested-URI"
DISCOVERY_HEADER = "Broadsheet-Discovery"  # JSON: what the sitemap or feed said about the URL
# Scrapy hands us decoded bodies; these headers would describe the wire encoding, not what we store.
_WIRE_ONLY_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
_READ_BLOCK_BYTES = 1024 * 1024  # object stores: one ranged GET per MiB read sequentially
# zlib level of each record's gzip member. warcio's own is 9: on 120 KB news pages it costs 36 ms a page
# against 9 ms at 3, for an archive 15% larger (docs/benchmarks.md, "WARC writing").
DEFAULT_GZIP_LEVEL = 3


def _filesystem(location: str | Path) -> tuple[AbstractFileSystem, str]:
    """The file system holding `location` and the path inside it."""
    return fsspec.core.url_to_fs(str(location))


def is_local_archive(location: str | Path) -> bool:
    """Whether `location` is a path on this machine (not an object store URL)."""
    return get_protocol(str(location)) in {"file", "local"}


def archive_path(archive_root: str | Path, site_key: str, interval_start: datetime, run_slug: str) -> str:
    """Where one site's WARC for one run and data interval lives (a local path or an object URL)."""
    root = os.path.abspath(archive_root) if is_local_archive(archive_root) else str(archive_root).rstrip("/")
    return posixpath.join(root, site_key, interval_start.strftime("%Y-%m-%d"), f"{run_slug}.warc.gz")


def archive_exists(location: str | Path) -> bool:
    fs, path = _filesystem(location)
    fs.invalidate_cache(path)  # another process (the crawl) may have written it since we last looked
    return fs.exists(path)


def remove_archive(location: str | Path) -> None:
    """Delete an archive file if it is there (a retried crawl starts its own file again)."""
    if archive_exists(location):
        fs, path = _filesystem(location)
        fs.rm(path)


def list_archives(archive_root: str | Path, site_key: str, days: Iterable[str]) -> list[str]:
    """Every WARC file of the site under the given day folders (YYYY-MM-DD), oldest write first."""
    root = archive_path(archive_root, site_key, datetime(2000, 1, 1), "x").rsplit("/", 2)[0]  # <root>/<site>
    fs, site_dir = _filesystem(root)
    fs.invalidate_cache()  # the crawl wrote from another process
    wanted = set(days)
    found: list[tuple[float, str, str]] = []  # one listing of the site's folder, not one per day
    for name, info in fs.glob(posixpath.join(site_dir, "*", "*.warc.gz"), detail=True).items():
        if posixpath.basename(posixpath.dirname(name)) in wanted:
            found.append((_modified_at(info), posixpath.basename(name), name))
    if is_local_archive(archive_root):
        return [name for *_, name in sorted(found)]
    return [f"{get_protocol(root)}://{name}" for *_, name in sorted(found)]


def _modified_at(info: dict) -> float:
    when = info.get("mtime") or info.get("LastModified") or info.get("last_modified") or 0
    return when.timestamp() if isinstance(when, datetime) else float(when)


class _GzipMember:
    """One record's gzip member at a chosen level (warcio's GzippingWrapper always uses level 9)."""

    def __init__(self, out: IO[bytes], level: int) -> None:
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self._out = out

    def write(self, data: bytes) -> None:
        self._out.write(self._compressor.compress(data))

    def flush(self) -> None:
        self._out.write(self._compressor.flush())
        self._out.flush()


class _LeveledWARCWriter(WARCWriter):
    """warcio's writer with each record gzipped at `level`."""

    def __init__(self, out: IO[bytes], level: int) -> None:
        super().__init__(out, gzip=False)
        self.level = level

    def _write_warc_record(self, out: IO[bytes], record: ArcWarcRecord) -> None:
        super()._write_warc_record(_GzipMember(out, self.level), record)


class ArchiveWriter:
    """Append fetched pages to one WARC file (request + response records, each gzipped on its own)."""

    def __init__(self, location: str | Path, gzip_level: int = DEFAULT_GZIP_LEVEL) -> None:
        fs, path = _filesystem(location)
        fs.makedirs(posixpath.dirname(path), exist_ok=True)
        self.location = str(location)
        self.name = posixpath.basename(path)
        self._file: IO[bytes] = fs.open(path, "ab")  # a resumed crawl appends (an object store copies, then appends)
        self._writer = _LeveledWARCWriter(self._file, gzip_level)
        if self._file.tell() == 0:
            info = self._writer.create_warcinfo_record(self.name, {"software": "Broadsheet (warcio)"})
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
        self._file.flush()  # local: on disk now; object store: uploaded part by part as blocks fill
        return f"{self.name}#{offset}"

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _page_of(record: ArcWarcRecord, name: str, offset: int) -> FetchedPage:
    headers = record.rec_headers
    http = record.http_headers
    return FetchedPage(
        site_key=headers.get_header(SITE_KEY_HEADER) or "",
        requested_url=headers.get_header(REQUESTED_URI_HEADER) or headers.get_header("WARC-Target-URI"),
        final_url=headers.get_header("WARC-Target-URI"),
        status=int(http.get_statuscode()),
        headers={k.lower(): v for k, v in http.headers if k.lower() != "content-length"},
        body=record.content_stream().read(),
        fetched_at=datetime.strptime(headers.get_header("WARC-Date"), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
        archive_location=f"{name}#{offset}",
        discovery=json.loads(headers.get_header(DISCOVERY_HEADER) or "{}"),
    )


def read_archive(location: str | Path) -> Iterator[FetchedPage]:
    """Yield every response in a WARC file as the page that was fetched, body byte for byte."""
    fs, path = _filesystem(location)
    name = posixpath.basename(path)
    with fs.open(path, "rb", block_size=_READ_BLOCK_BYTES) as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type == "response":
                page = _page_of(record, name, 0)  # the body first: asking for the offset skips past it
                yield replace(page, archive_location=f"{name}#{records.get_record_offset()}")


def read_page(location: str | Path, offset: int) -> FetchedPage:
    """The one page whose response record starts at `offset`: a ranged read, not the whole file."""
    fs, path = _filesystem(location)
    with fs.open(path, "rb", block_size=64 * 1024, cache_type="readahead") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)), None)
        if record is None or record.rec_type != "response":
            raise ValueError(f"no response record at byte {offset} of {location}: is the archive location right?")
        return _page_of(record, posixpath.basename(path), offset)


def latest_pages(locations: list[str] | list[Path]) -> Iterator[FetchedPage]:
    """The pages of several WARC files, oldest file first, each URL once: its latest fetch.

    A 304 only confirms an earlier body, so it does not replace an earlier full fetch of the same URL: a
    re-process from the archive still finds that body. Two passes (which record to keep, then read it) so
    that only one page body is held at a time; a file most of whose pages a later file replaced is read by
    byte ranges, only the records kept.
    """
    latest: dict[str, tuple[int, int]] = {}
    records_per_file: list[int] = []
    for index, location in enumerate(locations):
        count = 0
        for page in read_archive(location):
            count += 1
            if page.status == 304 and page.requested_url in latest:
                continue
            latest[page.requested_url] = (index, _offset(page.archive_location))
        records_per_file.append(count)
    for index, location in enumerate(locations):
        kept = sorted(offset for file_index, offset in latest.values() if file_index == index)
        if len(kept) * 2 < records_per_file[index]:
            yield from (read_page(location, offset) for offset in kept)
            continue
        wanted = set(kept)
        yield from (page for page in read_archive(location) if _offset(page.archive_location) in wanted)


def _offset(archive_location: str) -> int:
    return int(archive_location.rsplit("#", 1)[1])
