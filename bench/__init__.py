"""Throughput benchmark: a synthetic corpus generator (make_corpus) and the runner (run_bench)."""
