-- Named article_bylines, not article_authors: warehouse.article_authors exists (see marts.article_details).
create view marts.article_bylines as
select
    link.article_id,
    article.site_key,
    author.author_id,
    author.name as author_name,
    author.kind as author_kind,
    link.position as byline_position,
    article.published_at,
    (article.published_at at time zone site.timezone)::date as published_on_local
from warehouse.article_authors as link
join warehouse.authors as author using (author_id)
join warehouse.articles as article using (article_id)
join warehouse.sites as site on site.site_key = article.site_key;

comment on view marts.article_bylines is 'One row per article and author (current version): filter or group by author without array functions; join marts.article_details on article_id.';
comment on column marts.article_bylines.article_id is 'The article (marts.article_details).';
comment on column marts.article_bylines.site_key is 'Site identifier.';
comment on column marts.article_bylines.author_id is 'Key of the author (warehouse.authors): one per name and site.';
comment on column marts.article_bylines.author_name is 'Author name as the site gives it.';
comment on column marts.article_bylines.author_kind is 'person, or organisation when the byline credits an agency or a newsroom (Associated Press, dpa, Staff): filter on person to count people.';
comment on column marts.article_bylines.byline_position is '1 for the first name in the byline, 2 for the second, ...';
comment on column marts.article_bylines.published_at is 'Publication time of the article (UTC); null when undated.';
comment on column marts.article_bylines.published_on_local is 'Publication date in the site''s zone; null when undated.';
