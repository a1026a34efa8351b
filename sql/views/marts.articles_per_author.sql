create view marts.articles_per_author as
select
    author.site_key,
    author.name as author_name,
    author.kind as author_kind,
    count(*) as article_count,
    min(article.published_at) as first_published_at,
    max(article.published_at) as last_published_at
from warehouse.article_authors as link
join warehouse.authors as author using (author_id)
join warehouse.articles as article using (article_id)
group by author.site_key, author.name, author.kind;

comment on view marts.articles_per_author is 'Articles per author and site; author_kind tells people from agencies and newsrooms.';
comment on column marts.articles_per_author.site_key is 'Site identifier.';
comment on column marts.articles_per_author.author_name is 'Author name as the site gives it.';
comment on column marts.articles_per_author.author_kind is 'person, or organisation (an agency or a newsroom credited in the byline).';
comment on column marts.articles_per_author.article_count is 'Articles with this author in the byline.';
comment on column marts.articles_per_author.first_published_at is 'Earliest publication time among them (UTC).';
comment on column marts.articles_per_author.last_published_at is 'Latest publication time among them (UTC).';
