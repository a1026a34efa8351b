"""The faults suite's figures, gathered while it runs and printed by tests/conftest.py at the end of `make
test`: bad inputs tried and faults injected (tests marked `bad_input` / `fault` that ran), articles expected
against articles loaded, and rejects by reason, as the tests that load a night record them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class SuiteTally:
    bad_inputs: set[str] = field(default_factory=set)
    bad_inputs_failed: set[str] = field(default_factory=set)
    faults: set[str] = field(default_factory=set)
    faults_failed: set[str] = field(default_factory=set)
    articles_expected: int = 0
    articles_loaded: int = 0
    rejects: Counter[str] = field(default_factory=Counter)

    def record_night(self, expected: int, loaded: int, rejects: Counter[str] | dict[str, int]) -> None:
        """A loaded night's books: how many articles it should have loaded, did load, and its rejects."""
        self.articles_expected += expected
        self.articles_loaded += loaded
        self.rejects.update(rejects)

    def summary_line(self) -> str:
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(self.rejects.items())) or "none"
        return (
            f"faults suite: {len(self.bad_inputs)} bad inputs tried ({len(self.bad_inputs_failed)} failing), "
            f"{len(self.faults)} faults injected ({len(self.faults_failed)} failing), "
            f"articles expected {self.articles_expected} vs loaded {self.articles_loaded}, "
            f"rejects by reason: {reasons}"
        )


TALLY = SuiteTally()


def night_books(expected: int, loaded: int, warehouse: object) -> dict:
    """A loaded night's figures, as a test records them (`record_property("night_books", ...)`): they travel
    with the test's report, so the summary adds them up whichever worker ran the test."""
    return {"expected": expected, "loaded": loaded, "rejects": dict(warehouse.reject_reasons)}
