"""Contests: quiz rounds and idea contests with judging."""
