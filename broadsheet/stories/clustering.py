"""Match the articles a load added or changed to stories, through LSH band keys kept in PostgreSQL.

An article is pending when it has no signature yet, or its content_hash or the signature parameters changed
since it was signed. Pending articles are taken oldest first (published, else first seen); each one's band keys
are looked up in the GIN index of etl.article_signatures (earlier articles and those of the same night signed
moments before), candidates are filtered on their estimated Jaccard, then confirmed on the shingles of both
bodies. The best confirmed match gives the story; no match starts one. The stories that changed are then
re-scored: their first article is the earliest published, every member's similarity and relation is measured
against it, and counts, sites and agency are recomputed.

Everything happens in one transaction under an advisory lock, so loads of several sites running at once
cluster one after the other, a failure leaves nothing half matched, and a re-run, a backfill or a second
night finds nothing pending and changes nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import psycopg

from broadsheet.stories.agencies import agency_credit
from broadsheet.stories.similarity import (
    DEFAULT_PARAMETERS,
    Relation,
    StoryParameters,
    band_keys,
    estimated_jaccard,
    jaccard,
    relation_to_first,
    shingles,
    signature,
    signature_bytes,
    signature_from_bytes,
    words_hash,
)

logger = logging.getLogger(__name__)

# The estimate may miss the threshold by its own error (about 0.04 at 128 permutations, 0.09 at the 95th
# percentile); candidates this far below it are still confirmed on their shingles.
ESTIMATE_MARGIN = 0.15

_PENDING = """
select
    article.article_id, article.authors, article.body_text, article.content_hash
from warehouse.articles as article
left join etl.article_signatures as signed using (article_id)
where signed.article_id is null
   or signed.content_hash <> article.content_hash
   or signed.signature_version <> %(signature_version)s
order by coalesce(article.published_at, article.first_seen_at), article.article_id
"""

_CANDIDATES = """
select signed.article_id, signed.signature, membership.story_id
from etl.article_signatures as signed
join warehouse.article_stories as membership using (article_id)
where signed.band_keys && %(band_keys)s::bigint[]
  and signed.article_id <> %(article_id)s
  and signed.signature_version = %(signature_version)s
"""

_LEAVE_STORY = """
delete from warehouse.article_stories
where article_id = %(article_id)s
returning story_id
"""

_NEW_STORY = """
insert into warehouse.stories (
    first_article_id, first_site_key, headline, first_published_at, first_seen_at, article_count, copy_count,
    site_count
)
select article_id, site_key, title, published_at, first_seen_at, 1, 0, 1
from warehouse.articles
where article_id = %(article_id)s
returning story_id
"""

_JOIN_STORY = """
insert into warehouse.article_stories (
    article_id, story_id, similarity, relation, agency, clustered_by_run_id
)
values (%(article_id)s, %(story_id)s, %(similarity)s, %(relation)s, %(agency)s, %(run_id)s)
"""

_SIGN = """
insert into etl.article_signatures (
    article_id, content_hash, signature_version, shingle_count, signature, band_keys
)
values (
    %(article_id)s, %(content_hash)s, %(signature_version)s, %(shingle_count)s, %(signature)s, %(band_keys)s
)
on conflict (article_id) do update set
    content_hash = excluded.content_hash,
    signature_version = excluded.signature_version,
    shingle_count = excluded.shingle_count,
    signature = excluded.signature,
    band_keys = excluded.band_keys
"""

_MEMBERS = """
select
    article.article_id, article.site_key, article.title, article.body_text, article.published_at,
    article.first_seen_at, membership.similarity, membership.relation, membership.agency
from warehouse.article_stories as membership
join warehouse.articles as article using (article_id)
where membership.story_id = %(story_id)s
order by article.published_at nulls last, article.first_seen_at, article.article_id
"""

_RESCORE_MEMBER = """
update warehouse.article_stories
set similarity = %(similarity)s, relation = %(relation)s
where article_id = %(article_id)s
  and (similarity, relation) is distinct from (%(similarity)s::real, %(relation)s)
