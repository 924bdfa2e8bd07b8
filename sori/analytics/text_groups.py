"""Groups of similar complaint texts within a time window: the text half of recurring-issue detection.

ISO 10002 8.2 asks that complaints be classified and analysed to identify systemic, recurring and
single problems and trends. A recurring problem shows up as complaints that say the same thing — a
template letter filed again and again, a petition re-posted, one fault described by many customers —
close together in time and about the same product or category. This module finds them in text.

Pure on purpose (numpy, scipy, scikit-learn; no Django, no ORM): callers turn complaints into
`TextItem`s, and the grouping is unit-tested on hand-made Korean and English texts and measured for
precision and recall by ``bench/recurring_eval.py`` on real complaint data.

Method:
- Normalise (`normalise_text`): Unicode NFKC, lower case, the CFPB's scrubbing marks (``XXXX``,
  ``XX/XX/XXXX``, ``{$1000.00}``) removed, whitespace collapsed. Korean needs no word segmentation.
- Character n-grams inside word boundaries (``char_wb``, 2–4) weighted by TF-IDF (sublinear tf),
  L2-normalised, so the dot product of two rows is their cosine similarity. Character n-grams work
  for Korean, where particles attach to words (고객센터가 / 고객센터는) and whole-word matching fails.
- Pairs: blockwise sparse products, only between items with the same key and whose dates are at most
  ``window_days`` apart (items are sorted by key and date, so a block meets only its window);
  memory stays bounded by the block, never an n×n matrix.
- Groups: connected components of the pairs at or above ``threshold``, then each component is
  split by average linkage cut at the same threshold, so a chain A~B~C where A and C differ does
  not merge A and C through B: every group's members are on average as similar as the threshold.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage  # type: ignore[import-untyped]
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import (  # type: ignore[import-untyped]
    HashingVectorizer,
    TfidfTransformer,
)

# Measured on /work/shared/data by bench/recurring_eval.py (docs/performance.md, "Recurring issues"):
# the threshold that keeps precision at or above 0.9 against near-copy ground truth.
DEFAULT_THRESHOLD = 0.85
DEFAULT_WINDOW_DAYS = 90
# Texts shorter than this after normalisation ("thanks", "refund") say too little to call a repeat.
DEFAULT_MIN_CHARS = 30
# A repeat shows in its first pages; the tail of a 30,000-character letter only costs time.
MAX_CHARS = 8000
# A component larger than this is kept whole rather than split (its dense similarity matrix would
# cost more memory than the split is worth).
MAX_SPLIT_SIZE = 4000
# Cells of one block's product of sparse rows; bounds the memory of the pair search.
BLOCK_CELLS = 4_000_000

_SCRUB = re.compile(
    r"\{\$[\d,]*(?:\.\d+)?\}"  # CFPB amounts: {$1000.00}
    r"|\b(?:x{2,}[/\-]?)+(?:\d+)?\b",  # CFPB masks: XXXX, XX/XX/XXXX, XXXX1234
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class TextItem:
    """One complaint as the grouping sees it: its id, text, date and optional product/category key."""

    id: Hashable
    text: str
    when: dt.date
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """Similar complaints: member ids in date order, the mean pairwise cosine similarity as score."""

    members: list[Hashable]
    score: float
    key: str | None
    first: dt.date
    last: dt.date


def normalise_text(text: str) -> str:
    """Text as compared: NFKC, lower case, CFPB scrubbing marks removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _SCRUB.sub(" ", text)
    return _SPACE.sub(" ", text).strip().lower()


def vectorise(texts: Sequence[str]) -> csr_matrix:
    """L2-normalised character n-gram TF-IDF rows (already-normalised texts in, one row per text).

    Hashed features (2**20 columns) rather than a vocabulary: memory stays flat at tens of thousands
    of texts, and a Korean corpus (over a million distinct n-grams) vectorises several times faster.
    """
    hashing = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        lowercase=False,
        alternate_sign=False,
        norm=None,
        n_features=2**20,
        dtype=np.float32,
    )
    counts = hashing.transform([text[:MAX_CHARS] for text in texts])
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()


