"""Security: audit chain, package signing, users and roles (issue 12)."""
