create view marts.articles_per_site_day as
select
    site_key,
    published_on_utc,
    published_on_local,
    coalesce(published_on_local::text, 'undated') as published_day,
    is_undated,
    count(*)::integer as article_count,
    (count(*) filter (where is_removed))::integer as removed_count,
    (count(*) filter (where published_precision in ('day', 'month')))::integer as day_or_month_only_count
from marts.article_details
group by site_key, published_on_utc, published_on_local, is_undated;

comment on view marts.articles_per_site_day is 'Articles published per site and day; every article is counted: undated ones in one row per site with published_day = ''undated'' (null dates). Group by published_on_local (or published_on_utc) and sum article_count.';
comment on column marts.articles_per_site_day.site_key is 'Site identifier.';
comment on column marts.articles_per_site_day.published_on_utc is 'Publication date in UTC; a day- or month-only date keeps its own day. Null in the undated row.';
comment on column marts.articles_per_site_day.published_on_local is 'Publication date in the site''s time zone. Null in the undated row.';
comment on column marts.articles_per_site_day.published_day is 'published_on_local as YYYY-MM-DD text, or ''undated'': a category axis that shows the undated bucket.';
comment on column marts.articles_per_site_day.is_undated is 'True for the row of articles without a publication date.';
comment on column marts.articles_per_site_day.article_count is 'Articles published (including later removed ones).';
comment on column marts.articles_per_site_day.removed_count is 'Of those, articles whose page is now gone (404/410).';
comment on column marts.articles_per_site_day.day_or_month_only_count is 'Of those, articles whose page gave only a day or a month, no time.';
