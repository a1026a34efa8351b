create view marts.site_freshness as
with latest_runs as (
    select distinct on (site_key)
        site_key,
        finished_at,
        status
    from etl.runs
    order by site_key, finished_at desc nulls last
),
article_totals as (
    select
        site_key,
        count(*)::integer as article_count,
        (count(*) filter (where published_at is null))::integer as undated_count,
        max(published_at) as latest_published_at,
        max(first_seen_at) as latest_first_seen_at
    from warehouse.articles
    group by site_key
)
select
    site.site_key,
    site.name as site_name,
    latest_runs.finished_at as last_run_finished_at,
    latest_runs.status as last_run_status,
    coalesce(article_totals.article_count, 0) as article_count,
    coalesce(article_totals.undated_count, 0) as undated_count,
    article_totals.latest_published_at,
    article_totals.latest_first_seen_at,
    round((extract(epoch from now() - article_totals.latest_first_seen_at) / 3600)::numeric, 1) as hours_since_new_article
from warehouse.sites as site
left join latest_runs using (site_key)
left join article_totals using (site_key);

comment on view marts.site_freshness is 'How up to date each site is: its last run and its newest article.';
comment on column marts.site_freshness.site_key is 'Site identifier.';
comment on column marts.site_freshness.site_name is 'Name of the publication.';
comment on column marts.site_freshness.last_run_finished_at is 'When the site''s last pipeline run finished (UTC).';
comment on column marts.site_freshness.last_run_status is 'succeeded or failed.';
comment on column marts.site_freshness.article_count is 'Articles of the site in the warehouse.';
comment on column marts.site_freshness.undated_count is 'Of those, articles without a publication date.';
comment on column marts.site_freshness.latest_published_at is 'Newest publication time (UTC).';
comment on column marts.site_freshness.latest_first_seen_at is 'When the newest article was first fetched (UTC).';
comment on column marts.site_freshness.hours_since_new_article is 'Hours since a new article of the site was last fetched, to one decimal.';
