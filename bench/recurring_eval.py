"""How well recurring-issue detection finds repeated complaints in real data (ISO 10002 8.2).

Runs ``sori.analytics.text_groups.group_similar`` on real complaint text from ``/work/shared/data``
and prints precision, recall and F1 of the pairs it puts in one group, with group counts and runtime,
for several similarity thresholds:

    python bench/recurring_eval.py                       # both data sets, default window and keys
    python bench/recurring_eval.py --thresholds 0.7 0.8 0.9
    python bench/recurring_eval.py --limit 2000          # the first 2,000 texts of each set: quick
    python bench/recurring_eval.py --window 0 --no-key   # text alone, across all time and products

Data (``SORI_BENCH_DATA`` or ``../shared/data`` beside the project):
- ``cfpb``: every CFPB complaint with a narrative (7,494), key = Product, date = Date received.
  Credit-repair template letters, students' collective letters and re-filed complaints make many
  real repeats (the data README counts 47 groups of identical narratives alone).
- ``petitions``: the Korean petitions with content (3,668), key = category, date = begin. People
  re-post the same petition (the README counts 55 duplicate contents).

Ground truth (independent of the detector: words, not character n-grams, and no TF-IDF weights).
Each text is reduced to its set of word 3-shingles (NFKC, lower case, the CFPB's ``XXXX`` masks and
``{$…}`` amounts dropped, ``\\w+`` tokens), and a pair's resemblance is the Jaccard index of the two
sets (Broder's near-duplicate measure), computed exactly for every pair by sparse products:
- **positive**: resemblance ≥ 0.5 — the same text re-filed, or a template letter with the personal
  details changed: at least half of all three-word phrases of the pair are shared;
- **negative**: resemblance < 0.2 — different texts;
- **grey**: 0.2 ≤ resemblance < 0.5 — usually the same template rewritten in the filer's own words
 : arguably recurring, arguably not. Grey pairs count neither way in
  the headline figures; ``strict P`` counts them as false positives, the pessimistic reading.
A pair is only a candidate at all when the detector could join it: the same key (unless ``--no-key``)
and dates at most ``--window`` days apart (unless ``--window 0``). Recall is over the positive pairs
among those; precision over the pairs the detector puts in one group (every pair of every group, so
a group that chains unrelated texts is penalised for each wrong pair).
"""

from __future__ import annotations

import sys

# Run as ``python bench/recurring_eval.py``, this folder comes first on the path, and its
# ``queue.py`` would hide the standard library's ``queue`` (which scikit-learn's joblib imports).
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    del sys.path[0]

import argparse
import csv
import datetime as dt
import gzip
import os
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sori.analytics.text_groups import (  # noqa: E402
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW_DAYS,
    TextItem,
    group_similar,
    normalise_text,
    vectorise,
)

DATA = Path(os.environ.get("SORI_BENCH_DATA", ROOT.parent / "shared" / "data"))
POSITIVE = 0.5
NEGATIVE = 0.2
THRESHOLDS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
_WORD = re.compile(r"\w+")
_MASK = re.compile(r"\{\$[^}]*\}|\bx{2,}\S*", re.IGNORECASE)

csv.field_size_limit(1 << 30)


def load(dataset: str, *, limit: int | None = None, data: Path = DATA) -> list[TextItem]:
    """The texts of one data set as items (file order; ``limit`` keeps the first ones)."""
    items: list[TextItem] = []
    if dataset == "cfpb":
        path = data / "cfpb_consumer_complaints" / "complaints_dev.csv.gz"
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = row["Consumer complaint narrative"]
                if text.strip():
                    when = dt.date.fromisoformat(row["Date received"])
                    items.append(TextItem(row["Complaint ID"], text, when, row["Product"]))
    elif dataset == "petitions":
        path = data / "korean_petitions" / "korean_petitions.csv.gz"
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["content"].strip():
                    when = dt.date.fromisoformat(row["begin"][:10])
                    items.append(
                        TextItem(row["petition_idx"], row["content"], when, row["category"])
                    )
    else:
        raise ValueError(dataset)
    return items[:limit] if limit else items


