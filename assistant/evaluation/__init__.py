"""Eval harness: golden questions, retrieval/answer/faithfulness metrics, stock baseline, report."""
