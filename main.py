"""Impfteam entry point: no arguments or ``gui`` start the GUI, anything else is the CLI."""

from __future__ import annotations

import sys

from core.cli import CliContext, main


def run_gui(ctx: CliContext) -> int:
    from ui.app import run  # Qt is imported only when the GUI is wanted

    return run(ctx.args.db, ctx.args.user)


if __name__ == "__main__":
    from core.logging_setup import setup_logging

    setup_logging()
    sys.exit(main(sys.argv[1:], gui_handler=run_gui))
