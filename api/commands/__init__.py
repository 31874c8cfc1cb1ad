"""Subcommands of ``dolbom``: one module each, found automatically.

A module here defines ``register(subparsers)``, which adds its parser and sets
``func=handler``; ``handler(args, out) -> int`` writes to ``out``. A module may
instead add to another command's parser (registered before it, in name order);
:data:`EXTENDED_BY` names those, so ``dolbom <command>``, which imports only
that command, imports them too.
"""

#: command -> the modules that add to its parser
EXTENDED_BY: dict[str, tuple[str, ...]] = {"report": ("whatif",)}
