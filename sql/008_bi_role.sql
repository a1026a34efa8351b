-- broadsheet_bi: read-only access for BI tools to warehouse and marts, nothing else.
-- Give a BI tool a login with:  create role metabase login password '...' in role broadsheet_bi;
do $$
begin
    if not exists (select from pg_roles where rolname = 'broadsheet_bi') then
        create role broadsheet_bi nologin;
    end if;
exception when insufficient_privilege then
    raise exception 'creating role broadsheet_bi needs CREATEROLE: run this migration as a role that has it, '
        'or have an administrator run "create role broadsheet_bi nologin" first';
end
$$;

comment on role broadsheet_bi is 'Read-only access to the Broadsheet warehouse and marts schemas, for BI tools.';

grant usage on schema warehouse, marts to broadsheet_bi;
grant select on all tables in schema warehouse to broadsheet_bi;
grant select on all tables in schema marts to broadsheet_bi;
-- Tables and views created later by the role that runs migrations are covered too.
alter default privileges in schema warehouse grant select on tables to broadsheet_bi;
alter default privileges in schema marts grant select on tables to broadsheet_bi;

revoke all on schema raw, staging, etl from public;
revoke all on all tables in schema raw, staging, etl from public;
