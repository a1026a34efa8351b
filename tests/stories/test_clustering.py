"""Stories in the warehouse, on real PostgreSQL: loads of several sites and nights, then cluster_new_articles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from broadsheet.loader import RunContext, load_site_run
from broadsheet.migrations import apply_migrations
from broadsheet.records import Article, ChosenDate, ChosenDates, ExtractedArticle
from broadsheet.settings import Settings
from broadsheet.stories.clustering import cluster_new_articles

SQL_DIR = Settings().sql_dir
NIGHT = datetime(2024, 3, 15, tzinfo=UTC)

STRIKE = [
    "Dockworkers at the port of Calder Bay walked off the job on Tuesday after talks over a new three-year "
    "contract broke down late on Monday night, leaving more than forty container ships at anchor.",
    "The union said its members would stay out until the operators withdrew a plan to automate two of the five "
    "terminals, which it says would cost eleven hundred jobs over the next decade.",
    "Operators said automation was the only way to keep the port competitive with Westhaven and Port Ardent, "
    "which both opened remote-controlled cranes last year, and offered retraining for every worker affected.",
    "The port authority said perishable cargo would be diverted to the smaller terminal at Westhaven, and that "
    "ferries and cruise ships were not affected by the strike.",
    "Talks are due to resume on Thursday under a mediator appointed by the labour ministry.",
]
ELECTION = [
    "The electoral commission fixed the second of April for a rerun of the Garko North election, annulled by the "
    "tribunal after ballot boxes from eleven polling units were found to have been tampered with.",
    "Both leading candidates welcomed the date, though the runner-up said the commission should first replace "
    "the returning officer who declared the original result before all the units had reported.",
    "Observers from three civic groups said they would deploy to every polling unit in the district, and the "
    "police promised to keep officers away from the counting centres unless called in.",
]
LIBRARY = [
    "The central library will open on Sundays from next month, after the council found money in its arts budget "
    "for four more librarians and a security guard for the weekend shift.",
    "Readers had petitioned for the change for two years; more than three thousand people signed, most of them "
    "students who said the reading rooms were the only quiet place they had to work at weekends.",
]


def _site(key: str):
    from broadsheet.sites import SiteConfig

    return SiteConfig(
        key=key, name=key.title(), base_url=f"https://{key}.example", article_patterns=["^/"], timezone="UTC",
        languages=["en"],
    )  # fmt: skip


def _article(site: str, slug: str, title: str, paragraphs: list[str], published_minutes: int, authors=()) -> Article:
    published_at = NIGHT + timedelta(minutes=published_minutes)
    extracted = ExtractedArticle(
        site_key=site, url=f"https://{site}.example/{slug}", canonical_url=f"https://{site}.example/{slug}",
        title=title, authors=list(authors), body_text="\n".join(paragraphs), language="en",
        published_candidates=[], modified_candidates=[], fetched_at=NIGHT + timedelta(hours=23),
        archive_location=f"{site}.warc.gz#{published_minutes * 1000}",  # file#offset, as the archive writes it
    )  # fmt: skip
    return Article(extracted, ChosenDates(published=ChosenDate(published_at, published_at.isoformat(), "json-ld")))


def _load(conn: psycopg.Connection, night: int, *articles: Article, batch_size: int = 2000) -> None:
    for site in sorted({article.extracted.site_key for article in articles}):
        start = NIGHT + timedelta(days=night)
        run = RunContext(f"night-{night}", _site(site), start, start + timedelta(days=1))
        load_site_run(conn, run, [article for article in articles if article.extracted.site_key == site], [])
    cluster_new_articles(conn, run_id=f"night-{night}", batch_size=batch_size)


def _stories(conn: psycopg.Connection) -> dict[str, list[tuple]]:
    """Each story's first headline -> its members as (canonical path, relation), first article first."""
    rows = conn.execute(
        """
        select story.headline, substring(article.canonical_url from '//(.*)$'), membership.relation
        from warehouse.stories as story
        join warehouse.article_stories as membership using (story_id)
        join warehouse.articles as article using (article_id)
        order by story.story_id, membership.relation <> 'original', article.canonical_url
        """
    ).fetchall()
    stories: dict[str, list[tuple]] = {}
    for headline, path, relation in rows:
        stories.setdefault(headline, []).append((path, relation))
    return stories


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url) as connection:
        apply_migrations(connection, SQL_DIR)
        yield connection


