-- What was fetched, one row per archived HTTP response (bodies stay in the WARC files).
create table raw.pages (
    page_id bigint generated always as identity primary key,
    run_id text not null,
    site_key text not null,
    requested_url text not null,
    final_url text not null,
    status integer not null,
    headers jsonb not null,
    fetched_at timestamptz not null,
    content_hash text not null,
    archive_location text not null,
    unique (site_key, archive_location)
);

create index pages_final_url_idx on raw.pages (final_url);

comment on table raw.pages is 'Every HTTP response the crawler archived: status, headers and where its WARC record is.';
comment on column raw.pages.page_id is 'Surrogate key of the fetch.';
comment on column raw.pages.run_id is 'The pipeline run that loaded this fetch.';
comment on column raw.pages.site_key is 'The site the page belongs to.';
comment on column raw.pages.requested_url is 'The URL the crawler asked for (before redirects).';
comment on column raw.pages.final_url is 'The URL that answered (after redirects).';
comment on column raw.pages.status is 'HTTP status code of the response.';
comment on column raw.pages.headers is 'HTTP response headers, lower-cased names.';
comment on column raw.pages.fetched_at is 'When the response was received (UTC).';
comment on column raw.pages.content_hash is 'SHA-256 of the response body.';
comment on column raw.pages.archive_location is 'WARC file name and byte offset of the response record.';
