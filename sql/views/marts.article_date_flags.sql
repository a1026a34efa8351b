create view marts.article_date_flags as
select
    article.article_id,
    article.site_key,
    flag.date_flag,
    (article.published_at at time zone site.timezone)::date as published_on_local
from warehouse.articles as article
join warehouse.sites as site using (site_key)
cross join lateral unnest(article.date_flags) as flag(date_flag);

comment on view marts.article_date_flags is 'One row per article and date quality flag (articles without flags have no row); join marts.article_details on article_id.';
comment on column marts.article_date_flags.article_id is 'The article (marts.article_details).';
comment on column marts.article_date_flags.site_key is 'Site identifier.';
comment on column marts.article_date_flags.date_flag is 'The flag: sources_disagree, published_after_fetch, published_before_1990, modified_after_fetch, modified_before_1990, modified_before_published, published_from_last_modified, published_relative or no_published_date (see docs/dates.md).';
comment on column marts.article_date_flags.published_on_local is 'Publication date in the site''s zone; null when undated.';
