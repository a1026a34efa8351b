create view marts.stories_per_day as
with stories_by_day as (
    select
        (coalesce(story.first_published_at, story.first_seen_at) at time zone 'UTC')::date as story_on,
        story.story_id,
        story.article_count,
        story.copy_count,
        story.site_count,
        story.agency
    from warehouse.stories as story
)
select
    story_on,
    count(*) as story_count,
    count(*) filter (where copy_count > 0) as copied_story_count,
    count(*) filter (where site_count > 1) as multi_site_story_count,
    count(*) filter (where agency is not null) as agency_story_count,
    sum(article_count) as article_count,
    sum(copy_count) as copy_count
from stories_by_day
group by story_on;

comment on view marts.stories_per_day is 'Stories by the UTC day their first article was published (first seen when undated): how many distinct stories the articles of a day are.';
comment on column marts.stories_per_day.story_on is 'UTC date the story''s earliest article was published (first seen when no article is dated).';
comment on column marts.stories_per_day.story_count is 'Stories first published that day.';
comment on column marts.stories_per_day.copied_story_count is 'Of them, stories carried by more than one article (copies, republications).';
comment on column marts.stories_per_day.multi_site_story_count is 'Of them, stories published by more than one site.';
comment on column marts.stories_per_day.agency_story_count is 'Of them, stories credited to a news agency.';
comment on column marts.stories_per_day.article_count is 'Articles of those stories, on any day.';
comment on column marts.stories_per_day.copy_count is 'Articles of those stories besides their first ones.';
