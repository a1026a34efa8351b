create view marts.article_changes as
with numbered_versions as (
    select
        version.article_id,
        version.article_version_id,
        version.title,
        version.authors,
        version.body_text,
        version.word_count,
        version.first_seen_at,
        version.loaded_by_run_id,
        row_number() over article_history as version_number,
        count(*) over (partition by version.article_id) as version_count,
        max(version.first_seen_at) over (partition by version.article_id) as last_changed_at,
        lag(version.title) over article_history as previous_title,
        lag(version.authors) over article_history as previous_authors,
        lag(version.body_text) over article_history as previous_body_text,
        lag(version.word_count) over article_history as previous_word_count,
        lag(version.first_seen_at) over article_history as previous_seen_at
    from warehouse.article_versions as version
    window article_history as (partition by version.article_id order by version.first_seen_at, version.article_version_id)
),
changes as (
    select
        *,
        title is distinct from previous_title as is_title_changed,
        body_text is distinct from previous_body_text as is_body_changed,
        authors is distinct from previous_authors as is_authors_changed
    from numbered_versions
    where version_number > 1
)
select
    changes.article_id,
    article.site_key,
    article.title as current_title,
    changes.version_number::integer as version_number,
    changes.version_count::integer as version_count,
    changes.first_seen_at as changed_at,
    changes.previous_seen_at,
    changes.last_changed_at,
    concat_ws(
        ', ',
        case when changes.is_title_changed then 'title' end,
        case when changes.is_body_changed then 'body' end,
        case when changes.is_authors_changed then 'authors' end
    ) as changed_fields,
    changes.is_title_changed,
    changes.is_body_changed,
    changes.is_authors_changed,
    changes.previous_title as title_before,
    changes.title as title_after,
    changes.previous_word_count as word_count_before,
    changes.word_count as word_count_after,
    changes.word_count - changes.previous_word_count as word_count_change,
    changes.loaded_by_run_id
from changes
join warehouse.articles as article using (article_id);

comment on view marts.article_changes is 'What changed in an article after Broadsheet first saw it, and when: one row per edit (each new content after the first, from warehouse.article_versions). Never-edited articles have no row; see marts.article_details.version_count.';
comment on column marts.article_changes.article_id is 'The article (marts.article_details).';
comment on column marts.article_changes.site_key is 'Site identifier.';
comment on column marts.article_changes.current_title is 'The article''s headline now.';
comment on column marts.article_changes.version_number is 'Which content this edit produced: 2 for the first edit, 3 for the next, ...';
comment on column marts.article_changes.version_count is 'Distinct contents the article has had in all (the original included).';
comment on column marts.article_changes.changed_at is 'When Broadsheet first fetched the edited content (UTC): the edit happened at or before it.';
comment on column marts.article_changes.previous_seen_at is 'When Broadsheet first fetched the content this edit replaced (UTC).';
comment on column marts.article_changes.last_changed_at is 'When Broadsheet first saw the article''s latest edit (UTC).';
comment on column marts.article_changes.changed_fields is 'What the edit changed, comma-separated: title, body, authors.';
comment on column marts.article_changes.is_title_changed is 'True when the headline changed.';
comment on column marts.article_changes.is_body_changed is 'True when the body text changed.';
comment on column marts.article_changes.is_authors_changed is 'True when the byline changed (a byline change alone makes no new version).';
comment on column marts.article_changes.title_before is 'Headline before the edit.';
comment on column marts.article_changes.title_after is 'Headline after the edit.';
comment on column marts.article_changes.word_count_before is 'Words in the body before the edit.';
comment on column marts.article_changes.word_count_after is 'Words in the body after the edit.';
comment on column marts.article_changes.word_count_change is 'word_count_after minus word_count_before.';
comment on column marts.article_changes.loaded_by_run_id is 'The pipeline run that first loaded the edited content.';
