"""CLI subcommands, one module each, registered by ``core.cli``."""
