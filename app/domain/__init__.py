"""Plain values and pure rules of a council's work: roles, meeting statuses, input limits. No I/O."""
