"""Match the articles a load added or changed to stories, through LSH band keys kept in PostgreSQL.

An article is pending when it has no signature yet, or its content_hash or the signature parameters changed
since it was signed. Pending articles are taken oldest first (published, else first seen), in batches: the band
keys of a whole batch are looked up at once in etl.article_bands, one index probe per key (every earlier article),
and the batch's own articles are matched against each other in memory, in order. Candidates are filtered on
their estimated Jaccard, then confirmed on the shingles of both bodies. The best confirmed match gives the
story; no match starts one. The stories that changed are then re-scored: their first article is the earliest
published, every member's similarity and relation is measured against it, counts, sites and agency recomputed.

Everything happens in one transaction under an advisory lock, so loads of several sites running at once
cluster one after the other, a failure leaves nothing half matched, and a re-run, a backfill or a second
night finds nothing pending and changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg

from broadsheet.stories.agencies import agency_credit
from broadsheet.stories.similarity import (
    DEFAULT_PARAMETERS,
    Relation,
    Signature,
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

# The estimate may miss the threshold by its own error (about 0.03 on average at 128 permutations, 0.07 at the
# 95th percentile); candidates this far below it are still confirmed on their shingles.
ESTIMATE_MARGIN = 0.15
BATCH_SIZE = 2000

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

# Every earlier article sharing a band key with the batch: one index probe per key. The index must serve it even
# while the table is new and unanalysed (the planner would scan it whole for every batch): sequential scans are
# off for these two queries alone.
_BAND_MATCHES = """
select band.band_key, band.article_id
from etl.article_bands as band
where band.band_key = any(%(band_keys)s::bigint[])
  and not band.article_id = any(%(article_ids)s)
"""

_CANDIDATES = """
select signed.article_id, signed.signature, membership.story_id
from etl.article_signatures as signed
join warehouse.article_stories as membership using (article_id)
where signed.article_id = any(%(article_ids)s)
  and signed.signature_version = %(signature_version)s
"""

_LEAVE_STORIES = """
delete from warehouse.article_stories
where article_id = any(%(article_ids)s)
returning article_id, story_id
"""

_STORIES_WITH_MEMBERS = """
select distinct story_id from warehouse.article_stories where story_id = any(%(story_ids)s)
"""

_NEW_STORIES = """
insert into warehouse.stories (
    first_article_id, first_site_key, headline, first_published_at, first_seen_at, article_count, copy_count,
    site_count
)
select article_id, site_key, title, published_at, first_seen_at, 1, 0, 1
from warehouse.articles
where article_id = any(%(article_ids)s)
returning first_article_id, story_id
"""

_SIGNATURE_COLUMNS = ("article_id", "content_hash", "signature_version", "shingle_count", "signature")
_MEMBERSHIP_COLUMNS = ("article_id", "story_id", "similarity", "relation", "agency", "clustered_by_run_id")

_CREATE_SIGNED = """
create temporary table if not exists signed_now (like etl.article_signatures) on commit drop
"""

_SIGN = """
insert into etl.article_signatures (
    article_id, content_hash, signature_version, shingle_count, signature
)
select article_id, content_hash, signature_version, shingle_count, signature
from signed_now
on conflict (article_id) do update set
    content_hash = excluded.content_hash,
    signature_version = excluded.signature_version,
    shingle_count = excluded.shingle_count,
    signature = excluded.signature
"""

_MEMBERS = """
select
    membership.story_id, article.article_id, article.site_key, article.title, article.body_text,
    article.published_at, article.first_seen_at, membership.similarity, membership.relation, membership.agency
from warehouse.article_stories as membership
join warehouse.articles as article using (article_id)
where membership.story_id = any(%(story_ids)s)
order by membership.story_id, article.published_at nulls last, article.first_seen_at, article.article_id
"""

_FIRST_ARTICLES = """
select story_id, first_article_id from warehouse.stories where story_id = any(%(story_ids)s)
"""

_RESCORE_MEMBER = """
update warehouse.article_stories
set similarity = %(similarity)s, relation = %(relation)s
where article_id = %(article_id)s
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
class _Pending:
    """One pending article of a batch, signed, and where it ends up."""

    article_id: int
    agency: str | None
    content_hash: str
    shingles: frozenset[str]
    signature: Signature
    keys: list[int]
    story: int | None = None  # a story id, or None until a new story is made for it
    similarity: float = 1.0
    new_story_of: int | None = None  # the article of this batch whose new story it joined


