"""Use cases: one module per area. Each command runs inside a `Database.write()` session, checks
the actor's role, validates, changes rows and records the change event in the same transaction."""
