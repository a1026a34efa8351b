-- For analysts (issue 17): full-text search as a function that returns article, rank and snippet, and what a
-- reject is, said once. A no_date page is deliberately both: a reject row (a data-quality signal, counted in
-- etl.runs.rejects) and an article loaded with a null published_at (nothing valid is lost). The description of
-- etl.runs.rejects said "pages that did not become articles", which was wrong for no_date; it now says so, and
-- marts.rejects_per_day / marts.extraction_quality_per_site tell the two outcomes apart.
comment on table etl.rejects is 'Pages a run could not use as they were, with the stage that refused them and why. Private: BI reads marts.rejects_per_day. Every reason but no_date means the page did not become an article; no_date means it was loaded as an article without a publication date.';
comment on column etl.runs.rejects is 'Reject rows the run recorded (etl.rejects): pages that did not become articles, plus articles loaded without a publication date (reason no_date, also counted in articles_new/changed/unchanged).';

-- Security definer: the BI role may not read the search internals (search_config, search_vector) directly.
create or replace function marts.search_articles(query text)
returns table (
    article_id bigint,
    site_key text,
    title text,
    language text,
    published_at timestamptz,
    canonical_url text,
    rank numeric,
    snippet text
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select
        article.article_id,
        article.site_key,
        article.title,
        article.language,
        article.published_at,
        article.canonical_url,
        round(ts_rank_cd(article.search_vector, parsed.query)::numeric, 4) as rank,
        ts_headline(
            article.search_config,
            article.body_text,
            parsed.query,
            'MaxFragments=2, MinWords=8, MaxWords=30, FragmentDelimiter=" … ", StartSel=«, StopSel=»'
        ) as snippet
    from warehouse.articles as article
    cross join lateral websearch_to_tsquery(article.search_config, query) as parsed(query)
    where article.search_vector @@ parsed.query
    order by rank desc, article.published_at desc nulls last, article.article_id
$$;

comment on function marts.search_articles(text) is 'Full-text search over every article, each in its own language (stemming per warehouse.search_languages): select * from marts.search_articles(''harbour budget''). Web-search syntax: "exact phrase", or, -word. Returns the article, its rank (higher is better) and a snippet of the body with the matches between « ».';
revoke all on function marts.search_articles(text) from public;
grant execute on function marts.search_articles(text) to broadsheet_bi;
