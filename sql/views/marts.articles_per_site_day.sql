create view marts.articles_per_site_day as
with dated_articles as (
    select
        article.site_key,
        (article.published_at at time zone 'UTC')::date as published_on_utc,
        (article.published_at at time zone site.timezone)::date as published_on_local,
        article.removed_at
    from warehouse.articles as article
    join warehouse.sites as site using (site_key)
    where article.published_at is not null
)
select
    site_key,
    published_on_utc,
    published_on_local,
    count(*) as article_count,
    count(*) filter (where removed_at is not null) as removed_count
from dated_articles
group by site_key, published_on_utc, published_on_local;

comment on view marts.articles_per_site_day is 'Articles published per site and day. Group by published_on_utc or by published_on_local and sum article_count.';
comment on column marts.articles_per_site_day.site_key is 'Site identifier.';
comment on column marts.articles_per_site_day.published_on_utc is 'Publication date in UTC.';
comment on column marts.articles_per_site_day.published_on_local is 'Publication date in the site''s time zone.';
comment on column marts.articles_per_site_day.article_count is 'Articles published (including later removed ones).';
comment on column marts.articles_per_site_day.removed_count is 'Of those, articles whose page is now gone (404/410).';
