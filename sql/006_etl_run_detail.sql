alter table etl.runs
    add column pages_not_modified integer not null default 0,
    add column articles_removed integer not null default 0,
    add column error text;

comment on column etl.runs.pages_not_modified is 'Conditional requests the site answered with 304 Not Modified.';
comment on column etl.runs.articles_removed is 'Articles whose page now answers 404 or 410 (removed_at set).';
comment on column etl.runs.error is 'Why the run failed (null when it succeeded).';

alter table etl.rejects
    add column page_id bigint references raw.pages (page_id);

comment on column etl.rejects.page_id is 'The fetch that was rejected (raw.pages), when the page was fetched.';