@pytest.mark.parametrize("batch_size", [2000, 2], ids=["one batch", "batches of two"])
def test_an_agency_story_on_three_sites_is_one_story_and_unrelated_articles_are_their_own(conn, batch_size):
    local_intro = "Importers in Linwood said the strike could empty supermarket shelves of fruit by the weekend."
    _load(
        conn,
        0,
        _article("wire", "strike", "Calder Bay dockworkers strike over automation", STRIKE, 60, ["Reuters"]),
        _article("ledger", "port-strike", "Port walkout strands 40 ships", [local_intro, *STRIKE[:4]], 95),
        _article("herald", "dock-strike", "Dockers down tools", STRIKE, 130, ["By Reuters"]),
        _article("herald", "election-date", "April rerun for Garko North", ELECTION, 20),
        _article("ledger", "library", "Library to open on Sundays", LIBRARY, 30),
        batch_size=batch_size,
    )
    assert _stories(conn) == {
        "Calder Bay dockworkers strike over automation": [
            ("wire.example/strike", "original"),
            ("herald.example/dock-strike", "exact_copy"),
            ("ledger.example/port-strike", "near_copy"),
        ],
        "April rerun for Garko North": [("herald.example/election-date", "original")],
        "Library to open on Sundays": [("ledger.example/library", "original")],
    }
    story = conn.execute(
        "select agency, article_count, copy_count, site_count, first_site_key from warehouse.stories "
        "where headline like 'Calder%'"
    ).fetchone()
    assert story == ("Reuters", 3, 2, 3, "wire")
    near = conn.execute(
        "select similarity from warehouse.article_stories join warehouse.articles using (article_id) "
        "where title = 'Port walkout strands 40 ships'"
    ).fetchone()[0]
    assert 0.5 <= near < 1


def test_a_copy_loaded_nights_later_joins_the_story_and_an_earlier_publication_becomes_its_first(conn):
    _load(conn, 0, _article("herald", "dock-strike", "Dockers down tools", STRIKE, 130))
    _load(conn, 1, _article("ledger", "port-strike", "Port walkout", STRIKE[:4], 24 * 60 + 10))
    story_id = conn.execute("select story_id from warehouse.stories").fetchone()[0]
    # a backfill of an earlier night brings the article every other copied
    _load(conn, -1, _article("wire", "strike", "Calder Bay strike", STRIKE, -30, ["AFP"]))
    assert _stories(conn) == {
        "Calder Bay strike": [
            ("wire.example/strike", "original"),
            ("herald.example/dock-strike", "exact_copy"),
            ("ledger.example/port-strike", "near_copy"),
        ]
    }
    assert conn.execute("select story_id, agency, site_count from warehouse.stories").fetchall() == [
        (story_id, "AFP", 3)
    ]
    delays = conn.execute("select site_key, delay_minutes from marts.copy_delays order by site_key").fetchall()
    assert [(site, float(minutes)) for site, minutes in delays] == [("herald", 160.0), ("ledger", 1480.0)]


def test_a_republication_on_the_same_site_is_labelled_so(conn):
    _load(
        conn,
        0,
        _article("herald", "2024/03/15/strike", "Dockers down tools", STRIKE, 130),
        _article("herald", "business/strike-update", "Strike: what it means for shoppers", STRIKE, 400),
    )
    assert _stories(conn)["Dockers down tools"] == [
        ("herald.example/2024/03/15/strike", "original"),
        ("herald.example/business/strike-update", "same_site_republished"),
    ]


