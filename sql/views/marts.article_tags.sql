create view marts.article_tags as
select
    article.article_id,
    article.site_key,
    tag.tag,
    tag.tag_position::integer as tag_position,
    (article.published_at at time zone site.timezone)::date as published_on_local
from warehouse.articles as article
join warehouse.sites as site using (site_key)
cross join lateral unnest(article.tags) with ordinality as tag(tag, tag_position);

comment on view marts.article_tags is 'One row per article and tag: filter or group by tag without array functions; join marts.article_details on article_id.';
comment on column marts.article_tags.article_id is 'The article (marts.article_details).';
comment on column marts.article_tags.site_key is 'Site identifier.';
comment on column marts.article_tags.tag is 'Tag or keyword as the page gives it.';
comment on column marts.article_tags.tag_position is 'Order of the tag on the page, from 1.';
comment on column marts.article_tags.published_on_local is 'Publication date in the site''s zone; null when undated.';
