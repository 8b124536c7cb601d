"""Small, dependency-free foundations: settings, database, outbox, errors, clock."""
