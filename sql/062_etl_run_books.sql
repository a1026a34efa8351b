-- The run's books (broadsheet/accounting.py): every URL a run discovered, counted under the one outcome it
-- ended in, and whether the books balanced; one row per attempt, so a re-run adds to a run's history.

create table if not exists etl.run_books (
    run_id text not null,
    site_key text not null,
    attempt integer not null,
    checked_at timestamptz not null default now(),
    urls_discovered integer not null,
    urls_accounted integer not null,
    pages_fetched integer not null,
    pages_archived integer not null,
    pages_read integer not null,
    pages_extracted integer not null,
    pages_rejected integer not null,
    pages_not_modified integer not null,
    pages_unchanged integer not null,
    is_balanced boolean not null,
    unbalanced text,
    primary key (run_id, site_key, attempt)
);

comment on table etl.run_books is 'The books of each attempt of a site''s run: every URL the run discovered, the counts the balance checks compare, and whether they balanced. A re-run adds an attempt; earlier attempts stay.';
comment on column etl.run_books.run_id is 'Airflow run id (or the CLI''s) of the pipeline run.';
comment on column etl.run_books.site_key is 'The site these books count.';
comment on column etl.run_books.attempt is '1 for the first time the run''s load task checked its books, 2 for the next, and so on.';
comment on column etl.run_books.checked_at is 'When the books were checked (after the load committed).';
comment on column etl.run_books.urls_discovered is 'URLs the run knew of: article URLs the crawl discovered, pages of the interval''s archive and URLs of crawl rejects, each once.';
comment on column etl.run_books.urls_accounted is 'URLs with a recorded outcome (etl.run_outcomes, outcome other than missing); equal to urls_discovered when the books balance.';
comment on column etl.run_books.pages_fetched is 'Article URLs the crawl got a response for (this attempt''s crawl, or an earlier attempt it resumed).';
comment on column etl.run_books.pages_archived is 'Pages in the run''s own WARC file; every page fetched must be archived.';
comment on column etl.run_books.pages_read is 'Pages the extract stage read from the interval''s archive (the latest fetch of each URL).';
comment on column etl.run_books.pages_extracted is 'Pages read that became an article.';
comment on column etl.run_books.pages_rejected is 'Pages read that became a reject of the extract stage.';
comment on column etl.run_books.pages_not_modified is 'Pages read that were a 304 Not Modified answer (nothing to extract).';
comment on column etl.run_books.pages_unchanged is 'Pages read whose body was the one already loaded (not extracted again).';
comment on column etl.run_books.is_balanced is 'True when every URL has exactly one outcome and fetched = archived, read = extracted + rejected + not modified + unchanged, extracted = loaded + refused + outside the interval.';
comment on column etl.run_books.unbalanced is 'Which balance failed and the first URLs missing from it (null when balanced).';

create table if not exists etl.run_outcomes (
    run_id text not null,
    site_key text not null,
    attempt integer not null,
    outcome text not null,
    reason text not null default '',
    urls integer not null,
    primary key (run_id, site_key, attempt, outcome, reason),
    foreign key (run_id, site_key, attempt) references etl.run_books (run_id, site_key, attempt)
);

comment on table etl.run_outcomes is 'How many of a run''s discovered URLs ended in each outcome, per attempt of the run (etl.run_books).';
comment on column etl.run_outcomes.run_id is 'Airflow run id (or the CLI''s) of the pipeline run.';
comment on column etl.run_outcomes.site_key is 'The site this row counts.';
comment on column etl.run_outcomes.attempt is 'The attempt of etl.run_books these counts belong to.';
comment on column etl.run_outcomes.outcome is 'loaded (reason new, changed or unchanged), not_modified (a 304), skipped, rejected, or missing (no outcome: the books do not balance).';
comment on column etl.run_outcomes.reason is 'For skipped: outside_window, over_page_cap, forbidden_by_robots, not_followed; for rejected: the reject reason (etl.rejects.reason); for missing: where the URL was lost; otherwise ''''.';
comment on column etl.run_outcomes.urls is 'How many URLs ended in this outcome and reason.';
