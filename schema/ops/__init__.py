"""The service layer under the GraphQL resolvers: plain, synchronous functions
``op(store, principal, ...)`` that validate input, check permissions and do
one unit of work. Resolvers call them in a worker thread (see schema.run)."""
