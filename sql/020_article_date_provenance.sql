-- Date provenance for BI users: what each source name, precision and quality flag means, and a view of how
-- each site's articles were dated. The columns themselves exist since 002 and 005.

comment on column warehouse.articles.published_at is 'When the article was first published, in UTC. Null when the page offered no plausible date (see date_flags and etl.rejects, reason no_date).';
comment on column warehouse.articles.published_source is 'Where published_raw was found, most trusted first: json-ld (article object), microdata:<prop>, meta:<tag name>, json-ld:<WebPage|VideoObject>, time[datetime], news-sitemap, byline, time (text of a <time> element), feed, url-path, htmldate, and as flagged last resorts sitemap:lastmod and http:last-modified.';
comment on column warehouse.articles.modified_source is 'Where modified_raw was found; same names as published_source.';
comment on column warehouse.articles.published_precision is 'How precise published_at is: instant (seconds given), minute, day or month. A day is stored as midnight, a month as the 1st at midnight, in the site''s zone: not a real instant.';
comment on column warehouse.articles.modified_precision is 'How precise modified_at is: instant, minute, day or month (see published_precision).';
comment on column warehouse.articles.date_flags is 'Quality flags of the dates: sources_disagree (trusted sources more than a day apart), published_after_fetch / published_before_1990 / modified_after_fetch / modified_before_1990 (a candidate was implausible and skipped), modified_before_published, published_from_last_modified (only a last-changed signal was left), published_relative (a relative or year-less date, resolved against the fetch time), no_published_date.';

create or replace view marts.date_sources_per_site as
with dated as (
    select
        site_key,
        coalesce(split_part(published_source, ':', 1), '(no date)') as date_source,
        published_precision
    from warehouse.articles
)
select
    site_key,
    date_source,
    count(*) as article_count,
    round(count(*)::numeric / sum(count(*)) over (partition by site_key), 3) as share_of_site,
    count(*) filter (where published_precision in ('day', 'month')) as day_or_month_only
from dated
group by site_key, date_source;

comment on view marts.date_sources_per_site is 'How each site''s articles got their publication date: one row per site and kind of source.';
comment on column marts.date_sources_per_site.site_key is 'Site identifier.';
comment on column marts.date_sources_per_site.date_source is 'Kind of source of published_at (json-ld, meta, microdata, time[datetime], news-sitemap, byline, time (text of a <time> element), feed, url-path, htmldate, sitemap, http), or (no date).';
comment on column marts.date_sources_per_site.article_count is 'Articles of the site dated from that kind of source.';
comment on column marts.date_sources_per_site.share_of_site is 'Share of the site''s articles (0 to 1).';
comment on column marts.date_sources_per_site.day_or_month_only is 'Of those, how many have only a day or month, no time.';
