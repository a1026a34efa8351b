create view marts.copy_delays as
select
    membership.story_id,
    membership.article_id,
    article.site_key,
    article.title,
    article.canonical_url,
    membership.relation,
    membership.similarity,
    story.agency,
    story.first_site_key,
    story.first_published_at,
    article.published_at,
    article.published_at - story.first_published_at as delay,
    extract(epoch from article.published_at - story.first_published_at) / 60 as delay_minutes
from warehouse.article_stories as membership
join warehouse.stories as story using (story_id)
join warehouse.articles as article using (article_id)
where membership.relation <> 'original';

comment on view marts.copy_delays is 'Every copy of a story (exact, near, republished) with the time from the story''s first publication to the copy''s.';
comment on column marts.copy_delays.story_id is 'The story (warehouse.stories).';
comment on column marts.copy_delays.article_id is 'The copy (warehouse.articles).';
comment on column marts.copy_delays.site_key is 'Site that published the copy.';
comment on column marts.copy_delays.title is 'The copy''s own headline.';
comment on column marts.copy_delays.canonical_url is 'The copy''s canonical URL.';
comment on column marts.copy_delays.relation is 'exact_copy, near_copy or same_site_republished.';
comment on column marts.copy_delays.similarity is 'Jaccard similarity of the copy''s body to the first article''s body.';
comment on column marts.copy_delays.agency is 'News agency the story is credited to, if any.';
comment on column marts.copy_delays.first_site_key is 'Site of the story''s first article.';
comment on column marts.copy_delays.first_published_at is 'When the story was first published (UTC).';
comment on column marts.copy_delays.published_at is 'When the copy was published (UTC); null when undated.';
comment on column marts.copy_delays.delay is 'Time from the first publication to the copy''s; null when either is undated.';
comment on column marts.copy_delays.delay_minutes is 'The same delay in minutes, for charts.';
