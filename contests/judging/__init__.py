"""Judging of idea contests: entries, criteria, judges, assignments, reviews, ranking."""

from contests.judging import blind as blind  # registers blind judging with ideas.identity
