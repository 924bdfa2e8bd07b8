"""Recurring-issue detection measured on real complaints (ISO 10002 8.2).

Runs ``bench/recurring_eval.py``'s evaluation with the shipped defaults (threshold, window, product /
category key) on the CFPB narratives and the Korean petitions, against its word-shingle ground truth
(documented in that script). Precision must hold at 0.9 even when every grey pair (same template,
rewritten) counts as a false positive.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("SORI_BENCH_DATA", ROOT.parent / "shared" / "data"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (DATA / "cfpb_consumer_complaints").is_dir(),
        reason=f"the shared complaint data is not at {DATA} (set SORI_BENCH_DATA)",
    ),
]


@pytest.fixture(scope="module")
def recurring_eval():
    spec = importlib.util.spec_from_file_location(
        "recurring_eval", ROOT / "bench" / "recurring_eval.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


@pytest.mark.parametrize("dataset", ["cfpb", "petitions"])
def test_recurring_groups_hold_precision_on_real_complaints(recurring_eval, dataset):
    (score,) = recurring_eval.evaluate(recurring_eval.load(dataset, data=DATA))
    figures = (
        f"{dataset}: precision {score.precision:.3f}, strict precision {score.strict_precision:.3f}, "
        f"recall {score.recall:.3f} ({score.true_positive}/{score.positives} positive pairs), "
        f"{score.groups} groups"
    )
    assert score.precision >= 0.9, figures
    assert score.strict_precision >= 0.9, figures
    assert score.recall >= 0.8, figures
    assert score.groups >= 30, figures
