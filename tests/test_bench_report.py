"""bench/run_bench.py: the matcher ceiling it measures and how the report states the floors."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run_bench  # noqa: E402

TEXTS = ["In all patients, ORR was 3.4%; mPFS, 8.9 weeks; mOS, 20.4 weeks",
         "Among 14 NECs, 6 were GEP-NECs. ORR, 7%; mPFS, 58 days",
         "DCR after 8 weeks was 32% (PR of two); mOS, 4.2 months"]


def test_matcher_ceiling_runs_the_pipelines_patterns_on_fresh_objects():
    from pipeline.outcomes.freetext import nlp_and_matcher
    mc = run_bench.matcher_ceiling(TEXTS, passes=1)
    # ORR, mPFS, mOS | ORR, mPFS | DCR (+ its landmark), mOS, PR at least
    assert mc["texts"] == 3 and mc["matches"] >= 9
    assert mc["patterns"] >= mc["rules"] >= 10
    assert mc["texts_per_s"] > 0
    nlp, _ = nlp_and_matcher()
    assert run_bench.matcher_ceiling(TEXTS[:1], passes=1)["matches"] >= 3
    assert nlp_and_matcher()[0] is nlp        # the pipeline's cached objects are left alone


def _results(**extra):
    tok = {"texts": 100, "seconds": 0.01, "texts_per_s": 10_000.0, "tokens": 6000, "tokens_per_s": 600_000.0,
           "passes": 2, "texts_per_cpu_s": 10_000.0}
    run = {"ok": True, "jobs": 1, "seconds": 0.5, "cpu_seconds": 0.5, "arms": 100, "arms_per_s": 200.0,
           "arms_per_cpu_s": 200.0, "measures": 600, "measures_per_s": 1200.0, "peak_mb": 200.0,
           "peak_tree_mb": 200.0, "rejects": 0, "load": (0.1, 0.2), "error": None}
    base = {"machine": {"date": "d", "commit": "c", "nproc": 2, "cpu": "cpu", "platform": "p", "python": "3.11",
                        "spacy": "3"},
            "command": "bench/run_bench.py", "args": {"n": 2000, "scales": [1], "jobs": [1], "rows": 17, "seed": 0},
            "scales": [{"scale": 1, "files": 6, "arms_expected": 100, "measures_expected": 600,
                        "pipeline": [run], "tokenizer": tok}],
            "pipeline_unavailable": None,
            "cold_start": {"first": 2.0, "best": 1.9, "runs": 3, "error": None}}
    base.update(extra)
    return base


def test_report_puts_each_target_next_to_its_floor():
    text = run_bench.render(_results(
        matcher_ceiling={"texts": 100, "seconds": 0.025, "texts_per_s": 4000.0, "matches": 500, "rules": 19,
                         "patterns": 41},
        import_floor={"first": 1.7, "best": 1.6, "runs": 3, "error": None}))
    assert "0.40 of the tokenizer alone" in text
    assert "| pipeline >= 60% of tokenizer-only, one core | 0.02 at 1x (tokenizer + the Matcher alone: 0.40) | NOT met |" in text
    assert "2.00 s first, 1.90 s best (libraries' imports alone: 1.60 s) | NOT met |" in text


def test_report_without_the_floors_still_renders():
    text = run_bench.render(_results())
    assert "| pipeline >= 60% of tokenizer-only, one core | 0.02 at 1x | NOT met |" in text
    assert "Ceiling" not in text and "Floor:" not in text
