"""Long commands show a count and a rate on a terminal, and nothing when their output is piped."""

from __future__ import annotations

import io
import time

from rich.console import Console

from broadsheet.progress import count_file_reader, polled_count


def _run(console: Console, tmp_path) -> str:
    counter = tmp_path / "count"
    with polled_count(console, "crawl demo: pages archived", count_file_reader(counter), total=40):
        for n in (5, 12, 30):
            counter.write_text(str(n))
            time.sleep(0.6)
    return console.file.getvalue()


def test_a_terminal_sees_the_count_of_its_total_and_a_rate(tmp_path):
    shown = _run(Console(file=io.StringIO(), force_terminal=True, width=120), tmp_path)
    assert "crawl demo: pages archived" in shown
    assert "30/40" in shown
    assert "/s" in shown


def test_piped_output_stays_quiet(tmp_path):
    assert _run(Console(file=io.StringIO(), force_terminal=False, width=120), tmp_path) == ""
