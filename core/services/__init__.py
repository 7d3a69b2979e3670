"""Use cases. Each takes a Session and an Actor, validates, changes, audits in one go."""
