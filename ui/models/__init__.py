"""Qt table models over plain rows returned by core queries."""
