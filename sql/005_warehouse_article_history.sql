-- Articles gain metadata, date provenance, removal, versions, authors and full-text search.
alter table warehouse.articles
    add column section text,
    add column tags text[] not null default '{}',
    add column body_markup text,
    add column published_precision text,
    add column is_published_timezone_assumed boolean,
    add column modified_precision text,
    add column is_modified_timezone_assumed boolean,
    add column date_flags text[] not null default '{}',
    add column removed_at timestamptz,
    add column search_config regconfig not null default 'simple',
    add column search_vector tsvector;

create index articles_search_idx on warehouse.articles using gin (search_vector);
create index articles_url_idx on warehouse.articles (url);

comment on column warehouse.articles.section is 'Section of the site the article appeared in, as the page names it.';
comment on column warehouse.articles.tags is 'Tags or keywords the page gives the article.';
comment on column warehouse.articles.body_markup is 'The body with light markup (paragraphs, headings, lists, quotes), when extracted.';
comment on column warehouse.articles.published_precision is 'How precise published_at is: instant, minute, day or month. A day is stored as midnight in the site''s zone.';
comment on column warehouse.articles.is_published_timezone_assumed is 'True when the page gave no time zone and the site''s zone was assumed.';
comment on column warehouse.articles.modified_precision is 'How precise modified_at is: instant, minute, day or month.';
comment on column warehouse.articles.is_modified_timezone_assumed is 'True when the page gave no time zone for modified_at and the site''s zone was assumed.';
comment on column warehouse.articles.date_flags is 'Quality flags of the dates, e.g. sources_disagree, modified_before_published.';
comment on column warehouse.articles.removed_at is 'When the article''s page answered 404 or 410; null while it is online.';
comment on column warehouse.articles.search_config is 'PostgreSQL text search configuration of the article''s language (simple when unknown).';
comment on column warehouse.articles.search_vector is 'Full-text search vector of title (weight A) and body (weight B), in the article''s language, filled right after each load (null until then). Query with @@ websearch_to_tsquery(search_config, ...).';

-- Which PostgreSQL text search configuration serves which ISO 639-1 language.
create table warehouse.search_languages (
    language text primary key,
    search_config regconfig not null
);

insert into warehouse.search_languages (language, search_config)
values
    ('ar', 'arabic'), ('hy', 'armenian'), ('eu', 'basque'), ('ca', 'catalan'), ('da', 'danish'),
    ('nl', 'dutch'), ('en', 'english'), ('fi', 'finnish'), ('fr', 'french'), ('de', 'german'),
    ('el', 'greek'), ('hi', 'hindi'), ('hu', 'hungarian'), ('id', 'indonesian'), ('ga', 'irish'),
    ('it', 'italian'), ('lt', 'lithuanian'), ('ne', 'nepali'), ('no', 'norwegian'), ('nb', 'norwegian'),
    ('pt', 'portuguese'), ('ro', 'romanian'), ('ru', 'russian'), ('sr', 'serbian'), ('es', 'spanish'),
    ('sv', 'swedish'), ('ta', 'tamil'), ('tr', 'turkish'), ('yi', 'yiddish');

comment on table warehouse.search_languages is 'Maps an article language (ISO 639-1) to the PostgreSQL text search configuration used for it.';
comment on column warehouse.search_languages.language is 'ISO 639-1 language code.';
comment on column warehouse.search_languages.search_config is 'PostgreSQL text search configuration for that language.';

create table warehouse.article_versions (
    article_version_id bigint generated always as identity primary key,
    article_id bigint not null references warehouse.articles (article_id) on delete cascade,
    content_hash text not null,
    title text not null,
    authors text[] not null,
    body_text text not null,
    body_markup text,
    published_at timestamptz,
    modified_at timestamptz,
    word_count integer not null,
    archive_location text not null,
    first_seen_at timestamptz not null,
    loaded_by_run_id text not null,
    unique (article_id, content_hash)
);

comment on table warehouse.article_versions is 'Every distinct content an article has had: edits are kept here, never overwritten.';
comment on column warehouse.article_versions.article_version_id is 'Surrogate key of the version.';
comment on column warehouse.article_versions.article_id is 'The article (warehouse.articles).';
comment on column warehouse.article_versions.content_hash is 'SHA-256 of title and body of this version.';
comment on column warehouse.article_versions.title is 'Headline of this version.';
comment on column warehouse.article_versions.authors is 'Authors listed on this version.';
comment on column warehouse.article_versions.body_text is 'Body text of this version.';
comment on column warehouse.article_versions.body_markup is 'Body with light markup of this version, when extracted.';
comment on column warehouse.article_versions.published_at is 'Publication time given by this version (UTC).';
comment on column warehouse.article_versions.modified_at is 'Update time given by this version (UTC).';
comment on column warehouse.article_versions.word_count is 'Words in the body of this version.';
comment on column warehouse.article_versions.archive_location is 'WARC record this version was first extracted from.';
comment on column warehouse.article_versions.first_seen_at is 'When Broadsheet first fetched this version (UTC).';
comment on column warehouse.article_versions.loaded_by_run_id is 'The run that first loaded this version.';

create table warehouse.authors (
    author_id bigint generated always as identity primary key,
    site_key text not null references warehouse.sites (site_key),
    name text not null,
    unique (site_key, name)
);

comment on table warehouse.authors is 'People who write for a site, one row per name and site.';
comment on column warehouse.authors.author_id is 'Surrogate key of the author.';
comment on column warehouse.authors.site_key is 'The site the name appears on.';
comment on column warehouse.authors.name is 'The author''s name as the pages give it.';

create table warehouse.article_authors (
    article_id bigint not null references warehouse.articles (article_id) on delete cascade,
    author_id bigint not null references warehouse.authors (author_id),
    position smallint not null,
    primary key (article_id, author_id)
);

create index article_authors_author_idx on warehouse.article_authors (author_id);

comment on table warehouse.article_authors is 'Who wrote which article (current version), in byline order.';
comment on column warehouse.article_authors.article_id is 'The article.';
comment on column warehouse.article_authors.author_id is 'One of its authors.';
comment on column warehouse.article_authors.position is '1 for the first name in the byline, 2 for the second, ...';

-- COPY targets, one set of rows per load (load_id); rows never outlive the load's transaction.
create unlogged table staging.article_rows (
    load_id uuid not null,
    site_key text not null,
    canonical_url text not null,
    url text not null,
    title text not null,
    authors text[] not null,
    section text,
    tags text[] not null,
    published_at timestamptz,
    published_raw text,
    published_source text,
    published_precision text,
    is_published_timezone_assumed boolean,
    modified_at timestamptz,
    modified_raw text,
    modified_source text,
    modified_precision text,
    is_modified_timezone_assumed boolean,
    date_flags text[] not null,
    language text,
    body_text text not null,
    body_markup text,
    word_count integer not null,
    content_hash text not null,
    archive_location text not null,
    fetched_at timestamptz not null
);

create unlogged table staging.page_rows (
    load_id uuid not null,
    site_key text not null,
    requested_url text not null,
    final_url text not null,
    status integer not null,
    headers jsonb not null,
    fetched_at timestamptz not null,
    content_hash text not null,
    archive_location text not null
);

comment on table staging.article_rows is 'COPY target of one load''s articles; emptied before the load commits.';
comment on table staging.page_rows is 'COPY target of one load''s fetched pages; emptied before the load commits.';
