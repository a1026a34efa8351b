-- Two reasons the crawl gives that the column's description did not list: a response over the size cap,
-- and redirects that lead back into their own chain.
comment on column etl.rejects.reason is 'Reason code: http_error, too_large (response over the size cap), redirect_loop, not_html, undecodable (a binary body), no_article_body, no_title, no_date.';