"""

_UPDATE_STORY = """
update warehouse.stories
set
    first_article_id = %(first_article_id)s,
    first_site_key = %(first_site_key)s,
    headline = %(headline)s,
    first_published_at = %(first_published_at)s,
    first_seen_at = %(first_seen_at)s,
    agency = %(agency)s,
    article_count = %(article_count)s,
    copy_count = %(article_count)s - 1,
    site_count = %(site_count)s,
    updated_at = now()
where story_id = %(story_id)s
"""

_DROP_EMPTY_STORIES = """
delete from warehouse.stories as story
where story.story_id = any(%(story_ids)s)
  and not exists (select 1 from warehouse.article_stories as membership where membership.story_id = story.story_id)
"""

_ORGANISATION_AUTHORS = """
select distinct name from warehouse.authors where kind = 'organisation'
"""


@dataclass(frozen=True)
class ClusterSummary:
    articles_matched: int  # pending articles given a story now (new or changed)
    stories_started: int  # of them, articles that matched nothing earlier and began a story
    joined_stories: int  # of them, articles that joined an existing story
    candidates_confirmed: int  # candidate pairs checked on their shingles
    stories_rescored: int  # stories that gained or lost an article, re-scored against their first article


@dataclass
class _Match:
    story_id: int
    similarity: float


def _organisation_names(conn: psycopg.Connection) -> set[str]:
    """Authors of kind organisation, once extraction stores author kinds (no such column yet: none)."""
    has_kind = conn.execute(
        """
        select 1 from information_schema.columns
        where table_schema = 'warehouse' and table_name = 'authors' and column_name = 'kind'
        """
    ).fetchone()
    return {row[0] for row in conn.execute(_ORGANISATION_AUTHORS)} if has_kind else set()


def _has_members(conn: psycopg.Connection, story_id: int) -> bool:
    member = conn.execute("select 1 from warehouse.article_stories where story_id = %s limit 1", (story_id,))
    return member.fetchone() is not None


def _best_match(
    conn: psycopg.Connection,
    article_id: int,
    own_shingles: frozenset[str],
    own_signature: tuple[int, ...],
    keys: list[int],
    parameters: StoryParameters,
) -> tuple[_Match | None, int]:
    """The story of the most similar earlier article above the threshold (estimated, then confirmed), and how
    many candidates were confirmed on their shingles."""
    rows = conn.execute(
        _CANDIDATES,
        {"band_keys": keys, "article_id": article_id, "signature_version": parameters.signature_version},
    ).fetchall()
    floor = parameters.jaccard_threshold - ESTIMATE_MARGIN
    likely = {
        candidate_id: story_id
        for candidate_id, stored, story_id in rows
        if estimated_jaccard(own_signature, signature_from_bytes(stored)) >= floor
    }
    if not likely:
        return None, 0
    bodies = conn.execute(
        "select article_id, body_text from warehouse.articles where article_id = any(%s) order by article_id",
        (list(likely),),
    ).fetchall()
    best: _Match | None = None
    for candidate_id, body_text in bodies:
        similarity = jaccard(own_shingles, shingles(body_text, parameters))
        if similarity >= parameters.jaccard_threshold and (best is None or similarity > best.similarity):
            best = _Match(likely[candidate_id], similarity)
    return best, len(bodies)


def _rescore_story(conn: psycopg.Connection, story_id: int, parameters: StoryParameters) -> None:
    """The story's first article is its earliest published; every member is measured against it."""
    members = conn.execute(_MEMBERS, {"story_id": story_id}).fetchall()
    if not members:
        return
    first_id, first_site, first_title, first_body, first_published, _, *_ = members[0]
    first_shingles = shingles(first_body, parameters)
    first_words = words_hash(first_body)
    agencies = Counter(agency for *_, agency in members if agency)
    sites_so_far: set[str] = set()
    for article_id, site_key, _, body_text, *_ in members:
        is_first = article_id == first_id
        relation = relation_to_first(
            is_first=is_first,
            is_same_site=site_key in sites_so_far,
            is_same_words=words_hash(body_text) == first_words,
        )
        sites_so_far.add(site_key)
        similarity = 1.0 if is_first else jaccard(first_shingles, shingles(body_text, parameters))
        conn.execute(_RESCORE_MEMBER, {"article_id": article_id, "similarity": similarity, "relation": relation.value})
    first_agency = members[0][-1]
    conn.execute(
        _UPDATE_STORY,
        {
            "story_id": story_id,
            "first_article_id": first_id,
            "first_site_key": first_site,
            "headline": first_title,
            "first_published_at": first_published,
            "first_seen_at": min(member[5] for member in members),
            "agency": first_agency or (agencies.most_common(1)[0][0] if agencies else None),
            "article_count": len(members),
            "site_count": len({member[1] for member in members}),
        },
    )


