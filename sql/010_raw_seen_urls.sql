-- The seen-URL store: what the crawler last knew about each article URL, so that the next run can ask the
-- site "has it changed?" (If-None-Match / If-Modified-Since) and skip re-extracting an unchanged body.
create table raw.seen_urls (
    site_key text not null,
    url text not null,
    final_url text not null,
    first_fetched_at timestamptz not null,
    last_fetched_at timestamptz not null,
    last_status integer not null,
    etag text,
    last_modified text,
    content_hash text,
    archive_location text,
    loaded_content_hash text,
    times_fetched integer not null default 1,
    times_not_modified integer not null default 0,
    last_run_id text not null,
    primary key (site_key, url)
);

comment on table raw.seen_urls is 'One row per article URL the crawler has fetched: validators for conditional requests and the last body hash.';
comment on column raw.seen_urls.site_key is 'The site the URL belongs to.';
comment on column raw.seen_urls.url is 'The normalised URL the crawler requested (before redirects).';
comment on column raw.seen_urls.final_url is 'The URL that last answered (after redirects).';
comment on column raw.seen_urls.first_fetched_at is 'When the URL was first fetched (UTC).';
comment on column raw.seen_urls.last_fetched_at is 'When the URL was last fetched, whatever the answer (UTC).';
comment on column raw.seen_urls.last_status is 'HTTP status of the last fetch (304 when the site said it had not changed).';
comment on column raw.seen_urls.etag is 'The ETag the site last sent, sent back as If-None-Match.';
comment on column raw.seen_urls.last_modified is 'The Last-Modified the site last sent, sent back as If-Modified-Since.';
comment on column raw.seen_urls.content_hash is 'SHA-256 of the last body received (a 304 keeps the previous one).';
comment on column raw.seen_urls.archive_location is 'WARC file and offset of the last body received.';
comment on column raw.seen_urls.loaded_content_hash is 'SHA-256 of the body last loaded into the warehouse; an equal body is not re-extracted.';
comment on column raw.seen_urls.times_fetched is 'How many runs fetched the URL.';
comment on column raw.seen_urls.times_not_modified is 'How many of those fetches the site answered 304 Not Modified.';
comment on column raw.seen_urls.last_run_id is 'The pipeline run that last fetched the URL.';
