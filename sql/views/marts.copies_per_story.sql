create view marts.copies_per_story as
with relations_per_story as (
    select
        membership.story_id,
        count(*) filter (where membership.relation = 'exact_copy') as exact_copy_count,
        count(*) filter (where membership.relation = 'near_copy') as near_copy_count,
        count(*) filter (where membership.relation = 'same_site_republished') as republished_count,
        min(membership.similarity) as min_similarity,
        string_agg(distinct article.site_key, ', ' order by article.site_key) as site_keys
    from warehouse.article_stories as membership
    join warehouse.articles as article using (article_id)
    group by membership.story_id
)
select
    story.story_id,
    story.headline,
    story.agency,
    story.first_site_key,
    story.first_published_at,
    story.article_count,
    story.copy_count,
    story.site_count,
    relations.exact_copy_count,
    relations.near_copy_count,
    relations.republished_count,
    relations.min_similarity,
    relations.site_keys
from warehouse.stories as story
join relations_per_story as relations using (story_id);

comment on view marts.copies_per_story is 'One row per story: who published it first, and how many exact copies, near copies and same-site republications followed, on which sites.';
comment on column marts.copies_per_story.story_id is 'The story (warehouse.stories).';
comment on column marts.copies_per_story.headline is 'Headline of its earliest published article.';
comment on column marts.copies_per_story.agency is 'News agency credited by its articles, if any.';
comment on column marts.copies_per_story.first_site_key is 'Site of its earliest published article.';
comment on column marts.copies_per_story.first_published_at is 'Publication time of its earliest article (UTC).';
comment on column marts.copies_per_story.article_count is 'Articles in the story, the first included.';
comment on column marts.copies_per_story.copy_count is 'Articles besides the first.';
comment on column marts.copies_per_story.site_count is 'Distinct sites that published it.';
comment on column marts.copies_per_story.exact_copy_count is 'Articles on other sites with the same words as the first.';
comment on column marts.copies_per_story.near_copy_count is 'Articles on other sites with edited text (new headline, local paragraph, cut ending).';
comment on column marts.copies_per_story.republished_count is 'Articles a site published again under another URL after it had already run the story.';
comment on column marts.copies_per_story.min_similarity is 'Lowest Jaccard similarity of a member''s body to the first article''s body (1 for a story of one article).';
comment on column marts.copies_per_story.site_keys is 'The sites that published the story, alphabetically, separated by commas.';
