"""Literal matching: ESCO preferred and alternative labels found verbatim in a text.

Rules
- Text and labels are normalised the same way: accents and case folded, words split on
  anything but letters, digits and the symbols of names like C++, C# or Node.js, and a plural
  `s` dropped from words longer than three letters.
- Every word n-gram of the text (up to the longest label, at most 10 words) is looked up.
- Short labels (three characters or fewer, like R, C#, SQL, UX) match only with the exact case
  of an acronym or symbol in the text; short lower-case labels (`re`, `tie`) never match.
- A one-word alternative label that is also a word of many other labels (`design`, `support`)
  is too vague to name one skill and is not indexed; one-word preferred labels are.
- A label shared by several skills gives each of them a share of its weight.
- A match wins more weight when it is long, when it is the preferred label, and loses weight
  when it lies inside a longer match of another label.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .catalogue import Catalogue, get_catalogue

MAX_NGRAM = 10
SHORT_LABEL = 3
# A one-word alternative label that is a word of more labels than this is too vague.
VAGUE_WORD_LABELS = 25
PREFERRED_WEIGHT = 1.0
ALTERNATIVE_WEIGHT = 0.85
INSIDE_LONGER_MATCH = 0.6

_WORD = re.compile(r"[a-z0-9]+(?:[.+#][a-z0-9+#]+)*[+#]*")
_RAW_WORD = re.compile(r"[^\s,;:()\[\]{}\"'/]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _stem(word: str) -> str:
    if (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "sis"))
        and word.isalnum()
    ):
        return word[:-1]
    return word


def normalise(text: str) -> tuple[str, ...]:
    """The words of `text`, folded and lightly stemmed, as the matcher compares them."""
    return tuple(_stem(w) for w in _WORD.findall(_fold(text)))


@dataclass(frozen=True)
class LabelIndex:
    # normalised words → [(skill index, weight)]
    entries: dict[tuple[str, ...], list[tuple[int, float]]]
    # exact short labels (case kept) → [(skill index, weight)]
    short: dict[str, list[tuple[int, float]]]
    longest: int


def build_index(catalogue: Catalogue) -> LabelIndex:
    """The lookup table of every usable preferred and alternative label."""
    word_labels: Counter[str] = Counter()
    for i in range(len(catalogue)):
        distinct = {
            w for label in (catalogue.labels[i], *catalogue.alt_labels[i]) for w in normalise(label)
        }
        word_labels.update(distinct)
    raw: dict[tuple[str, ...], dict[int, float]] = defaultdict(dict)
    short_raw: dict[str, dict[int, float]] = defaultdict(dict)
    for i in range(len(catalogue)):
        labels = [(catalogue.labels[i], PREFERRED_WEIGHT)] + [
            (a, ALTERNATIVE_WEIGHT) for a in catalogue.alt_labels[i]
        ]
        for label, weight in labels:
            if len(label.strip()) <= SHORT_LABEL:
                if label != label.lower() or not label.isalnum():
                    key = label.strip()
                    short_raw[key][i] = max(short_raw[key].get(i, 0.0), weight)
                continue
            words = normalise(label)
            if not words or len(words) > MAX_NGRAM:
                continue
            if (
                len(words) == 1
                and weight < PREFERRED_WEIGHT
                and word_labels[words[0]] > VAGUE_WORD_LABELS
            ):
                continue
            raw[words][i] = max(raw[words].get(i, 0.0), weight)

    def shared(table: dict[str, dict[int, float]] | dict[tuple[str, ...], dict[int, float]]):
        # The concept whose preferred label it is keeps its weight; the others share theirs.
        return {
            key: [(i, w if w >= PREFERRED_WEIGHT else w / len(skills)) for i, w in skills.items()]
            for key, skills in table.items()
        }

    entries = shared(raw)
    return LabelIndex(
        entries=entries,  # type: ignore[arg-type]
        short=shared(short_raw),  # type: ignore[arg-type]
        longest=max((len(k) for k in entries), default=1),
    )


@lru_cache(maxsize=1)
def get_index() -> LabelIndex:
    """The index of the shipped ESCO skills, built once per process."""
    return build_index(get_catalogue())


def _length_factor(n_words: int) -> float:
    return min(1.0, 0.55 + 0.15 * n_words)


def match_labels(text: str, index: LabelIndex | None = None) -> dict[int, float]:
    """Skill index → literal score in (0, 1] for every skill a label of which is in `text`."""
    index = index or get_index()
    words = normalise(text)
    # (start, end, skill, weight) of every match
    found: list[tuple[int, int, int, float]] = []
    for start in range(len(words)):
        for n in range(1, min(index.longest, len(words) - start) + 1):
            for skill, weight in index.entries.get(words[start : start + n], ()):
                found.append((start, start + n, skill, weight * _length_factor(n)))
    spans = {(s, e) for s, e, _, _ in found}
    scores: dict[int, float] = {}
    for start, end, skill, weight in found:
        inside = any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)
        score = weight * (INSIDE_LONGER_MATCH if inside else 1.0)
        scores[skill] = max(scores.get(skill, 0.0), score)
    for token in _RAW_WORD.findall(text):
        token = token.rstrip(".")
        for skill, weight in index.short.get(token, ()):
            scores[skill] = max(scores.get(skill, 0.0), weight * _length_factor(1))
    return scores
