create table if not exists etl.run_skips (
    run_id text not null,
    site_key text not null,
    reason text not null,
    pages integer not null,
    detail text not null default '',
    primary key (run_id, site_key, reason)
);

comment on table etl.run_skips is 'Pages a run deliberately did not fetch, counted per run, site and reason; a cap reached shows here and as a warning in the run report.';
comment on column etl.run_skips.run_id is 'Airflow run id (or the CLI''s) of the pipeline run.';
comment on column etl.run_skips.site_key is 'The site this row counts.';
comment on column etl.run_skips.reason is 'over_page_cap (article URLs left once max_pages was reached) or forbidden_by_robots (URLs robots.txt disallows).';
comment on column etl.run_skips.pages is 'How many URLs were skipped for this reason.';
comment on column etl.run_skips.detail is 'The limit in force, e.g. max_pages=5000.';
