create table etl.runs (
    run_id text not null,
    site_key text not null,
    interval_start timestamptz not null,
    interval_end timestamptz not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    pages_fetched integer not null default 0,
    articles_new integer not null default 0,
    articles_changed integer not null default 0,
    articles_unchanged integer not null default 0,
    rejects integer not null default 0,
    status text not null,
    primary key (run_id, site_key)
);

comment on table etl.runs is 'One row per pipeline run and site: its data interval, what it fetched and loaded.';
comment on column etl.runs.run_id is 'Airflow run id (or the CLI''s) of the pipeline run.';
comment on column etl.runs.site_key is 'The site this row counts.';
comment on column etl.runs.interval_start is 'Start of the data interval the run covered (inclusive, UTC).';
comment on column etl.runs.interval_end is 'End of the data interval the run covered (exclusive, UTC).';
comment on column etl.runs.started_at is 'When the load started.';
comment on column etl.runs.finished_at is 'When the load committed.';
comment on column etl.runs.pages_fetched is 'Pages read from the archive for this run.';
comment on column etl.runs.articles_new is 'Articles inserted for the first time.';
comment on column etl.runs.articles_changed is 'Articles whose content changed since the last load.';
comment on column etl.runs.articles_unchanged is 'Articles loaded again with identical content (no write).';
comment on column etl.runs.rejects is 'Pages that did not become articles (see etl.rejects).';
comment on column etl.runs.status is 'succeeded or failed.';

create table etl.rejects (
    reject_id bigint generated always as identity primary key,
    run_id text not null,
    site_key text not null,
    url text not null,
    stage text not null,
    reason text not null,
    detail text not null,
    archive_location text not null,
    rejected_at timestamptz not null default now(),
    unique (run_id, site_key, url, stage)
);

comment on table etl.rejects is 'Pages a run could not use, with the stage that refused them and why.';
comment on column etl.rejects.reject_id is 'Surrogate key.';
comment on column etl.rejects.run_id is 'The run that rejected the page.';
comment on column etl.rejects.site_key is 'The site of the page.';
comment on column etl.rejects.url is 'The page''s URL.';
comment on column etl.rejects.stage is 'Pipeline stage that rejected it: crawl, extract, normalise.';
comment on column etl.rejects.reason is 'Reason code: http_error, not_html, undecodable, no_article_body, no_title, no_date.';
comment on column etl.rejects.detail is 'Human-readable detail of the reason.';
comment on column etl.rejects.archive_location is 'WARC file and offset of the rejected page ('''' if never fetched).';
comment on column etl.rejects.rejected_at is 'When the reject was recorded.';
