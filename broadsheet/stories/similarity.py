"""Shingles, MinHash signatures and LSH bands of an article body: pure functions, no database.

Why these numbers (measured on the labelled set of benchmarks/stories_labelled.py, see docs/stories.md):
4-word shingles, 128 permutations, 42 bands of 3 rows (an LSH curve that finds 94 % of pairs at Jaccard 0.4 and
99.6 % at 0.5, and almost never unrelated text), and a confirmed Jaccard of at least 0.4 on the shingles
themselves. The MinHash is rensa's RMinHash: the same estimate as datasketch's, 20 times faster.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from enum import StrEnum

from rensa import RMinHash

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class StoryParameters:
    """How bodies are compared. Changing any of them changes every stored signature (see signature_version)."""

    shingle_words: int = 4
    permutations: int = 128
    bands: int = 42
    seed: int = 1618
    jaccard_threshold: float = 0.4
    min_shingles: int = 20  # shorter bodies (briefs, captions) are matched by nobody: too little text to tell

    @property
    def rows_per_band(self) -> int:
        """Permutations per band; the last permutations % bands ones are in no band (used for estimates only)."""
        return self.permutations // self.bands

    @property
    def signature_version(self) -> str:
        """Stored with each signature: a change of library algorithm or parameter re-signs every article."""
        return (
            f"rensa-r{RMinHash.ALGORITHM_VERSION}:k{self.shingle_words}:p{self.permutations}:b{self.bands}:s{self.seed}"
        )


DEFAULT_PARAMETERS = StoryParameters()


class Relation(StrEnum):
    """How an article relates to the first article of its story."""

    ORIGINAL = "original"  # the story's earliest published article
    EXACT_COPY = "exact_copy"  # another site, the same words
    NEAR_COPY = "near_copy"  # another site, syndicated or edited: new headline, local intro, cut ending
    SAME_SITE_REPUBLISHED = "same_site_republished"  # a site that already ran the story, again under another URL


def body_words(body_text: str) -> list[str]:
    """The body's words, case-folded: punctuation, spacing and capitals do not make a copy different."""
    return WORD.findall(body_text.casefold())


def shingles(body_text: str, parameters: StoryParameters = DEFAULT_PARAMETERS) -> frozenset[str]:
    """Overlapping runs of `shingle_words` words; a body shorter than that is one shingle (none if empty)."""
    words = body_words(body_text)
    size = parameters.shingle_words
    if len(words) <= size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    """|A ∩ B| / |A ∪ B| of two shingle sets; 0 when both are empty."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


Signature = tuple[int, ...]


def signature(shingle_set: frozenset[str], parameters: StoryParameters = DEFAULT_PARAMETERS) -> Signature:
    """The MinHash signature (one uint32 per permutation) of a shingle set."""
    minhash = RMinHash(num_perm=parameters.permutations, seed=parameters.seed)
    minhash.update(list(shingle_set))
    return tuple(minhash.digest())


def signature_bytes(values: Signature) -> bytes:
    """4 bytes per permutation, little-endian: 512 bytes for 128 permutations."""
    return struct.pack(f"<{len(values)}I", *values)


def signature_from_bytes(data: bytes) -> Signature:
    return struct.unpack(f"<{len(data) // 4}I", data)


def estimated_jaccard(first: Signature, second: Signature) -> float:
    """The share of permutations whose minimum agrees: MinHash's estimate of the Jaccard similarity."""
    return sum(a == b for a, b in zip(first, second, strict=True)) / len(first)


def band_keys(values: Signature, parameters: StoryParameters = DEFAULT_PARAMETERS) -> list[int]:
    """One signed 64-bit key per band: the band's number and its rows hashed together, so two articles share a
    key only when a whole band of their signatures is equal (and never across bands)."""
    rows = parameters.rows_per_band
    keys = []
    for band in range(parameters.bands):
        chunk = struct.pack(f"<H{rows}I", band, *values[band * rows : (band + 1) * rows])
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def lsh_match_probability(similarity: float, parameters: StoryParameters = DEFAULT_PARAMETERS) -> float:
    """The chance that two bodies of this Jaccard similarity share at least one band: 1 - (1 - s^r)^b."""
    return 1 - (1 - similarity**parameters.rows_per_band) ** parameters.bands


def relation_to_first(*, is_first: bool, is_same_site: bool, is_same_words: bool) -> Relation:
    """An article's relation to its story: `is_same_site` when an earlier article of the story is on its site,
    `is_same_words` when its words are those of the story's first article."""
    if is_first:
        return Relation.ORIGINAL
    if is_same_site:
        return Relation.SAME_SITE_REPUBLISHED
    return Relation.EXACT_COPY if is_same_words else Relation.NEAR_COPY


def words_hash(body_text: str) -> str:
    """Equal for two bodies with the same words in the same order (an exact copy, whatever its spacing)."""
    return hashlib.sha256(" ".join(body_words(body_text)).encode()).hexdigest()