def cluster_new_articles(
    conn: psycopg.Connection, *, run_id: str | None = None, parameters: StoryParameters = DEFAULT_PARAMETERS
) -> ClusterSummary:
    """Give every new or changed article of the warehouse its story; returns what changed.

    Call it after a load has committed. Safe to run at any time and any number of times: it only works on
    articles whose current body has not been matched yet.
    """
    started = datetime.now()
    matched = started_stories = joined = confirmed = 0
    touched: set[int] = set()
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('broadsheet.stories'))")
        organisations = _organisation_names(conn)
        with conn.cursor(name="pending_articles") as pending:
            pending.itersize = 500
            pending.execute(_PENDING, {"signature_version": parameters.signature_version})
            for article_id, authors, body_text, content_hash in pending:
                left = conn.execute(_LEAVE_STORY, {"article_id": article_id}).fetchone()
                if left is not None:
                    touched.add(left[0])
                own_shingles = shingles(body_text, parameters)
                own_signature = signature(own_shingles, parameters)
                keys = band_keys(own_signature, parameters) if len(own_shingles) >= parameters.min_shingles else []
                match, checked = (
                    _best_match(conn, article_id, own_shingles, own_signature, keys, parameters) if keys else (None, 0)
                )
                confirmed += checked
                if match is None and left is not None and not _has_members(conn, left[0]):
                    story_id, similarity, relation = left[0], 1.0, Relation.ORIGINAL  # an edit keeps its story
                elif match is None:
                    story_id = conn.execute(_NEW_STORY, {"article_id": article_id}).fetchone()[0]
                    similarity, relation = 1.0, Relation.ORIGINAL
                    started_stories += 1
                else:
                    story_id, similarity, relation = match.story_id, match.similarity, Relation.NEAR_COPY
                    touched.add(story_id)  # a story started now, with this article only, is already scored
                    joined += 1
                conn.execute(
                    _JOIN_STORY,
                    {
                        "article_id": article_id,
                        "story_id": story_id,
                        "similarity": similarity,
                        "relation": relation.value,
                        "agency": agency_credit(authors, body_text, organisations),
                        "run_id": run_id,
                    },
                )
                conn.execute(
                    _SIGN,
                    {
                        "article_id": article_id,
                        "content_hash": content_hash,
                        "signature_version": parameters.signature_version,
                        "shingle_count": len(own_shingles),
                        "signature": signature_bytes(own_signature),
                        "band_keys": keys,
                    },
                )
                matched += 1
        for story_id in sorted(touched):
            _rescore_story(conn, story_id, parameters)
        conn.execute(_DROP_EMPTY_STORIES, {"story_ids": sorted(touched)})
    summary = ClusterSummary(matched, started_stories, joined, confirmed, len(touched))
    logger.info(
        "run=%s stage=stories matched=%d new_stories=%d joined=%d confirmed_candidates=%d rescored=%d seconds=%.1f",
        run_id, matched, started_stories, joined, confirmed, len(touched),
        (datetime.now() - started).total_seconds(),
    )  # fmt: skip
    return summary
