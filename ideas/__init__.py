"""The idea bank."""
