"""The embedded store: a SQLite file is the record; in memory, the records and who names whom.

* :mod:`graph.embedded.store`: :class:`EmbeddedStore`, its units of work and
  the writer's turn every write goes through;
* :mod:`graph.embedded.bulk`: its bulk load (:class:`EmbeddedBulkLoad`,
  :class:`Prepared` rows), through the store's :class:`WriteTurn`;
* :mod:`graph.embedded.rows`: how a record is stored in a row, the only place
  that knows it (also for loaders building rows without a record);
* :mod:`graph.embedded.tables`: the file's tables, schema version and migrations,
  and which files it refuses to open;
* :mod:`graph.embedded.auditlog`: the audit log's own file beside the database
  (``<db>.audit``), appended without waiting for the database's writer;
* :mod:`graph.embedded.memory`: the records in memory and the index of which
  records name which, from which views are cut (no copy of the graph).

Imports run one way: ``rows``, ``auditlog`` ← ``tables`` ← ``bulk`` ← ``memory`` ← ``store``.
"""

from .bulk import EmbeddedBulkLoad, Prepared
from .rows import FIELDS, KEY_FIELDS, row_encoder
from .store import EmbeddedStore, WriteTurn
from .tables import SCHEMA_VERSION

__all__ = ["FIELDS", "KEY_FIELDS", "SCHEMA_VERSION", "EmbeddedBulkLoad", "EmbeddedStore", "Prepared",
           "WriteTurn", "row_encoder"]
