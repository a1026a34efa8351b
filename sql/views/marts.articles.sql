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
    article.removed_at is not null as is_removed,
    article.published_source,
    article.date_flags,
    article.description,
    article.image_url
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
comment on column marts.articles.published_source is 'Where published_at came from (json-ld, a meta tag, <time>, byline, news sitemap, URL path...).';
comment on column marts.articles.date_flags is 'Date quality flags, e.g. sources_disagree (see docs/dates.md); empty when none.';
comment on column marts.articles.description is 'The summary the page gives of itself.';
comment on column marts.articles.image_url is 'The article''s main image URL.';
