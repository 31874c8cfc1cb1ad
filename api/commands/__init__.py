"""Subcommands of ``dolbom``: one module each, found automatically.

A module here defines ``register(subparsers)``, which adds its parser and sets
``func=handler``; ``handler(args, out) -> int`` writes to ``out``.
"""
