"""Pages a crawl deliberately left: counted per run and reason in etl.run_skips, so a cap that was reached is
a number in the run's accounting and a warning in the run report, not only a log line."""

from __future__ import annotations

import logging

import psycopg

logger = logging.getLogger(__name__)

# Scrapy stat (without its broadsheet/ prefix) -> skip reason
SKIP_STATS = {"articles_over_page_cap": "over_page_cap", "forbidden_by_robots": "forbidden_by_robots"}


def record_crawl_skips(
    conn: psycopg.Connection, site_key: str, run_id: str, stats: dict[str, float], max_pages: int
) -> dict[str, int]:
    """Store the crawl's skips (a retried crawl replaces its counts); returns reason -> pages."""
    skips = {reason: int(stats.get(stat, 0)) for stat, reason in SKIP_STATS.items() if stats.get(stat)}
    details = {"over_page_cap": f"max_pages={max_pages}", "forbidden_by_robots": "robots.txt"}
    with conn.transaction():
        conn.execute("delete from etl.run_skips where run_id = %s and site_key = %s", (run_id, site_key))
        for reason, pages in skips.items():
            conn.execute(
                "insert into etl.run_skips (run_id, site_key, reason, pages, detail) values (%s, %s, %s, %s, %s)",
                (run_id, site_key, reason, pages, details[reason]),
            )
    if "over_page_cap" in skips:
        logger.warning(
            "site=%s run=%s stage=crawl reached max_pages=%d: %d article URLs left unfetched "
            "(raise [limits] max_pages in the site's entry to take them)",
            site_key, run_id, max_pages, skips["over_page_cap"],
        )  # fmt: skip
    return skips