def resemblance(items: Sequence[TextItem]) -> dict[tuple[int, int], float]:
    """Jaccard index of word 3-shingle sets, for every pair (i < j) at or above NEGATIVE."""
    vocabulary: dict[str, int] = {}
    indices: list[int] = []
    pointers = [0]
    for item in items:
        text = _MASK.sub(" ", unicodedata.normalize("NFKC", item.text).lower())
        words = _WORD.findall(text)
        shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))} - {""}
        indices.extend(vocabulary.setdefault(shingle, len(vocabulary)) for shingle in shingles)
        pointers.append(len(indices))
    ones = np.ones(len(indices), dtype=np.float32)
    shape = (len(items), max(1, len(vocabulary)))
    sets = csr_matrix((ones, np.asarray(indices), np.asarray(pointers)), shape=shape)
    sizes = np.diff(sets.indptr)
    found: dict[tuple[int, int], float] = {}
    for start in range(0, len(items), 1000):
        product = (sets[start : start + 1000] @ sets.T).tocoo()
        rows, cols, shared = product.row + start, product.col, product.data
        upper = cols > rows
        rows, cols, shared = rows[upper], cols[upper], shared[upper]
        jaccard = shared / (sizes[rows] + sizes[cols] - shared)
        keep = jaccard >= NEGATIVE
        for row, col, value in zip(rows[keep], cols[keep], jaccard[keep], strict=True):
            found[(int(row), int(col))] = float(value)
    return found


@dataclass(frozen=True)
class Score:
    threshold: float
    groups: int
    grouped: int
    largest: int
    predicted: int
    true_positive: int
    grey: int
    positives: int
    seconds: float

    @property
    def precision(self) -> float:
        judged = self.predicted - self.grey
        return self.true_positive / judged if judged else 1.0

    @property
    def strict_precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.positives if self.positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(
    items: Sequence[TextItem],
    *,
    thresholds: Sequence[float] = (DEFAULT_THRESHOLD,),
    window_days: int | None = DEFAULT_WINDOW_DAYS,
    use_key: bool = True,
) -> list[Score]:
    """Score the grouping of ``items`` at each threshold against the word-shingle ground truth."""
    if not use_key:
        items = [TextItem(item.id, item.text, item.when, None) for item in items]
    truth = resemblance(items)

    def candidate(i: int, j: int) -> bool:
        a, b = items[i], items[j]
        near = window_days is None or abs((a.when - b.when).days) <= window_days
        return near and a.key == b.key

    positives = {pair for pair, value in truth.items() if value >= POSITIVE and candidate(*pair)}
    started = time.perf_counter()
    matrix = vectorise([normalise_text(item.text) for item in items])
    vectorised = time.perf_counter() - started
    position = {item.id: index for index, item in enumerate(items)}
    scores = []
    for threshold in thresholds:
        started = time.perf_counter()
        groups = group_similar(items, threshold=threshold, window_days=window_days, matrix=matrix)
        seconds = vectorised + time.perf_counter() - started
        predicted = true_positive = grey = 0
        for group in groups:
            members = sorted(position[member] for member in group.members)
            for pair in combinations(members, 2):
                predicted += 1
                if pair in positives:
                    true_positive += 1
                elif truth.get(pair, 0.0) >= NEGATIVE:
                    grey += 1
        scores.append(
            Score(
                threshold=threshold,
                groups=len(groups),
                grouped=sum(len(group.members) for group in groups),
                largest=max((len(group.members) for group in groups), default=0),
                predicted=predicted,
                true_positive=true_positive,
                grey=grey,
                positives=len(positives),
                seconds=seconds,
            )
        )
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--dataset", choices=["cfpb", "petitions", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="first N texts of each data set")
    parser.add_argument("--thresholds", type=float, nargs="+", default=list(THRESHOLDS))
    parser.add_argument(
        "--window", type=int, default=DEFAULT_WINDOW_DAYS, help="days; 0 = across all time"
    )
    parser.add_argument("--no-key", action="store_true", help="ignore product / category")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA} (set SORI_BENCH_DATA)")
    window = args.window or None
    print(f"window {window} days, key {'none' if args.no_key else 'product / category'}")
    print(
        "set        thr   groups  grouped  largest  pairs   TP     grey   P      strict P  R      F1     s"
    )
    for dataset in ["cfpb", "petitions"] if args.dataset == "both" else [args.dataset]:
        items = load(dataset, limit=args.limit)
        for s in evaluate(
            items, thresholds=args.thresholds, window_days=window, use_key=not args.no_key
        ):
            print(
                f"{dataset:<10} {s.threshold:<5} {s.groups:<7} {s.grouped:<8} {s.largest:<8} "
                f"{s.predicted:<7} {s.true_positive:<6} {s.grey:<6} {s.precision:<6.3f} "
                f"{s.strict_precision:<9.3f} {s.recall:<6.3f} {s.f1:<6.3f} {s.seconds:.1f}"
            )
        print(
            f"{dataset}: {len(items)} texts, {s.positives} positive pairs (resemblance ≥ {POSITIVE})"
        )


if __name__ == "__main__":
    main()