@dataclass
class _Stored:
    article_id: int
    signature: Signature
    story_id: int
    shingles: frozenset[str] | None = None


def _story_key(candidate: _Pending | _Stored) -> tuple[str, int]:
    """The story a candidate belongs to; an article of this batch may have begun one that is not made yet."""
    if isinstance(candidate, _Stored):
        return ("stored", candidate.story_id)
    if candidate.story is not None:
        return ("stored", candidate.story)
    return ("new", candidate.new_story_of or candidate.article_id)


def _organisation_names(conn: psycopg.Connection) -> set[str]:
    """Names the extraction judged organisations (warehouse.authors.kind): credits as they stand."""
    return {row[0] for row in conn.execute(_ORGANISATION_AUTHORS)}


def _stored_candidates(
    conn: psycopg.Connection, batch: list[_Pending], parameters: StoryParameters
) -> tuple[dict[int, list[int]], dict[int, _Stored]]:
    """Earlier articles sharing a band key with the batch: band key -> article ids, and their signatures."""
    keys = sorted({key for item in batch for key in item.keys})
    if not keys:
        return {}, {}
    conn.execute("set local enable_seqscan = off")
    matches = conn.execute(
        _BAND_MATCHES, {"band_keys": keys, "article_ids": [item.article_id for item in batch]}
    ).fetchall()
    by_key: dict[int, list[int]] = defaultdict(list)
    for key, article_id in matches:
        by_key[key].append(article_id)
    rows = conn.execute(
        _CANDIDATES,
        {
            "article_ids": sorted({article_id for _, article_id in matches}),
            "signature_version": parameters.signature_version,
        },
    ).fetchall()
    conn.execute("set local enable_seqscan to default")
    stored = {row[0]: _Stored(row[0], signature_from_bytes(row[1]), row[2]) for row in rows}
    by_key = {key: [i for i in ids if i in stored] for key, ids in by_key.items()}
    return by_key, stored


def _load_shingles(
    conn: psycopg.Connection, stored: dict[int, _Stored], ids: Iterable[int], parameters: StoryParameters
) -> None:
    missing = sorted(i for i in ids if stored[i].shingles is None)
    if missing:
        rows = conn.execute(
            "select article_id, body_text from warehouse.articles where article_id = any(%s)", (missing,)
        ).fetchall()
        for article_id, body_text in rows:
            stored[article_id].shingles = shingles(body_text, parameters)


def _match_batch(conn: psycopg.Connection, batch: list[_Pending], parameters: StoryParameters) -> int:
    """Give each article of the batch its best confirmed match (earlier articles, then the batch's own, in
    order); returns how many candidates were confirmed on their shingles."""
    by_key, stored = _stored_candidates(conn, batch, parameters)
    floor = parameters.jaccard_threshold - ESTIMATE_MARGIN
    likely_stored = [
        [
            other
            for other in sorted({other for key in item.keys for other in by_key.get(key, ())})
            if estimated_jaccard(item.signature, stored[other].signature) >= floor
        ]
        for item in batch
    ]
    # the shingles of the stored candidates that will be confirmed: all of them when they are in several
    # stories, else the likeliest (the others are read only if it is not confirmed)
    first = [_first_to_confirm(item, others, stored) for item, others in zip(batch, likely_stored, strict=True)]
    _load_shingles(conn, stored, {other for others in first for other in others}, parameters)
    confirmed = 0
    batch_index: dict[int, list[int]] = defaultdict(list)  # band key -> positions in the batch
    for position, item in enumerate(batch):
        best: tuple[float, _Pending | _Stored] | None = None
        in_batch = sorted({other for key in item.keys for other in batch_index[key]})
        candidates: list[_Pending | _Stored] = [stored[other] for other in likely_stored[position]]
        candidates += [
            batch[other] for other in in_batch if estimated_jaccard(item.signature, batch[other].signature) >= floor
        ]
        # When every candidate is in one story, one confirmed member settles it: the article's similarity is
        # measured again against the story's first article when the story is re-scored. (An article copied
        # on many sites would otherwise be confirmed against every earlier copy.)
        one_story = len({_story_key(candidate) for candidate in candidates}) == 1
        if one_story:
            candidates.sort(key=lambda candidate: estimated_jaccard(item.signature, candidate.signature), reverse=True)
        for candidate in candidates:
            if candidate.shingles is None:
                _load_shingles(conn, stored, [candidate.article_id], parameters)
            confirmed += 1
            similarity = jaccard(item.shingles, candidate.shingles)
            if similarity >= parameters.jaccard_threshold and (best is None or similarity > best[0]):
                best = (similarity, candidate)
                if one_story:
                    break
        if best is not None:
            item.similarity, match = best
            if isinstance(match, _Stored):
                item.story = match.story_id
            elif match.story is not None:
                item.story = match.story
            else:  # an article of this batch that began a story: its story is made when the batch is written
                item.new_story_of = match.new_story_of or match.article_id
        for key in item.keys:
            batch_index[key].append(position)
    return confirmed


