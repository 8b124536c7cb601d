"""The search port: one interface, a Meilisearch backend and an embedded database backend."""
