-- Each author's kind (issue 14): a byline credits people and organisations ("Associated Press", "dpa",
-- "Reuters and Jane Doe", "Staff"). Kept with the name so that marts count people apart from agencies and
-- newsrooms, and so that stories recognise syndicated copy by the agency its byline credits.
alter table staging.article_rows
    add column author_kinds text[] not null default '{}';

alter table warehouse.articles
    add column author_kinds text[] not null default '{}';

comment on column warehouse.articles.author_kinds is 'The kind of each name in authors, in the same order: person or organisation (a news agency, a newsroom, "Staff"). Empty for rows loaded before kinds were stored; the next load of the article fills it.';

grant select (author_kinds) on warehouse.articles to broadsheet_bi;

alter table warehouse.authors
    add column kind text not null default 'person'
        constraint authors_kind_known check (kind in ('person', 'organisation'));

comment on column warehouse.authors.kind is 'person, or organisation when the byline credits an agency or a newsroom (e.g. Associated Press, dpa, Staff).';
