create table warehouse.sites (
    site_key text primary key,
    name text not null,
    base_url text not null,
    timezone text not null,
    languages text[] not null
);

comment on table warehouse.sites is 'The news sites Broadsheet crawls, one row per site registry entry.';
comment on column warehouse.sites.site_key is 'Short snake_case identifier of the site, used everywhere.';
comment on column warehouse.sites.name is 'Human-readable name of the publication.';
comment on column warehouse.sites.base_url is 'Scheme and host the site is crawled from.';
comment on column warehouse.sites.timezone is 'IANA time zone of the site, used for dates the pages give without an offset.';
comment on column warehouse.sites.languages is 'ISO 639-1 codes of the languages the site publishes in.';

create table warehouse.articles (
    article_id bigint generated always as identity primary key,
    site_key text not null references warehouse.sites (site_key),
    canonical_url text not null unique,
    url text not null,
    title text not null,
    authors text[] not null default '{}',
    published_at timestamptz,
    published_raw text,
    published_source text,
    modified_at timestamptz,
    modified_raw text,
    modified_source text,
    language text,
    body_text text not null,
    word_count integer not null,
    content_hash text not null,
    archive_location text not null,
    first_seen_at timestamptz not null,
    last_seen_at timestamptz not null,
    loaded_by_run_id text not null
);

create index articles_site_published_idx on warehouse.articles (site_key, published_at);

comment on table warehouse.articles is 'One row per news article, identified by its canonical URL; re-loads never duplicate it.';
comment on column warehouse.articles.article_id is 'Surrogate key of the article.';
comment on column warehouse.articles.site_key is 'The site the article was published on (warehouse.sites).';
comment on column warehouse.articles.canonical_url is 'The article''s identity: its <link rel=canonical>, else the fetched URL.';
comment on column warehouse.articles.url is 'The URL the article was last fetched from.';
comment on column warehouse.articles.title is 'Headline, without the site-name suffix.';
comment on column warehouse.articles.authors is 'Names of the people who wrote it, as listed on the page.';
comment on column warehouse.articles.published_at is 'When the article was first published, in UTC.';
comment on column warehouse.articles.published_raw is 'The date text exactly as the page gave it.';
comment on column warehouse.articles.published_source is 'Where published_raw was found: json-ld, meta:<name>, time[datetime], byline.';
comment on column warehouse.articles.modified_at is 'When the article was last updated, in UTC, if the page says.';
comment on column warehouse.articles.modified_raw is 'The update date text exactly as the page gave it.';
comment on column warehouse.articles.modified_source is 'Where modified_raw was found.';
comment on column warehouse.articles.language is 'ISO 639-1 language of the article.';
comment on column warehouse.articles.body_text is 'The article text without boilerplate; paragraphs separated by newlines.';
comment on column warehouse.articles.word_count is 'Number of words in body_text.';
comment on column warehouse.articles.content_hash is 'SHA-256 of title and body; a change means the article was edited.';
comment on column warehouse.articles.archive_location is 'WARC file and offset of the fetched page this row came from.';
comment on column warehouse.articles.first_seen_at is 'When Broadsheet first fetched the article (UTC).';
comment on column warehouse.articles.last_seen_at is 'When Broadsheet last fetched the article (UTC).';
comment on column warehouse.articles.loaded_by_run_id is 'The pipeline run that last inserted or changed this row.';
