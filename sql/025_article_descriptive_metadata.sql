-- Descriptive metadata the extractor reads from the page (issue 7), and a hash of the whole derived row so that
-- a re-extraction with improved rules (dates, metadata) updates an article even when its text is unchanged.
alter table warehouse.articles
    add column description text,
    add column image_url text,
    add column publisher_name text,
    add column metadata_sources jsonb not null default '{}',
    add column record_hash text;

comment on column warehouse.articles.description is 'The summary the page gives of itself (JSON-LD description, og:description or meta description).';
comment on column warehouse.articles.image_url is 'The article''s main image, as an absolute URL, when the page names one.';
comment on column warehouse.articles.publisher_name is 'Publication name as the page states it (og:site_name, JSON-LD publisher); sites.name is the registry''s.';
comment on column warehouse.articles.metadata_sources is 'Where each descriptive field came from, e.g. {"title": "json-ld", "authors": "byline"}.';
comment on column warehouse.articles.record_hash is 'SHA-256 of every value the pipeline derived for the row; a change (even of a date only) updates the row.';

alter table staging.article_rows
    add column description text,
    add column image_url text,
    add column publisher_name text,
    add column metadata_sources jsonb not null default '{}',
    add column record_hash text not null default '';

-- marts.articles gains what analysts filter and display by; existing columns keep their order and comments.
create or replace view marts.articles as
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
    article.removed_at is not null as is_removed,
    article.published_source,
    article.date_flags,
    article.description,
    article.image_url
from warehouse.articles as article
join warehouse.sites as site using (site_key);

comment on column marts.articles.published_source is 'Where published_at came from (json-ld, a meta tag, <time>, byline, news sitemap, URL path...).';
comment on column marts.articles.date_flags is 'Date quality flags, e.g. sources_disagree (see docs/dates.md); empty when none.';
comment on column marts.articles.description is 'The summary the page gives of itself.';
comment on column marts.articles.image_url is 'The article''s main image URL.';
