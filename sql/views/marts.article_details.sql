-- Named article_details, not articles: warehouse.articles exists, and a BI tool (Superset) registers a dataset
-- by table name, so two schemas' "articles" collide there.
create view marts.article_details as
with version_totals as (
    select
        article_id,
        count(*) as version_count,
        max(first_seen_at) filter (where version_rank > 1) as last_changed_at
    from (
        select
            article_id,
            first_seen_at,
            row_number() over (partition by article_id order by first_seen_at, article_version_id) as version_rank
        from warehouse.article_versions
    ) as ranked_versions
    group by article_id
)
select
    article.article_id,
    article.site_key,
    site.name as site_name,
    site.timezone as site_timezone,
    article.title,
    array_to_string(article.authors, ', ') as authors_list,
    cardinality(article.authors) as author_count,
    article.section,
    array_to_string(article.tags, ', ') as tags_list,
    article.language,
    article.published_at is null as is_undated,
    article.published_at,
    (article.published_at at time zone site.timezone) as published_at_local,
    (article.published_at at time zone site.timezone)::date as published_on_local,
    case
        when article.published_precision in ('day', 'month') then (article.published_at at time zone site.timezone)::date
        else (article.published_at at time zone 'UTC')::date
    end as published_on_utc,
    article.published_precision,
    article.is_published_timezone_assumed,
    article.published_source,
    split_part(article.published_source, ':', 1) as published_source_kind,
    array_to_string(article.date_flags, ', ') as date_flags_list,
    article.modified_at,
    article.word_count,
    article.character_count,
    article.canonical_url,
    article.first_seen_at,
    article.last_seen_at,
    article.removed_at is not null as is_removed,
    article.removed_at,
    coalesce(version_totals.version_count, 1) as version_count,
    coalesce(version_totals.version_count, 1) > 1 as is_edited,
    version_totals.last_changed_at,
    article.description,
    article.image_url,
    article.publisher_name,
    article.metadata_sources::text as metadata_sources_json
from warehouse.articles as article
join warehouse.sites as site using (site_key)
left join version_totals using (article_id);

comment on view marts.article_details is 'One row per article with the columns most reports need: no arrays (see marts.article_bylines, marts.article_tags, marts.article_date_flags for one row per value), no body or search internals (see marts.search_articles).';
comment on column marts.article_details.article_id is 'Key of the article (warehouse.articles).';
comment on column marts.article_details.site_key is 'Site identifier.';
comment on column marts.article_details.site_name is 'Name of the publication.';
comment on column marts.article_details.site_timezone is 'IANA time zone of the site: the zone of published_at_local and published_on_local.';
comment on column marts.article_details.title is 'Headline.';
comment on column marts.article_details.authors_list is 'Author names in byline order, comma-separated, for display; filter on marts.article_bylines.';
comment on column marts.article_details.author_count is 'Number of authors in the byline (0 when none).';
comment on column marts.article_details.section is 'Section of the site.';
comment on column marts.article_details.tags_list is 'Tags or keywords, comma-separated, for display; filter on marts.article_tags.';
comment on column marts.article_details.language is 'ISO 639-1 language.';
comment on column marts.article_details.is_undated is 'True when no plausible publication date was found: the article is loaded with null dates and counted under "undated" in marts.articles_per_site_day.';
comment on column marts.article_details.published_at is 'Publication instant (UTC). For a day or month precision it is midnight in the site''s zone, not a real instant: chart by published_on_local.';
comment on column marts.article_details.published_at_local is 'Publication wall-clock time in the site''s zone (site_timezone), without offset.';
comment on column marts.article_details.published_on_local is 'Publication date in the site''s zone: the date to chart by. A date the page gives only to the day is that very day.';
comment on column marts.article_details.published_on_utc is 'Publication date in UTC; a day- or month-only date keeps its own day (there is no instant to convert).';
comment on column marts.article_details.published_precision is 'instant, minute, day or month: how precise published_at is.';
comment on column marts.article_details.is_published_timezone_assumed is 'True when the page gave no time zone and the site''s zone was assumed.';
comment on column marts.article_details.published_source is 'Where published_at came from (json-ld, meta:<name>, time[datetime], byline, news-sitemap, url-path, ...).';
comment on column marts.article_details.published_source_kind is 'published_source without its detail after the colon (json-ld, meta, microdata, ...); empty when undated.';
comment on column marts.article_details.date_flags_list is 'Date quality flags, comma-separated (see docs/dates.md); empty when none. Filter on marts.article_date_flags.';
comment on column marts.article_details.modified_at is 'Last update time given by the page (UTC).';
comment on column marts.article_details.word_count is 'Words in the body.';
comment on column marts.article_details.character_count is 'Characters in the body: its length in any language (word_count depends on spaces between words).';
comment on column marts.article_details.canonical_url is 'The article''s URL.';
comment on column marts.article_details.first_seen_at is 'When Broadsheet first fetched it (UTC).';
comment on column marts.article_details.last_seen_at is 'When Broadsheet last fetched it (UTC).';
comment on column marts.article_details.is_removed is 'True when the page now answers 404 or 410.';
comment on column marts.article_details.removed_at is 'When the page was found gone (404/410), UTC; null while online.';
comment on column marts.article_details.version_count is 'Distinct contents (title and body) Broadsheet has seen: 1 for an article never edited.';
comment on column marts.article_details.is_edited is 'True when the title or body changed after Broadsheet first saw it (see marts.article_changes).';
comment on column marts.article_details.last_changed_at is 'When Broadsheet first saw the latest edit (UTC); null when never edited.';
comment on column marts.article_details.description is 'The summary the page gives of itself.';
comment on column marts.article_details.image_url is 'The article''s main image URL.';
comment on column marts.article_details.publisher_name is 'Publication name as the page states it.';
comment on column marts.article_details.metadata_sources_json is 'Where each descriptive field came from, as JSON text, e.g. {"title": "og:title"}; one row per field in marts.article_field_sources.';
