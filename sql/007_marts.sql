-- Views for the questions BI users ask. Removed articles are kept in counts of what was published.

create view marts.articles as
select
    article.article_id,
    article.site_key,
    site.name as site_name,
    article.title,
    article.authors,
    article.section,
    article.tags,
    article.language,
    article.published_at,
    (article.published_at at time zone site.timezone)::date as published_on_local,
    article.published_precision,
    article.modified_at,
    article.word_count,
    article.canonical_url,
    article.first_seen_at,
    article.removed_at is not null as is_removed
from warehouse.articles as article
join warehouse.sites as site using (site_key);

comment on view marts.articles is 'One row per article, with the columns most reports need.';
comment on column marts.articles.article_id is 'Key of the article (warehouse.articles).';
comment on column marts.articles.site_key is 'Site identifier.';
comment on column marts.articles.site_name is 'Name of the publication.';
comment on column marts.articles.title is 'Headline.';
comment on column marts.articles.authors is 'Author names in byline order.';
comment on column marts.articles.section is 'Section of the site.';
comment on column marts.articles.tags is 'Tags or keywords.';
comment on column marts.articles.language is 'ISO 639-1 language.';
comment on column marts.articles.published_at is 'Publication time (UTC).';
comment on column marts.articles.published_on_local is 'Publication date in the site''s own time zone.';
comment on column marts.articles.published_precision is 'instant, minute, day or month: how precise published_at is.';
comment on column marts.articles.modified_at is 'Last update time given by the page (UTC).';
comment on column marts.articles.word_count is 'Words in the body.';
comment on column marts.articles.canonical_url is 'The article''s URL.';
comment on column marts.articles.first_seen_at is 'When Broadsheet first fetched it (UTC).';
comment on column marts.articles.is_removed is 'True when the page now answers 404 or 410.';

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

create view marts.articles_per_author as
select
    author.site_key,
    author.name as author_name,
    count(*) as article_count,
    min(article.published_at) as first_published_at,
    max(article.published_at) as last_published_at
from warehouse.article_authors as link
join warehouse.authors as author using (author_id)
join warehouse.articles as article using (article_id)
group by author.site_key, author.name;

comment on view marts.articles_per_author is 'Articles per author and site.';
comment on column marts.articles_per_author.site_key is 'Site identifier.';
comment on column marts.articles_per_author.author_name is 'Author name as the site gives it.';
comment on column marts.articles_per_author.article_count is 'Articles with this author in the byline.';
comment on column marts.articles_per_author.first_published_at is 'Earliest publication time among them (UTC).';
comment on column marts.articles_per_author.last_published_at is 'Latest publication time among them (UTC).';

create view marts.articles_per_section as
select
    site_key,
    coalesce(section, '(none)') as section,
    count(*) as article_count,
    max(published_at) as last_published_at
from warehouse.articles
group by site_key, coalesce(section, '(none)');

comment on view marts.articles_per_section is 'Articles per site section.';
comment on column marts.articles_per_section.site_key is 'Site identifier.';
comment on column marts.articles_per_section.section is 'Section name, or (none) when the page names none.';
comment on column marts.articles_per_section.article_count is 'Articles in the section.';
comment on column marts.articles_per_section.last_published_at is 'Latest publication time in the section (UTC).';

create view marts.articles_per_tag as
select
    article.site_key,
    tag,
    count(*) as article_count,
    max(article.published_at) as last_published_at
from warehouse.articles as article
cross join lateral unnest(article.tags) as tag
group by article.site_key, tag;

comment on view marts.articles_per_tag is 'Articles per tag and site.';
comment on column marts.articles_per_tag.site_key is 'Site identifier.';
comment on column marts.articles_per_tag.tag is 'Tag or keyword as the page gives it.';
comment on column marts.articles_per_tag.article_count is 'Articles carrying the tag.';
comment on column marts.articles_per_tag.last_published_at is 'Latest publication time among them (UTC).';

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
        count(*) as article_count,
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
    article_totals.article_count,
    article_totals.latest_published_at,
    article_totals.latest_first_seen_at,
    extract(epoch from now() - article_totals.latest_first_seen_at) / 3600 as hours_since_new_article
from warehouse.sites as site
left join latest_runs using (site_key)
left join article_totals using (site_key);

comment on view marts.site_freshness is 'How up to date each site is: its last run and its newest article.';
comment on column marts.site_freshness.site_key is 'Site identifier.';
comment on column marts.site_freshness.site_name is 'Name of the publication.';
comment on column marts.site_freshness.last_run_finished_at is 'When the site''s last pipeline run finished (UTC).';
comment on column marts.site_freshness.last_run_status is 'succeeded or failed.';
comment on column marts.site_freshness.article_count is 'Articles of the site in the warehouse.';
comment on column marts.site_freshness.latest_published_at is 'Newest publication time (UTC).';
comment on column marts.site_freshness.latest_first_seen_at is 'When the newest article was first fetched (UTC).';
comment on column marts.site_freshness.hours_since_new_article is 'Hours since a new article of the site was last fetched.';

create view marts.extraction_quality_per_site as
with run_totals as (
    select
        site_key,
        sum(pages_fetched) as pages_fetched,
        sum(rejects) as pages_rejected
    from etl.runs
    group by site_key
),
article_quality as (
    select
        site_key,
        count(*) as article_count,
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
    coalesce(run_totals.pages_rejected, 0) as pages_rejected,
    coalesce(article_quality.article_count, 0) as article_count,
    article_quality.average_word_count,
    article_quality.share_without_date,
    article_quality.share_without_author,
    article_quality.share_with_date_flags
from warehouse.sites as site
left join run_totals using (site_key)
left join article_quality using (site_key);

comment on view marts.extraction_quality_per_site is 'How well extraction works per site: rejects, missing dates and authors, body length.';
comment on column marts.extraction_quality_per_site.site_key is 'Site identifier.';
comment on column marts.extraction_quality_per_site.pages_fetched is 'Pages fetched over all runs.';
comment on column marts.extraction_quality_per_site.pages_rejected is 'Pages rejected over all runs (see etl.rejects).';
comment on column marts.extraction_quality_per_site.article_count is 'Articles of the site in the warehouse.';
comment on column marts.extraction_quality_per_site.average_word_count is 'Mean words per article body.';
comment on column marts.extraction_quality_per_site.share_without_date is 'Share of articles without a publication date (0 to 1).';
comment on column marts.extraction_quality_per_site.share_without_author is 'Share of articles without an author (0 to 1).';
comment on column marts.extraction_quality_per_site.share_with_date_flags is 'Share of articles whose dates carry a quality flag (0 to 1).';
