"""The service layer: the use cases that the GraphQL resolvers and the CLI both call.

Plain, synchronous functions ``op(store, principal, ...)`` that validate input,
check permissions (:mod:`service.permissions`) and do one unit of work; the
acting :class:`service.principal.Principal`, the tokens that name it, and the
settings (limits and care policy) are defined here. The layer knows the graph
store and the pure :mod:`matching` functions, never GraphQL or HTTP. See
docs/architecture.md.
"""
