"""One settings object for the whole pipeline, read once from BROADSHEET_* variables and passed down.

Scrapy's and Airflow's settings are derived from it (see crawlers/scrapy_settings.py and
broadsheet/airflow_env.py) rather than configured a second time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_datasets_dir() -> Path:
    """../shared/datasets beside the checkout (BROADSHEET_DATASETS_DIR points elsewhere)."""
    return PROJECT_ROOT.parent / "shared" / "datasets"


class Settings(BaseSettings):
    """Everything an operator can change, with the defaults the demo runs on."""

    model_config = SettingsConfigDict(env_prefix="BROADSHEET_", env_file=None, extra="ignore")

    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL URL of the warehouse. Unset: an embedded PostgreSQL (pgserver) is started.",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / ".broadsheet",
        description="Where archives (WARC), stage outputs, the embedded database and Airflow's home live.",
    )
    archive_url: str | None = Field(
        default=None,
        description=(
            "Where WARC archives live: a local folder or an object store URL (s3://bucket/prefix, credentials "
            "and endpoint from the AWS_* variables). Unset: <data_dir>/archive. Workers on several machines "
            "must share it."
        ),
    )
    archive_gzip_level: int = Field(
        default=3, ge=1, le=9, description="zlib level of each WARC record (9 is smallest and about 4x slower)."
    )
    sites_dir: Path = Field(
        default=PROJECT_ROOT / "crawlers" / "sites",
        description="The site registry: one TOML file per site.",
    )
    site_origins: dict[str, str] = Field(
        default_factory=dict,
        description="Per-site override of a registry entry's base_url (JSON), e.g. to crawl a local mirror.",
    )
    sql_dir: Path = Field(default=PROJECT_ROOT / "sql", description="Numbered SQL migrations.")
    dags_dir: Path = Field(default=PROJECT_ROOT / "dags", description="Airflow DAG files.")
    user_agent: str = Field(
        default="BroadsheetBot/0.1 (+https://github.com/broadsheet/broadsheet; news archiving)",
        description="User-Agent sent to every site; robots.txt rules for this agent are obeyed.",
    )
    download_delay_seconds: float = Field(default=0.0, ge=0, description="Delay between requests to a site.")
    concurrent_requests_per_domain: int = Field(default=4, ge=1)
    download_timeout_seconds: float = Field(default=30.0, gt=0)
    max_response_bytes: int = Field(default=10 * 1024 * 1024, gt=0, description="Larger bodies are dropped.")
    max_sitemap_bytes: int = Field(
        default=50 * 1024 * 1024, gt=0, description="Largest sitemap read (uncompressed; sitemaps.org allows 50 MB)."
    )
    max_sitemap_depth: int = Field(default=5, ge=1, description="Sitemap indexes nested deeper are not read.")
    max_sitemaps_per_site: int = Field(default=1000, ge=1, description="Sitemaps read per site per run.")
    max_body_chars: int = Field(
        default=2_000_000, gt=0, description="Longest body_text stored; a longer one is cut and flagged."
    )
    max_title_chars: int = Field(default=1000, gt=0, description="Longest title stored; a longer one is cut.")
    max_pages_per_site: int = Field(default=5000, ge=1, description="Hard cap on pages fetched per site per run.")
    extract_workers: int = Field(
        default=0, ge=0, description="Processes a site's extraction runs on; 0: one per CPU core."
    )
    extract_pages_before_workers: int = Field(
        default=24, ge=0,
        description="Pages a site's extraction does in its own process before it starts the worker processes.",
    )  # fmt: skip
    retry_times: int = Field(default=3, ge=0, description="Retries of a page answering 5xx/429 or failing.")
    retry_after_max_seconds: float = Field(
        default=120, ge=0, description="Longest Retry-After a crawl waits; backoff doubles from 0.5 s otherwise."
    )
    autothrottle_enabled: bool = Field(default=True, description="Scrapy AutoThrottle: slow down as a site slows.")
    crawl_timeout_seconds: float = Field(default=1800, gt=0, description="A site crawl is stopped after this.")
    datasets_dir: Path = Field(
        default_factory=_default_datasets_dir,
        description="Third-party evaluation data read in place, never copied (e.g. article-extraction-benchmark).",
    )
    schedule_cron: str = Field(default="0 0 * * *", description="When the nightly DAG runs (cron).")
    schedule_timezone: str = Field(default="UTC", description="Time zone the cron expression is read in.")
    task_retries: int = Field(default=2, ge=0, description="Airflow retries per task (exponential backoff).")
    task_retry_delay_seconds: float = Field(default=120, gt=0, description="First retry's delay; doubles after.")
    pool_slots: int = Field(default=8, ge=1, description="Airflow pool `broadsheet`: site tasks running at once.")
    crawl_pool_slots: int = Field(
        default=4, ge=1, description="Airflow pool `broadsheet_crawl`: crawls running at once, over all runs."
    )

    @property
    def archive_dir(self) -> Path:
        """The local archive folder used when no archive_url is set."""
        return self.data_dir / "archive"

    @property
    def archive_root(self) -> str:
        """The archive's root as the archive module takes it: a local path or an object store URL."""
        return self.archive_url or str(self.archive_dir)

    @property
    def report_dir(self) -> Path:
        """Where each run's HTML report is written."""
        return self.data_dir / "reports"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    @property
    def embedded_postgres_dir(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def airflow_home(self) -> Path:
        return self.data_dir / "airflow"
