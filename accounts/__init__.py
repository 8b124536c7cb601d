"""Members, the tree of units, roles and permissions, passwords and tokens."""