def _first_to_confirm(item: _Pending, candidate_ids: list[int], stored: dict[int, _Stored]) -> list[int]:
    """All stored candidates when they are in several stories; else the one with the highest estimate."""
    if len({stored[other].story_id for other in candidate_ids}) > 1:
        return candidate_ids
    by_estimate = sorted(
        candidate_ids, key=lambda other: estimated_jaccard(item.signature, stored[other].signature), reverse=True
    )
    return by_estimate[:1]


def _write_batch(
    conn: psycopg.Connection, batch: list[_Pending], run_id: str | None, params: StoryParameters
) -> set[int]:
    """New stories for the articles that began one, then every membership and signature of the batch; returns
    the articles that began a story (the others' stories are re-scored)."""
    starters = {item.article_id for item in batch if item.story is None and item.new_story_of is None}
    new_story = dict(conn.execute(_NEW_STORIES, {"article_ids": sorted(starters)}).fetchall()) if starters else {}
    by_id = {item.article_id: item for item in batch}
    with conn.cursor() as cursor:
        with cursor.copy(f"copy warehouse.article_stories ({', '.join(_MEMBERSHIP_COLUMNS)}) from stdin") as copy:
            for item in batch:  # in order: an article that began a story comes before those that joined it
                if item.article_id in starters:
                    item.story = new_story[item.article_id]
                elif item.story is None:
                    item.story = by_id[item.new_story_of].story
                # provisional for joiners: their stories are re-scored against the first article afterwards
                relation = Relation.ORIGINAL if item.article_id in starters else Relation.NEAR_COPY
                copy.write_row((item.article_id, item.story, item.similarity, relation.value, item.agency, run_id))
        cursor.execute(_CREATE_SIGNED)
        cursor.execute("delete from signed_now")
        with cursor.copy(f"copy signed_now ({', '.join(_SIGNATURE_COLUMNS)}) from stdin") as copy:
            for item in batch:
                copy.write_row(
                    (item.article_id, item.content_hash, params.signature_version, len(item.shingles),
                     signature_bytes(item.signature))
                )  # fmt: skip
        cursor.execute(_SIGN)
        cursor.execute("delete from etl.article_bands where article_id = any(%s)", ([i.article_id for i in batch],))
        with cursor.copy("copy etl.article_bands (band_key, article_id) from stdin") as copy:
            for item in batch:
                for key in item.keys:
                    copy.write_row((key, item.article_id))
    return starters


