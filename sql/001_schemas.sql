-- The warehouse's layers, in the direction data flows: raw -> staging -> warehouse -> marts; etl runs it.
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists warehouse;
create schema if not exists marts;
create schema if not exists etl;

comment on schema raw is 'What was fetched, as fetched. Internal: not for BI tools.';
comment on schema staging is 'Per-load working tables (COPY targets). Internal: not for BI tools.';
comment on schema warehouse is 'Clean, deduplicated news articles: one row per article. Read this from BI tools.';
comment on schema marts is 'Views that answer the usual questions (articles per site per day, ...). Read this from BI tools.';
comment on schema etl is 'Pipeline bookkeeping: runs, rejects, migrations.';
