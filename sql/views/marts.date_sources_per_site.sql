create view marts.date_sources_per_site as
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
