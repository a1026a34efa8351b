create table if not exists etl.stage_timings (
    run_id text not null,
    site_key text not null,
    stage text not null,
    started_at timestamptz not null,
    finished_at timestamptz not null,
    items integer not null default 0,
    primary key (run_id, site_key, stage)
);

comment on table etl.stage_timings is 'How long each stage of a run took for a site, as the run report shows it.';
comment on column etl.stage_timings.run_id is 'Airflow run id (or the CLI''s) of the pipeline run.';
comment on column etl.stage_timings.site_key is 'The site this row times.';
comment on column etl.stage_timings.stage is 'crawl, extract, normalise or load.';
comment on column etl.stage_timings.started_at is 'When the stage started (UTC).';
comment on column etl.stage_timings.finished_at is 'When the stage finished (UTC); a retried stage keeps its last attempt.';
comment on column etl.stage_timings.items is 'Pages or articles the stage handled.';