def test_rerunning_changes_nothing_and_an_updated_article_keeps_its_story(conn):
    articles = [
        _article("wire", "strike", "Calder Bay strike", STRIKE, 60),
        _article("ledger", "port-strike", "Port walkout", STRIKE[:4], 95),
        _article("herald", "library", "Library to open on Sundays", LIBRARY, 30),
    ]
    _load(conn, 0, *articles)
    before = conn.execute("select * from warehouse.article_stories order by article_id").fetchall()
    stories_before = conn.execute("select * from warehouse.stories order by story_id").fetchall()
    _load(conn, 0, *articles)
    assert conn.execute("select * from warehouse.article_stories order by article_id").fetchall() == before
    assert conn.execute("select * from warehouse.stories order by story_id").fetchall() == stories_before
    assert cluster_new_articles(conn).articles_matched == 0

    update = "Late on Wednesday the mediator said both sides had agreed to meet a day early, on Wednesday night."
    updated = [
        _article("ledger", "port-strike", "Port walkout", [*STRIKE[:4], update], 95),
        _article("herald", "library", "Library opens on Sundays", [*LIBRARY, "It opens at noon."], 30),
    ]
    _load(conn, 1, *updated)
    after = dict(
        conn.execute(
            "select title, (story_id, relation) from warehouse.article_stories join warehouse.articles "
            "using (article_id)"
        ).fetchall()
    )
    stories = dict(conn.execute("select headline, story_id from warehouse.stories").fetchall())
    assert after["Port walkout"] == (str(stories["Calder Bay strike"]), "near_copy")
    assert after["Library opens on Sundays"] == (str(stories["Library opens on Sundays"]), "original")
    assert sorted(stories.values()) == sorted(row[0] for row in stories_before)


@pytest.mark.parametrize("batch_size", [2000, 2], ids=["one batch", "batches of two"])
def test_a_story_copied_on_many_sites_confirms_one_earlier_copy_per_article_not_every_one(conn, batch_size):
    """Six copies of one wire story: each later copy needs one confirmed member of the story, not all earlier ones
    (the night of 20,000 real pages spent most of its load stage confirming every earlier copy)."""
    sites = ["wire", "herald", "ledger", "gazette", "courier", "sentinel"]
    copies = [_article(site, "strike", f"Strike ({site})", STRIKE, 60 + n) for n, site in enumerate(sites)]
    for site in sites:
        start = NIGHT
        run = RunContext("night-0", _site(site), start, start + timedelta(days=1))
        load_site_run(conn, run, [copy for copy in copies if copy.extracted.site_key == site], [])
    summary = cluster_new_articles(conn, run_id="night-0", batch_size=batch_size)

    assert summary.candidates_confirmed == len(sites) - 1
    assert summary.joined_stories == len(sites) - 1
    members = _stories(conn)["Strike (wire)"]
    assert members == [("wire.example/strike", "original")] + [
        (f"{site}.example/strike", "exact_copy") for site in sorted(sites[1:])
    ]


def test_when_an_earlier_article_becomes_the_first_every_member_is_measured_against_it_again(conn):
    _load(conn, 0, _article("herald", "dock-strike", "Dockers down tools", STRIKE, 130))
    _load(conn, 1, _article("ledger", "port-strike", "Port walkout", STRIKE[:4], 24 * 60 + 10))
    similarity = (
        "select similarity from warehouse.article_stories join warehouse.articles using (article_id) "
        "where site_key = %s"
    )
    assert 0.5 < conn.execute(similarity, ("ledger",)).fetchone()[0] < 1  # four paragraphs of herald's five

    # a backfill brings the earlier original, word for word what the ledger ran: it becomes the story's first
    _load(conn, -1, _article("wire", "strike", "Calder Bay strike", STRIKE[:4], -30))

    assert conn.execute(similarity, ("ledger",)).fetchone()[0] == 1.0
    assert 0.5 < conn.execute(similarity, ("herald",)).fetchone()[0] < 1
