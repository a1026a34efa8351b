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
