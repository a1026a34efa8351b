-- Each article's length in characters (issue 12): word_count counts whitespace-separated words, which says
-- little about a body written without spaces between words (Chinese, Japanese, Thai) and differs by language
-- habits (German compounds); the character count compares article length across every site and language.
alter table staging.article_rows
    add column character_count integer;

alter table warehouse.articles
    add column character_count integer;

update warehouse.articles
set character_count = char_length(body_text)
where character_count is null;

alter table warehouse.articles
    alter column character_count set not null;

comment on column warehouse.articles.character_count is 'Characters in body_text (Unicode characters, spaces and line breaks included): the body''s length in any language, where word_count depends on words being separated by spaces.';
