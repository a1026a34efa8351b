"""Progress of long CLI commands (a crawl, a re-process, a load): counts and rates with rich, shown only on a
terminal; piped or logged output stays quiet."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class _Rate(ProgressColumn):
    """Items per second since the task started."""

    def render(self, task: Task) -> Text:
        rate = task.completed / task.elapsed if task.elapsed else 0.0
        return Text(f"{rate:,.1f}/s")


def progress_bar(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    )


@contextmanager
def polled_count(
    console: Console, description: str, read: Callable[[], int | None], total: int | None = None
) -> Iterator[None]:
    """Show a count another process advances (read() polled twice a second) while the block runs."""
    stop = threading.Event()
    with progress_bar(console) as progress:
        task = progress.add_task(description, total=total)

        def poll() -> None:
            while not stop.wait(0.5):
                value = read()
                if value is not None:
                    progress.update(task, completed=value)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            value = read()
            if value is not None:
                progress.update(task, completed=value)


def count_file_reader(path: Path) -> Callable[[], int | None]:
    """read() for polled_count over a file a crawl rewrites with its count."""

    def read() -> int | None:
        try:
            return int(path.read_text(encoding="ascii") or 0)
        except (FileNotFoundError, ValueError):
            return None

    return read
