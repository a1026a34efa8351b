-- Which fetch an article's current row came from, so that the newest fetch always wins: an older fetch
-- loaded later (a backfill of an earlier interval) no longer overwrites a newer version (issue 13).
alter table warehouse.articles add column if not exists fetched_at timestamptz;
comment on column warehouse.articles.fetched_at is 'When the page this row''s current content was extracted from was fetched (UTC). A fetch older than this never replaces the row; null for rows loaded before this column existed.';
grant select (fetched_at) on warehouse.articles to broadsheet_bi;