def similar_pairs(
    items: Sequence[TextItem],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window_days: int | None = DEFAULT_WINDOW_DAYS,
    min_chars: int = DEFAULT_MIN_CHARS,
    matrix: csr_matrix | None = None,
) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of items with the same key, dates within the window, cosine ≥ threshold.

    ``window_days=None`` compares across all time. ``matrix`` passes precomputed rows (`vectorise`
    of the normalised texts) so a caller trying several thresholds vectorises once.
    """
    texts = [normalise_text(item.text) for item in items]
    if matrix is None:
        matrix = vectorise(texts) if items else csr_matrix((0, 0))
    by_key: dict[str | None, list[int]] = defaultdict(list)
    for index, (item, text) in enumerate(zip(items, texts, strict=True)):
        if len(text) >= min_chars:
            by_key[item.key].append(index)
    pairs: list[tuple[int, int, float]] = []
    for indices in by_key.values():
        indices.sort(key=lambda i: items[i].when)
        pairs.extend(_pairs_in_key(items, indices, matrix, threshold, window_days))
    return pairs


def _pairs_in_key(
    items: Sequence[TextItem],
    indices: list[int],
    matrix: csr_matrix,
    threshold: float,
    window_days: int | None,
) -> list[tuple[int, int, float]]:
    ordinals = [items[i].when.toordinal() for i in indices]
    order = np.asarray(indices, dtype=np.int64)
    days = np.asarray(ordinals, dtype=np.int64)
    count = len(indices)
    found: list[tuple[int, int, float]] = []
    start = 0
    while start < count:
        # Candidates: from this block's first position to the last date the window reaches.
        horizon = (
            count
            if window_days is None
            else bisect.bisect_right(ordinals, ordinals[start] + window_days)
        )
        block = max(1, min(512, BLOCK_CELLS // max(1, horizon - start)))
        stop = min(start + block, count)
        if window_days is not None:
            horizon = bisect.bisect_right(ordinals, ordinals[stop - 1] + window_days)
        product = (matrix[order[start:stop]] @ matrix[order[start:horizon]].T).tocoo()
        rows, cols = start + product.row, start + product.col
        keep = (product.data >= threshold) & (cols > rows)
        if window_days is not None:
            keep &= np.abs(days[cols] - days[rows]) <= window_days
        for row, col, value in zip(rows[keep], cols[keep], product.data[keep], strict=True):
            first, second = int(order[row]), int(order[col])
            found.append((min(first, second), max(first, second), float(value)))
        start = stop
    return found


def group_similar(
    items: Sequence[TextItem],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window_days: int | None = DEFAULT_WINDOW_DAYS,
    min_chars: int = DEFAULT_MIN_CHARS,
    min_size: int = 2,
    matrix: csr_matrix | None = None,
) -> list[Group]:
    """Groups of similar items (ISO 10002 8.2), largest first, each with at least ``min_size`` members."""
    if not items:
        return []
    if matrix is None:
        matrix = vectorise([normalise_text(item.text) for item in items])
    pairs = similar_pairs(
        items, threshold=threshold, window_days=window_days, min_chars=min_chars, matrix=matrix
    )
    groups: list[Group] = []
    for component in _components(len(items), pairs):
        for members in _split(items, component, matrix, threshold, window_days):
            if len(members) >= min_size:
                groups.append(_group(items, members, matrix))
    groups.sort(key=lambda group: (-len(group.members), -group.score, group.first))
    return groups


def _components(count: int, pairs: list[tuple[int, int, float]]) -> list[list[int]]:
    parent = list(range(count))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for first, second, _ in pairs:
        a, b = root(first), root(second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = defaultdict(list)
    for first, second, _ in pairs:
        for node in (first, second):
            members[root(node)].append(node)
    return [sorted(set(nodes)) for nodes in members.values()]


def _split(
    items: Sequence[TextItem],
    component: list[int],
    matrix: csr_matrix,
    threshold: float,
    window_days: int | None,
) -> list[list[int]]:
    """Average-linkage clusters of one component, so that similarity does not chain."""
    if len(component) <= 2 or len(component) > MAX_SPLIT_SIZE:
        return [component]
    similarity = _similarity(items, component, matrix, window_days)
    distance = 1.0 - similarity[np.triu_indices(len(component), k=1)]
    tree = linkage(np.clip(distance, 0.0, 1.0), method="average")
    labels = fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance")
    clusters: dict[int, list[int]] = defaultdict(list)
    for node, label in zip(component, labels, strict=True):
        clusters[int(label)].append(node)
    return list(clusters.values())


def _similarity(
    items: Sequence[TextItem], members: list[int], matrix: csr_matrix, window_days: int | None
) -> np.ndarray:
    rows = matrix[members]
    similarity = np.asarray((rows @ rows.T).toarray(), dtype=np.float64)
    if window_days is not None:
        days = np.asarray([items[i].when.toordinal() for i in members])
        similarity[np.abs(days[:, None] - days[None, :]) > window_days] = 0.0
    return similarity


def _group(items: Sequence[TextItem], members: list[int], matrix: csr_matrix) -> Group:
    members = sorted(members, key=lambda i: (items[i].when, i))
    similarity = _similarity(items, members, matrix, None)
    size = len(members)
    score = float((similarity.sum() - np.trace(similarity)) / (size * (size - 1)))
    dates = [items[i].when for i in members]
    return Group(
        members=[items[i].id for i in members],
        score=round(score, 4),
        key=items[members[0]].key,
        first=min(dates),
        last=max(dates),
    )
