"""From an extracted article to the warehouse's article: the extracted record and its dates part, the dates
chosen by transforms/dates.py and put in UTC with where each came from."""

from __future__ import annotations

from broadsheet.records import Article, ChosenDate, ChosenDates, ExtractedArticle, Reject, RejectReason
from broadsheet.sites import SiteConfig
from transforms.dates import DateContext, NormalisedDate, normalise_article_dates


def _chosen(date: NormalisedDate | None) -> ChosenDate:
    if date is None:
        return ChosenDate()
    return ChosenDate(date.at, date.raw, date.source, date.precision, date.is_timezone_assumed)


def normalise_article(item: ExtractedArticle, site: SiteConfig) -> tuple[Article, Reject | None]:
    """The extracted article with its UTC dates chosen, and a reject row when no plausible publication date
    is left (the article is still loaded, with a null published_at, so nothing valid is lost)."""
    context = DateContext.for_site(site.timezone, site.languages, item.fetched_at, item.language)
    dates = normalise_article_dates(item.published_candidates, item.modified_candidates, context)
    reject = None
    if dates.published is None:
        tried = "; ".join(dates.skipped) or "the page offers no date"
        reject = Reject(
            site.key,
            item.url,
            "normalise",
            RejectReason.NO_DATE,
            f"no plausible publication date ({tried}); loaded with a null published_at",
            item.archive_location,
        )
    chosen = ChosenDates(_chosen(dates.published), _chosen(dates.modified), dates.flags)
    return Article(item, chosen), reject
