create view marts.rejects_per_day as
select
    reject.site_key,
    reject.stage,
    reject.reason,
    (reject.rejected_at at time zone 'UTC')::date as rejected_on,
    reject.reason = 'no_date' as is_article_loaded,
    case when reject.reason = 'no_date' then 'loaded without a date' else 'not loaded' end as outcome,
    count(*)::integer as reject_count,
    count(distinct reject.url)::integer as page_count
from etl.rejects as reject
group by reject.site_key, reject.stage, reject.reason, (reject.rejected_at at time zone 'UTC')::date;

comment on view marts.rejects_per_day is 'Data quality: how many pages each stage refused per site, reason and day. The reject rows (URLs, details) stay in the private etl.rejects; a no_date page is the one reason whose article is still loaded (undated).';
comment on column marts.rejects_per_day.site_key is 'Site identifier.';
comment on column marts.rejects_per_day.stage is 'Pipeline stage that refused the page: crawl, extract or normalise.';
comment on column marts.rejects_per_day.reason is 'Reason code: http_error, too_large, redirect_loop, not_html, undecodable, no_article_body, no_title, no_date.';
comment on column marts.rejects_per_day.rejected_on is 'Day the reject was recorded (UTC).';
comment on column marts.rejects_per_day.is_article_loaded is 'True for no_date: the page was loaded as an undated article all the same; false when it did not become an article.';
comment on column marts.rejects_per_day.outcome is 'not loaded, or loaded without a date (no_date).';
comment on column marts.rejects_per_day.reject_count is 'Rejects recorded (a page refused by several runs counts once per run).';
comment on column marts.rejects_per_day.page_count is 'Distinct page URLs among them.';
