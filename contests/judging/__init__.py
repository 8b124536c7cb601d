"""Judging of idea contests: entries, criteria, judges, assignments, reviews, ranking."""
