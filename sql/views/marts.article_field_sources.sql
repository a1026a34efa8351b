create view marts.article_field_sources as
select
    article.article_id,
    article.site_key,
    field.key as field_name,
    field.value as source
from warehouse.articles as article
cross join lateral jsonb_each_text(article.metadata_sources) as field;

comment on view marts.article_field_sources is 'Where each descriptive field of an article came from, one row per article and field (warehouse.articles.metadata_sources unfolded).';
comment on column marts.article_field_sources.article_id is 'The article (marts.article_details).';
comment on column marts.article_field_sources.site_key is 'Site identifier.';
comment on column marts.article_field_sources.field_name is 'The field: title, authors, description, image_url, site_name, section, tags, language, canonical_url, body.';
comment on column marts.article_field_sources.source is 'Where the value was read: json-ld, og:<property>, meta:<name>, microdata:<prop>, link:canonical, byline, title, h1, ...';