def _rescore_stories(
    conn: psycopg.Connection, story_ids: list[int], parameters: StoryParameters, clustered: set[int]
) -> None:
    """Each story's first article is its earliest published; every member is measured against it. A member
    measured before against the same, unchanged first article keeps its similarity (`clustered`: the articles
    matched in this call, whose similarity is provisional)."""
    members: dict[int, list[tuple]] = defaultdict(list)
    for row in conn.execute(_MEMBERS, {"story_ids": story_ids}):
        members[row[0]].append(row[1:])
    first_before = dict(conn.execute(_FIRST_ARTICLES, {"story_ids": story_ids}).fetchall())
    member_updates, story_updates = [], []
    for story_id, rows in members.items():
        first_id, first_site, first_title, first_body, first_published, *_ = rows[0]
        same_first = first_before.get(story_id) == first_id and first_id not in clustered
        first_shingles: frozenset[str] | None = None
        first_words = words_hash(first_body)
        agencies = Counter(agency for *_, agency in rows if agency)
        sites_so_far: set[str] = set()
        for article_id, site_key, _, body_text, _, _, old_similarity, old_relation, _ in rows:
            is_first = article_id == first_id
            relation = relation_to_first(
                is_first=is_first,
                is_same_site=site_key in sites_so_far,
                is_same_words=words_hash(body_text) == first_words,
            ).value
            sites_so_far.add(site_key)
            if is_first:
                similarity = 1.0
            elif same_first and article_id not in clustered:
                similarity = old_similarity  # measured against this first article when it joined
            else:
                first_shingles = first_shingles or shingles(first_body, parameters)
                similarity = jaccard(first_shingles, shingles(body_text, parameters))
            if (round(similarity, 6), relation) != (round(old_similarity, 6), old_relation):
                member_updates.append({"article_id": article_id, "similarity": similarity, "relation": relation})
        first_agency = rows[0][-1]
        story_updates.append(
            {
                "story_id": story_id,
                "first_article_id": first_id,
                "first_site_key": first_site,
                "headline": first_title,
                "first_published_at": first_published,
                "first_seen_at": min(row[5] for row in rows),
                "agency": first_agency or (agencies.most_common(1)[0][0] if agencies else None),
                "article_count": len(rows),
                "site_count": len({row[1] for row in rows}),
            }
        )
    with conn.cursor() as cursor:
        cursor.executemany(_RESCORE_MEMBER, member_updates)
        cursor.executemany(_UPDATE_STORY, story_updates)


def cluster_new_articles(
    conn: psycopg.Connection,
    *,
    run_id: str | None = None,
    parameters: StoryParameters = DEFAULT_PARAMETERS,
    batch_size: int = BATCH_SIZE,
) -> ClusterSummary:
    """Give every new or changed article of the warehouse its story; returns what changed.

    Call it after a load has committed. Safe to run at any time and any number of times: it only works on
    articles whose current body has not been matched yet.
    """
    started = time.perf_counter()
    matched = started_stories = joined = confirmed = 0
    touched: set[int] = set()
    clustered: set[int] = set()
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('broadsheet.stories'))")
        organisations = _organisation_names(conn)
        with conn.cursor(name="pending_articles") as pending:
            pending.execute(_PENDING, {"signature_version": parameters.signature_version})
            while rows := pending.fetchmany(batch_size):
                batch = []
                for article_id, authors, body_text, content_hash in rows:
                    own = shingles(body_text, parameters)
                    own_signature = signature(own, parameters)
                    keys = band_keys(own_signature, parameters) if len(own) >= parameters.min_shingles else []
                    agency = agency_credit(authors, body_text, organisations)
                    batch.append(_Pending(article_id, agency, content_hash, own, own_signature, keys))
                left = dict(conn.execute(_LEAVE_STORIES, {"article_ids": [i.article_id for i in batch]}).fetchall())
                confirmed += _match_batch(conn, batch, parameters)
                still_used = {
                    row[0] for row in conn.execute(_STORIES_WITH_MEMBERS, {"story_ids": sorted(set(left.values()))})
                }
                for item in batch:
                    old_story = left.get(item.article_id)
                    if item.story is not None or item.new_story_of is not None:
                        joined += 1
                    elif old_story is not None and old_story not in still_used:
                        item.story = old_story  # an edit that matches nothing else keeps its story
                        still_used.add(old_story)
                    else:
                        started_stories += 1
                starters = _write_batch(conn, batch, run_id, parameters)
                touched.update(left.values())
                touched.update(item.story for item in batch if item.article_id not in starters)
                matched += len(batch)
                clustered.update(item.article_id for item in batch)
        if touched:
            _rescore_stories(conn, sorted(touched), parameters, clustered)
            conn.execute(_DROP_EMPTY_STORIES, {"story_ids": sorted(touched)})
    summary = ClusterSummary(matched, started_stories, joined, confirmed, len(touched))
    logger.info(
        "run=%s stage=stories matched=%d new_stories=%d joined=%d confirmed_candidates=%d rescored=%d seconds=%.1f",
        run_id, matched, started_stories, joined, confirmed, len(touched), time.perf_counter() - started,
    )  # fmt: skip
    return summary
