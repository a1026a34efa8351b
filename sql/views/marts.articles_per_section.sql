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
