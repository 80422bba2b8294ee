"""Evaluation scripts over ../shared/eval-data (real annotated data) with pinned quality floors."""
