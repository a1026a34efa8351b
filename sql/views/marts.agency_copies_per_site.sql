create view marts.agency_copies_per_site as
select
    article.site_key,
    story.agency,
    count(distinct story.story_id) as story_count,
    count(*) as article_count,
    count(*) filter (where membership.relation = 'original') as first_to_publish_count,
    count(*) filter (where membership.relation = 'exact_copy') as exact_copy_count,
    count(*) filter (where membership.relation = 'near_copy') as near_copy_count,
    avg(membership.similarity) as avg_similarity
from warehouse.article_stories as membership
join warehouse.stories as story using (story_id)
join warehouse.articles as article using (article_id)
where story.agency is not null
group by article.site_key, story.agency;

comment on view marts.agency_copies_per_site is 'Which sites carry which news agencies'' stories: per site and agency, how many stories and articles, how often the site was first and how often it copied.';
comment on column marts.agency_copies_per_site.site_key is 'The site that published the articles.';
comment on column marts.agency_copies_per_site.agency is 'The news agency the story is credited to.';
comment on column marts.agency_copies_per_site.story_count is 'Agency stories the site published.';
comment on column marts.agency_copies_per_site.article_count is 'The site''s articles of those stories (republications included).';
comment on column marts.agency_copies_per_site.first_to_publish_count is 'Of them, stories where the site''s article was the first published.';
comment on column marts.agency_copies_per_site.exact_copy_count is 'Of them, articles with the same words as the story''s first article.';
comment on column marts.agency_copies_per_site.near_copy_count is 'Of them, edited copies (new headline, local paragraph, cut ending).';
comment on column marts.agency_copies_per_site.avg_similarity is 'Average Jaccard similarity of the site''s articles to their story''s first article.';
