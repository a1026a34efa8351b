"""Resuming a crawl that was stopped, however it was stopped; the WARC file is the record of what was done.

Scrapy's job folder (JOBDIR) resumes a crawl that Scrapy itself shut down (SIGTERM, SIGINT): its queue and
seen-request store were written out. A crawl killed outright (SIGKILL, an out-of-memory kill, a lost worker)
leaves a queue that may be half written and a seen-request store that says the sitemaps were read, so a
resume from it fetches nothing; its job folder lacks CrawlHealth's clean-stop mark and is discarded. Either
way the archive decides: a record cut short by the kill (or by a full disk) is cut off, and every URL whose
response is archived is not fetched again.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import shutil
import signal
import zlib
from pathlib import Path
from typing import IO

import fsspec
from warcio.archiveiterator import ArchiveIterator

from broadsheet.archive import archive_exists, is_local_archive
from crawlers.crawl_health import CLEAN_STOP_MARK

logger = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
# Scrapy's own shutdown (SIGTERM, SIGINT) lets the requests in flight finish and be archived, and writes its
# queue: resumable. A crawl that failed (an archive write, a full disk) or was killed may have fetched pages
# it never archived, which its seen-request store would never let it fetch again: resumed from the archive.
RESUMABLE = {"shutdown"}


def stop_with_parent() -> None:
    """In the crawl process (before exec): receive SIGTERM when the process that started it dies, so a killed
    Airflow task never leaves its crawl running beside the retry's (Linux; elsewhere a no-op)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _complete_records(location: str | Path) -> tuple[int, set[str]]:
    """(byte length of the complete records at the start of the file, requested URLs of their responses)."""
    end = 0
    last: tuple[int, int, str | None] | None = None  # (offset, length, requested URL) of the last record read
    urls: set[str] = set()
    fs, path = fsspec.core.url_to_fs(str(location))
    with fs.open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                record.content_stream().read()
                url = None
                if record.rec_type == "response":
                    headers = record.rec_headers
                    url = headers.get_header("Broadsheet-Requested-URI") or headers.get_header("WARC-Target-URI")
                    urls.add(url)
                records.read_to_end()
                last = (records.get_record_offset(), records.get_record_length(), url)
                end = last[0] + last[1]
        except Exception as error:  # a record cut short: everything from it on is dropped
            logger.warning("archive %s: a record cut short at byte %d is dropped (%s)", location, end, error)
        if last is not None and not _whole_gzip_member(stream, last[0], last[1]):
            # warcio reads a gzip member cut short (a full disk, a kill mid-write) without complaint, and a record
            # appended after it would then be read as its continuation: garbage to every later reader.
            logger.warning("archive %s: the last record (byte %d) was cut short and is dropped", location, last[0])
            end = last[0]
            if last[2] is not None:
                urls.discard(last[2])
    return end, urls


def _whole_gzip_member(stream: IO[bytes], offset: int, length: int) -> bool:
    """Whether the bytes of one record form a complete gzip member (an archive written uncompressed always does)."""
    stream.seek(offset)
    data = stream.read(length)
    if not data.startswith(b"\x1f\x8b"):
        return True
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        decompressor.decompress(data)
    except zlib.error:
        return False
    return decompressor.eof


def repair_archive(location: str | Path) -> set[str]:
    """Cut a local archive after its last complete record; returns the requested URLs whose responses it holds.

    An archive in an object store is read only: an upload cut short is never committed, so the object is
    whole (or absent) and there is nothing to cut."""
    if not archive_exists(location):
        return set()
    end, urls = _complete_records(location)
    path = Path(location)
    if is_local_archive(location) and end < path.stat().st_size:
        with path.open("r+b") as stream:
            stream.truncate(end)
    return urls


def prepare_resume(archive_path: str | Path, job_dir: Path | None) -> set[str]:
    """Before a crawl starts: discard a job folder a killed crawl left, mend the archive, and return the URLs
    already archived (the spider does not request them again)."""
    mark = job_dir / CLEAN_STOP_MARK if job_dir is not None else None
    stopped_by = mark.read_text(encoding="utf-8") if mark is not None and mark.exists() else None
    if job_dir is not None and job_dir.exists() and stopped_by not in RESUMABLE:
        logger.warning("job folder %s not resumable (%s): resuming from the archive", job_dir, stopped_by or "killed")
        shutil.rmtree(job_dir)
    return repair_archive(archive_path)
