"""REST routes under /api/v1, one module per resource; each is thin and calls app/services."""
