"""Multi-corpus benchmark: several public corpora of different kinds, each with questions split
into a dev half (tune on it) and a test half (report it), scored the same way for every system.

`python -m eval.benchmark.prepare` builds the corpora under eval/data/ from fetched snapshots and
system files; `python -m eval.benchmark` runs them (see eval/benchmark/README.md).
"""
