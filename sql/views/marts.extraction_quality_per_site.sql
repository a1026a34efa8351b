create view marts.extraction_quality_per_site as
with run_totals as (
    select
        site_key,
        sum(pages_fetched)::integer as pages_fetched
    from etl.runs
    group by site_key
),
reject_totals as (
    -- A no_date reject is an article loaded without a date, not a page lost: counted apart.
    select
        site_key,
        (count(*) filter (where reason <> 'no_date'))::integer as pages_rejected,
        (count(*) filter (where reason = 'no_date'))::integer as articles_loaded_undated
    from etl.rejects
    group by site_key
),
article_quality as (
    select
        site_key,
        count(*)::integer as article_count,
        avg(word_count)::numeric(10, 1) as average_word_count,
        avg((published_at is null)::int)::numeric(5, 3) as share_without_date,
        avg((cardinality(authors) = 0)::int)::numeric(5, 3) as share_without_author,
        avg((cardinality(date_flags) > 0)::int)::numeric(5, 3) as share_with_date_flags
    from warehouse.articles
    group by site_key
)
select
    site.site_key,
    coalesce(run_totals.pages_fetched, 0) as pages_fetched,
    coalesce(reject_totals.pages_rejected, 0) as pages_rejected,
    coalesce(reject_totals.articles_loaded_undated, 0) as articles_loaded_undated,
    coalesce(article_quality.article_count, 0) as article_count,
    article_quality.average_word_count,
    article_quality.share_without_date,
    article_quality.share_without_author,
    article_quality.share_with_date_flags
from warehouse.sites as site
left join run_totals using (site_key)
left join reject_totals using (site_key)
left join article_quality using (site_key);

comment on view marts.extraction_quality_per_site is 'How well extraction works per site: rejects, missing dates and authors, body length.';
comment on column marts.extraction_quality_per_site.site_key is 'Site identifier.';
comment on column marts.extraction_quality_per_site.pages_fetched is 'Pages fetched over all runs.';
comment on column marts.extraction_quality_per_site.pages_rejected is 'Pages that did not become articles, over all runs (marts.rejects_per_day, reasons other than no_date).';
comment on column marts.extraction_quality_per_site.articles_loaded_undated is 'no_date rejects over all runs: pages loaded as undated articles all the same.';
comment on column marts.extraction_quality_per_site.article_count is 'Articles of the site in the warehouse.';
comment on column marts.extraction_quality_per_site.average_word_count is 'Mean words per article body.';
comment on column marts.extraction_quality_per_site.share_without_date is 'Share of articles without a publication date (0 to 1).';
comment on column marts.extraction_quality_per_site.share_without_author is 'Share of articles without an author (0 to 1).';
comment on column marts.extraction_quality_per_site.share_with_date_flags is 'Share of articles whose dates carry a quality flag (0 to 1).';
