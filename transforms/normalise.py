"""From an extracted article to the warehouse's article: its dates chosen and put in UTC, with where each
came from (transforms/dates.py chooses; this module only maps one record to the next)."""

from __future__ import annotations

from broadsheet.records import Article, ExtractedArticle, Reject, RejectReason
from broadsheet.sites import SiteConfig
from transforms.dates import DateContext, NormalisedDate, normalise_article_dates


def _date_columns(kind: str, chosen: NormalisedDate | None) -> dict[str, object]:
    """An article's columns for its published or modified date: all None when no date was chosen."""
    return {
        f"{kind}_at": chosen.at if chosen else None,
        f"{kind}_raw": chosen.raw if chosen else None,
        f"{kind}_source": chosen.source if chosen else None,
        f"{kind}_precision": chosen.precision if chosen else None,
        f"is_{kind}_timezone_assumed": chosen.is_timezone_assumed if chosen else None,
    }


def normalise_article(item: ExtractedArticle, site: SiteConfig) -> tuple[Article, Reject | None]:
    """The extracted article with its UTC dates chosen, and a reject row when no plausible publication date
    is left (the article is still loaded, with a null published_at, so nothing valid is lost)."""
    context = DateContext.for_site(site.timezone, site.languages, item.fetched_at, item.language)
    dates = normalise_article_dates(item.published_candidates, item.modified_candidates, context)
    published, modified = dates.published, dates.modified
    reject = None
    if published is None:
        tried = "; ".join(dates.skipped) or "the page offers no date"
        reject = Reject(
            site.key,
            item.url,
            "normalise",
            RejectReason.NO_DATE,
            f"no plausible publication date ({tried}); loaded with a null published_at",
            item.archive_location,
        )
    article = Article(
        site_key=item.site_key,
        url=item.url,
        canonical_url=item.canonical_url,
        title=item.title,
        authors=item.authors,
        body_text=item.body_text,
        language=item.language,
        fetched_at=item.fetched_at,
        archive_location=item.archive_location,
        **_date_columns("published", published),
        **_date_columns("modified", modified),
        date_flags=dates.flags,
        section=item.section,
        tags=item.tags,
        body_markup=item.body_markup,
        description=item.description,
        image_url=item.image_url,
        publisher_name=item.site_name,
        metadata_sources=item.metadata_sources,
    )
    return article, reject
