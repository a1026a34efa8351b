-- Stories: articles that are the same story (syndicated agency copy, a site's own republication, an edit) share
-- one row of warehouse.stories. The MinHash signatures and their LSH band keys live in etl: matching a night's
-- articles against every earlier one is a set of index lookups of band keys, never an all-pairs scan.
create table warehouse.stories (
    story_id bigint generated always as identity primary key,
    first_article_id bigint not null references warehouse.articles (article_id),
    first_site_key text not null references warehouse.sites (site_key),
    headline text not null,
    first_published_at timestamptz,
    first_seen_at timestamptz not null,
    agency text,
    article_count integer not null,
    copy_count integer not null,
    site_count integer not null,
    updated_at timestamptz not null default now()
);

create index stories_first_published_idx on warehouse.stories (first_published_at);

comment on table warehouse.stories is 'One row per story: articles whose bodies are the same text (a syndicated agency story, a republication, an edit) are one story, however many sites and URLs carry it.';
comment on column warehouse.stories.story_id is 'Surrogate key of the story.';
comment on column warehouse.stories.first_article_id is 'The story''s earliest published article (earliest first seen when undated): who broke it.';
comment on column warehouse.stories.first_site_key is 'The site of the earliest published article.';
comment on column warehouse.stories.headline is 'Headline of the earliest published article.';
comment on column warehouse.stories.first_published_at is 'Publication time of the earliest published article (UTC); null when none of its articles is dated.';
comment on column warehouse.stories.first_seen_at is 'When Broadsheet first fetched any article of the story (UTC).';
comment on column warehouse.stories.agency is 'The news agency the story''s articles credit in their bylines or datelines (e.g. Reuters, Associated Press, dpa); null when none does.';
comment on column warehouse.stories.article_count is 'Articles (distinct canonical URLs) in the story, the first one included.';
comment on column warehouse.stories.copy_count is 'Articles in the story besides the first one: article_count - 1.';
comment on column warehouse.stories.site_count is 'Distinct sites that published the story.';
comment on column warehouse.stories.updated_at is 'When the story last gained, lost or re-scored an article.';

create table warehouse.article_stories (
    article_id bigint primary key references warehouse.articles (article_id) on delete cascade,
    story_id bigint not null references warehouse.stories (story_id),
    similarity real not null check (similarity between 0 and 1),
    relation text not null check (relation in ('original', 'exact_copy', 'near_copy', 'same_site_republished')),
    agency text,
    clustered_at timestamptz not null default now(),
    clustered_by_run_id text
);

create index article_stories_story_idx on warehouse.article_stories (story_id);

comment on table warehouse.article_stories is 'Which story each article belongs to, how similar its body is to the story''s first article, and how it relates to it.';
comment on column warehouse.article_stories.article_id is 'The article (warehouse.articles).';
comment on column warehouse.article_stories.story_id is 'Its story (warehouse.stories).';
comment on column warehouse.article_stories.similarity is 'Jaccard similarity of the word shingles of its body and of the story''s first article''s body (1 for the first article itself; docs/stories.md).';
comment on column warehouse.article_stories.relation is 'original (the first article), exact_copy (another site, the same words), near_copy (another site, syndicated or edited), same_site_republished (a site that had already run the story, again under another URL).';
comment on column warehouse.article_stories.agency is 'The news agency this article credits in its byline or dateline, if any.';
comment on column warehouse.article_stories.clustered_at is 'When the article''s current version was matched to its story.';
comment on column warehouse.article_stories.clustered_by_run_id is 'The pipeline run whose load matched it (null when matched outside a run).';

create table etl.article_signatures (
    article_id bigint primary key references warehouse.articles (article_id) on delete cascade,
    content_hash text not null,
    signature_version text not null,
    shingle_count integer not null,
    signature bytea not null
);

comment on table etl.article_signatures is 'MinHash signature of each article''s current body; an article whose content_hash or signature_version differs is matched again.';
comment on column etl.article_signatures.article_id is 'The article (warehouse.articles).';
comment on column etl.article_signatures.content_hash is 'The article''s content_hash when it was signed.';
comment on column etl.article_signatures.signature_version is 'MinHash library algorithm and parameters (shingle size, permutations, bands, seed) of the signature.';
comment on column etl.article_signatures.shingle_count is 'Distinct word shingles of the body (docs/stories.md).';
comment on column etl.article_signatures.signature is 'MinHash signature: one little-endian uint32 per permutation.';

-- The LSH table: one row per article and band. Articles sharing a band key are candidates; a night's keys are
-- looked up with one index probe each (band_key = any(...)).
create table etl.article_bands (
    band_key bigint not null,
    article_id bigint not null references etl.article_signatures (article_id) on delete cascade,
    primary key (band_key, article_id)
);

create index article_bands_article_idx on etl.article_bands (article_id);

comment on table etl.article_bands is 'LSH bands of each article''s MinHash signature: two articles sharing a band_key are candidate copies. Bodies too short to match have none.';
comment on column etl.article_bands.band_key is 'The band''s number and rows of the signature hashed to 64 bits.';
comment on column etl.article_bands.article_id is 'The article (etl.article_signatures).';
