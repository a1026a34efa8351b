-- broadsheet_bi locked down by our own SQL instead of PostgreSQL's defaults (issue 17):
-- * CONNECT to this database only for broadsheet_bi (and the owner and superusers), not for every role;
-- * no temporary tables for anyone but the owner (the loader, which runs as the owner, uses one);
-- * no usage of schema public nor of the pipeline's schemas (raw, staging, etl): their tables cannot be read or
--   listed through information_schema. PostgreSQL does not let us hide names from pg_catalog (pg_class,
--   pg_namespace are readable by every role): the names of internal tables stay visible there, never their rows;
-- * in warehouse.articles, every column but the search internals (search_config, a regconfig, and
--   search_vector): BI tools search through marts.search_articles.
-- Safe in many databases of one server at once (tests do that): it never alters the cluster-wide role itself,
-- only this database's privileges, and every statement is idempotent.
do $$
begin
    execute format('revoke connect, temporary on database %I from public', current_database());
    execute format('grant connect on database %I to broadsheet_bi', current_database());
end
$$;

revoke all on schema public from public;
revoke all on schema raw, staging, etl from broadsheet_bi;

-- Column-level select: a migration that adds a column to warehouse.articles grants it to broadsheet_bi too.
do $$
declare
    readable_columns text;
begin
    select string_agg(quote_ident(column_name), ', ' order by ordinal_position)
    into readable_columns
    from information_schema.columns
    where table_schema = 'warehouse'
      and table_name = 'articles'
      and column_name not in ('search_config', 'search_vector');
    revoke select on warehouse.articles from broadsheet_bi;
    execute format('grant select (%s) on warehouse.articles to broadsheet_bi', readable_columns);
end
$$;
revoke select on warehouse.search_languages from broadsheet_bi;
