"""Every Cypher statement of the Neo4j store, parameterized, in one place.

Each statement has a name: the one-off statements are module-level
UPPER_CASE string literals; the statements that exist once per node label or
relationship type (constraints, upserts, deleting and merging relationships)
come from one template each, filled in from the fixed tables of
:mod:`graph.model` and :mod:`graph.view` (never from input) and named like the
rest (``UPSERT_SERVICE``, ``MERGE_PART_OF``). :func:`statements` lists them
all, so a test runs each through Neo4j's Cypher linter. Values always travel
as ``$parameters``; labels and relationship types cannot, which is why the
per-kind statements exist; the lower-case dicts at the bottom pick them.

The graph encoding (see :mod:`graph.neo4j_store`):

* every record but a receipt is a node with the common label ``:Node``, its
  kind label (``:Node:Service``), the property ``key`` =
  :func:`graph.model.node_key` and the record's ``to_dict()`` fields as
  properties (fields that are None are absent);
* ``(:Node).key`` is the one unique index: every lookup, by a key or by a
  kind and an id (``{key: 'Household:' + $household_id}``: "Label:id" as
  :func:`graph.model.node_key` writes it), is a seek on it. A kind's ids are
  unique because the keys are, so there is no index on ``id`` (the bulk load
  creates each node with one unique index to check and maintain, not two);
* every reference is also a real relationship, typed and directed as in
  :mod:`graph.view`; a receipt is only ``(Household)-[:RECEIVES]->(Service)``;
* one ``(:WriteLock)`` node serializes units of work (one writer at a time,
  as in the embedded store); its ``network`` version goes up with every write
  to the kinds every view repeats (``NETWORK_CHANGED``, ``NEIGHBOURHOOD``).
"""

from __future__ import annotations

import re

from .model import NODE_LABELS
from .view import OWNER_IS_SOURCE

# -- schema: created idempotently when the store opens ---------------------
# A uniqueness constraint is backed by a range index, so Node.key is the index
# every lookup below uses. The per-label id constraints (``<label>_id``) of
# stores created before are dropped when the store opens: SHOW_CONSTRAINTS
# lists them, drop_constraint drops each.

CONSTRAINT_NODE_KEY = "CREATE CONSTRAINT node_key IF NOT EXISTS FOR (n:Node) REQUIRE n.key IS UNIQUE"
CONSTRAINT_WRITE_LOCK_NAME = (
    "CREATE CONSTRAINT write_lock_name IF NOT EXISTS FOR (l:WriteLock) REQUIRE l.name IS UNIQUE"
)

#: the names of the database's constraints among $names
SHOW_CONSTRAINTS = """
SHOW CONSTRAINTS YIELD name
WHERE name IN $names
RETURN name
"""

# -- reading records --------------------------------------------------------

PING = "RETURN 1 AS ok"

GET_NODE = """
MATCH (n:Node {key: $key})
RETURN properties(n) AS props
"""

#: committed records by node key (missing ones yield no row)
GET_NODES = """
UNWIND $keys AS key
MATCH (n:Node {key: key})
RETURN properties(n) AS props
"""

#: how many of $keys (node keys) are there
COUNT_NODES = """
UNWIND $keys AS key
MATCH (n:Node {key: key})
RETURN count(n) AS n
"""

GET_RECEIPT = """
MATCH (:Node {key: 'Household:' + $household_id})-[r:RECEIVES]->(:Node {key: 'Service:' + $service_id})
RETURN count(r) AS n
"""

#: one kind of record ($prefix = "Label:"), ordered by key, after $after (a node key)
LIST_NODES = """
MATCH (n:Node)
WHERE n.key STARTS WITH $prefix AND n.key > $after
RETURN properties(n) AS props
ORDER BY n.key
LIMIT $limit
"""

#: receipts ordered by their key (household id, $sep, service id)
LIST_RECEIPTS = """
MATCH (h:Household)-[:RECEIVES]->(s:Service)
WITH h.id AS household_id, s.id AS service_id, h.id + $sep + s.id AS key
WHERE key > $after
RETURN household_id, service_id
ORDER BY key
LIMIT $limit
"""

RECEIPTS_OF_HOUSEHOLDS = """
UNWIND $household_ids AS household_id
MATCH (:Node {key: 'Household:' + household_id})-[:RECEIVES]->(s:Service)
RETURN household_id, s.id AS service_id
ORDER BY household_id, service_id
"""

#: which of the receipts in $rows ({household_id, service_id}) exist
RECEIPTS_EXISTING = """
UNWIND $rows AS row
MATCH (:Node {key: 'Household:' + row.household_id})-[:RECEIVES]->(:Node {key: 'Service:' + row.service_id})
RETURN row.household_id AS household_id, row.service_id AS service_id
"""

#: the relationships touching a node, as node keys (owners via graph.view.edge_owner)
RELATIONSHIPS_OF = """
MATCH (n:Node {key: $key})-[r]-(:Node)
RETURN startNode(r).key AS source, endNode(r).key AS target, type(r) AS type
"""

COUNTS = """
RETURN COUNT { (:Region) } AS Region,
       COUNT { (:Organization) } AS Organization,
       COUNT { (:Agreement) } AS Agreement,
       COUNT { (:Service) } AS Service,
       COUNT { (:Volunteer) } AS Volunteer,
       COUNT { (:Household) } AS Household,
       COUNT { (:Need) } AS Need,
       COUNT { (:Referral) } AS Referral,
       COUNT { (:Household)-[:RECEIVES]->(:Service) } AS Receipt
"""

# -- views: which records a view holds (graph.view) ---------------------------

ALL_NODES = """
MATCH (n:Node)
RETURN properties(n) AS props
"""

#: graph.view.neighbourhood_nodes: the household, its region chain, needs and
#: referrals; its resources (received, referred to, and every active service
#: and every volunteer serving the chain); each resource service's provider,
#: agreement and the agreement's partner. One row (no row: no such household),
#: so a view is one round trip:
#:
#: * ``nodes``: the household's own part (itself, its needs and referrals, the
#:   resources it receives or is referred to, and their context);
#: * ``shared``: its home region's part (the chain, the resources serving it
#:   and their context), which every household of the region shares. Left
#:   empty when the caller says it holds that part already: ``$epoch`` and
#:   ``$version`` are the write lock's as the caller last read them, and
#:   ``$cached`` the ids of the regions whose part it read at that version
#:   (graph.region_parts);
#: * ``epoch``, ``version``: the write lock's now (``NETWORK_CHANGED``),
#:   ``home``: the household's region ids, ``received``: the ids of the
#:   services it receives (its receipts).
#:
#: The lock is read before the shared part (which depends on it), so a part
#: is never older than the version it is read with.
NEIGHBOURHOOD = """
MATCH (h:Node {key: 'Household:' + $household_id})
OPTIONAL MATCH (l:WriteLock {name: 'units-of-work'})
WITH h, coalesce(l.epoch, '') AS epoch, coalesce(l.network, 0) AS version,
     COLLECT { MATCH (h)-[:LIVES_IN]->(r:Region) RETURN r } AS homes
WITH h, epoch, version, [r IN homes | r.id] AS home,
     CASE WHEN epoch = $epoch AND version = $version AND all(r IN homes WHERE r.id IN $cached)
          THEN [] ELSE homes END AS unknown
WITH h, epoch, version, home, unknown,
     COLLECT { MATCH (h)-[:RECEIVES]->(s:Service) RETURN s.id } AS received,
     COLLECT {
       MATCH (h)-[:RECEIVES]->(s:Service) RETURN s AS x
       UNION
       MATCH (h)<-[:FOR]-(:Referral)-[:TO]->(x) RETURN x
     } AS own,
     COLLECT { UNWIND unknown AS u MATCH (u)-[:PART_OF*0..]->(r:Region) RETURN DISTINCT r } AS chain,
     COLLECT {
       UNWIND unknown AS u
       MATCH (u)-[:PART_OF*0..]->(:Region)<-[:SERVES]-(x)
       WHERE x:Volunteer OR (x:Service AND x.active)
       RETURN DISTINCT x
     } AS serving
WITH h, epoch, version, home, received, own, chain, serving,
     COLLECT { MATCH (h)-[:HAS_NEED]->(n:Need) RETURN n } AS needs,
     COLLECT { MATCH (h)<-[:FOR]-(r:Referral) RETURN r } AS referrals,
     COLLECT {
       UNWIND [s IN own | [s, false]] + [s IN serving | [s, true]] AS pair
       WITH pair[0] AS s, pair[1] AS shared
       MATCH (s:Service)
       OPTIONAL MATCH (s)<-[:OFFERS]-(o:Organization)
       OPTIONAL MATCH (s)-[:UNDER]->(a:Agreement)
       OPTIONAL MATCH (a)<-[:SIGNED]-(p:Organization)
       UNWIND [x IN [o, a, p] WHERE x IS NOT NULL] AS x
       RETURN DISTINCT [x, shared] AS c
     } AS context
RETURN epoch, version, home, received,
       [n IN [h] + own + needs + referrals + [c IN context WHERE NOT c[1] | c[0]] | properties(n)] AS nodes,
       [n IN chain + serving + [c IN context WHERE c[1] | c[0]] | properties(n)] AS shared
"""

#: graph.view.subtree_nodes: the region, its descendants and ancestors; the
#: organizations active in and the active services and volunteers serving
#: those regions; the households living in the subtree with their needs,
#: referrals and received or referred-to resources; each resource service's
#: provider, agreement and the agreement's partner. No row: no such region.
#: With $supply_only, only the supply side (graph.reports.SUPPLY_LABELS: no
#: household, need or referral). The subqueries' lists repeat nodes (UNION
#: ALL), the final DISTINCT keeps each once: a UNION's distinct also keys on
#: the lists a subquery imports, a copy of the households per row (more than
#: the server's transaction memory for the root region at 100,000 households;
#: tests/neo4j/test_schema.py).
SUBTREE = """
MATCH (root:Node {key: 'Region:' + $region_id})
WITH COLLECT { MATCH (root)<-[:PART_OF*0..]-(r:Region) RETURN r } AS subtree,
     COLLECT { MATCH (root)-[:PART_OF*0..]->(r:Region) RETURN r } AS chain
WITH subtree, subtree + chain AS regions
WITH regions,
     COLLECT { UNWIND subtree AS r MATCH (r)<-[:LIVES_IN]-(h:Household) RETURN h } AS households
WITH regions, households,
     COLLECT {
       UNWIND regions AS r
       MATCH (r)<-[:SERVES]-(x)
       WHERE x:Volunteer OR (x:Service AND x.active)
       RETURN x
       UNION ALL
       UNWIND households AS h
       MATCH (h)-[:RECEIVES]->(s:Service) RETURN s AS x
       UNION ALL
       UNWIND households AS h
       MATCH (h)<-[:FOR]-(:Referral)-[:TO]->(x) RETURN x
     } AS resources
WITH regions, households, resources,
     COLLECT { UNWIND regions AS r MATCH (r)<-[:ACTIVE_IN]-(o:Organization) RETURN o } AS members,
     COLLECT {
       UNWIND CASE WHEN $supply_only THEN [] ELSE households END AS h
       MATCH (h)-[:HAS_NEED]->(n:Need) RETURN n AS x
       UNION ALL
       UNWIND CASE WHEN $supply_only THEN [] ELSE households END AS h
       MATCH (h)<-[:FOR]-(r:Referral) RETURN r AS x
     } AS cases,
     COLLECT {
       UNWIND resources AS s
       MATCH (s:Service)<-[:OFFERS]-(o:Organization) RETURN o AS x
       UNION ALL
       UNWIND resources AS s
       MATCH (s:Service)-[:UNDER]->(a:Agreement) RETURN a AS x
       UNION ALL
       UNWIND resources AS s
       MATCH (s:Service)-[:UNDER]->(:Agreement)<-[:SIGNED]-(p:Organization) RETURN p AS x
     } AS context
UNWIND regions + resources + members + context
       + CASE WHEN $supply_only THEN [] ELSE households + cases END AS n
WITH DISTINCT n
RETURN properties(n) AS props
"""

#: the supply side of the whole graph's view (graph.reports.SUPPLY_LABELS)
ALL_SUPPLY = """
MATCH (n:Region|Organization|Agreement|Service|Volunteer)
RETURN properties(n) AS props
"""

#: graph.network_parts' rows of the whole graph, each kind as one list: the
#: organizations, services, volunteers, referrals (declined or not) and receipts
NETWORK_ROWS = """
RETURN COLLECT { MATCH (o:Organization) RETURN [o.id, o.name] } AS organizations,
       COLLECT { MATCH (s:Service) RETURN [s.id, s.provider_id, s.active] } AS services,
       COLLECT { MATCH (v:Volunteer) RETURN [v.id, v.hours_per_week] } AS volunteers,
       COLLECT {
         MATCH (r:Referral)
         RETURN [r.household_id, r.resource_label, r.resource_id, r.status = $declined]
       } AS referrals,
       COLLECT { MATCH (h:Household)-[:RECEIVES]->(s:Service) RETURN [h.id, s.id] } AS receipts
"""

#: graph.network_parts' rows of a region subtree's view (graph.network_parts.
#: rows_of_records): the referrals and receipts of the households living in the
#: subtree; the services and volunteers they use or that serve the subtree or
#: an ancestor (services: active ones); every organization (only those offering
#: a service of the scope are read). No row: no such region.
NETWORK_ROWS_SUBTREE = """
MATCH (root:Node {key: 'Region:' + $region_id})
WITH [r IN COLLECT { MATCH (root)<-[:PART_OF*0..]-(r:Region) RETURN r } | r.id] AS subtree,
     [r IN COLLECT { MATCH (root)-[:PART_OF*0..]->(r:Region) RETURN r } | r.id] AS chain
WITH subtree, subtree + chain AS serving
WITH serving,
     COLLECT {
       MATCH (h:Household)<-[:FOR]-(r:Referral) WHERE h.region_id IN subtree
       RETURN [r.household_id, r.resource_label, r.resource_id, r.status = $declined]
     } AS referrals,
     COLLECT {
       MATCH (h:Household)-[:RECEIVES]->(s:Service) WHERE h.region_id IN subtree RETURN [h.id, s.id]
     } AS receipts
WITH serving, referrals, receipts,
     [x IN receipts | x[1]] + [x IN referrals WHERE x[1] = 'Service' | x[2]] AS used_services,
     [x IN referrals WHERE x[1] = 'Volunteer' | x[2]] AS used_volunteers
RETURN referrals, receipts,
       COLLECT {
         MATCH (s:Service)
         WHERE s.id IN used_services OR (s.active AND any(r IN s.region_ids WHERE r IN serving))
         RETURN [s.id, s.provider_id, s.active]
       } AS services,
       COLLECT {
         MATCH (v:Volunteer)
         WHERE v.id IN used_volunteers OR any(r IN v.region_ids WHERE r IN serving)
         RETURN [v.id, v.hours_per_week]
       } AS volunteers,
       COLLECT { MATCH (o:Organization) RETURN [o.id, o.name] } AS organizations
"""

#: graph.reports.HomeRow's and NeedRow's sources: the households living in
#: $regions (null: everywhere) by region, each as [id, income percent, traits,
#: urgency, its open needs ([domain, tags, detail], by key), the keys of the
#: services it receives]. One row per region, not per household: much of the
#: driver's cost is per row.
REPORT_HOMES = """
MATCH (h:Household)
WHERE $regions IS NULL OR h.region_id IN $regions
RETURN h.region_id AS region,
       collect([h.id, h.income_percent, h.traits, h.urgency,
                COLLECT {
                  MATCH (h)-[:HAS_NEED]->(n:Need) WHERE n.status = $open
                  WITH n ORDER BY n.key
                  RETURN [n.domain, n.tags, n.detail]
                },
                COLLECT { MATCH (h)-[:RECEIVES]->(s:Service) RETURN s.key }]) AS homes
"""

# -- writing: a unit of work, in one managed write transaction ----------------

#: the first statement of every unit of work: holds the write lock until commit.
#: The lock's ``epoch``, a random id given once, tells a lock node made again
#: (the database emptied by hand) from the one before.
LOCK_WRITES = """
MERGE (l:WriteLock {name: 'units-of-work'})
SET l.count = coalesce(l.count, 0) + 1, l.epoch = coalesce(l.epoch, randomUUID())
"""

#: a write changed the network every neighbourhood view repeats (regions,
#: organizations, agreements, services, volunteers): the version
#: ``NEIGHBOURHOOD`` compares with a process's copy of regions' parts goes up.
#: Run in a transaction of its own once the write has committed
#: (graph.neo4j_store.network_changed), as the first statement of a unit of
#: work is: a second MERGE of the lock node inside the writing transaction,
#: which holds the node, deadlocks with the next unit of work's
#: ``LOCK_WRITES``, which holds the node's index entry while it waits for it.
NETWORK_CHANGED = """
MERGE (l:WriteLock {name: 'units-of-work'})
SET l.network = coalesce(l.network, 0) + 1, l.epoch = coalesce(l.epoch, randomUUID())
"""

#: rows: {household_id, service_id}
DELETE_RECEIPTS = """
UNWIND $rows AS row
MATCH (:Node {key: 'Household:' + row.household_id})-[r:RECEIVES]->(:Node {key: 'Service:' + row.service_id})
DELETE r
"""

DELETE_NODES = """
UNWIND $keys AS key
MATCH (n:Node {key: key})
DETACH DELETE n
"""

# -- side records: small JSON documents outside the graph (API tokens, audit) --
# A :Side node has no :Node label, so no view, count or CLEAR ever sees it.

CONSTRAINT_SIDE_KEY = "CREATE CONSTRAINT side_key IF NOT EXISTS FOR (s:Side) REQUIRE s.skey IS UNIQUE"

PUT_SIDE = """
MERGE (s:Side {skey: $skey})
SET s.kind = $kind, s.key = $key, s.data = $data
"""

GET_SIDE = """
MATCH (s:Side {skey: $skey})
RETURN s.data AS data
"""

LIST_SIDE = """
MATCH (s:Side)
WHERE s.kind = $kind AND s.key > $after
RETURN s.key AS key, s.data AS data
ORDER BY s.key
LIMIT $limit
"""

CLEAR_SIDE = """
MATCH (s:Side)
DELETE s
"""

#: empties the store a batch at a time (the tests' fixture; repeat until it
#: deletes nothing); the write lock node stays
CLEAR = """
MATCH (n:Node)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
"""

# -- bulk loading: records new to the store, created with their relationships --
# A bulk load (graph.neo4j_store.Neo4jBulkLoad) checks a batch of the big kinds,
# then creates the records that are new with one statement per kind: the
# records a row names are found by their keys (unique-index seeks), then the node
# (rows are graph.neo4j_store.node_props) and the relationships it owns, as
# graph.view.edges_of declares them, are created. A row whose household,
# region, service or resource is missing creates nothing, and a referral
# covers only the needs found: each statement returns what it created, and
# the load compares that with the batch (a difference: someone deleted a
# record the batch names since it was checked; the transaction is rolled back
# and the batch checked again under the write lock). Records that were
# already stored go through the unit of work's statements (UPSERT_*,
# DELETE_OWNED_*, MERGE_*) instead.

CREATE_HOUSEHOLDS = """
UNWIND $rows AS row
MATCH (r:Node {key: 'Region:' + row.region_id})
CREATE (h:Node:Household)-[:LIVES_IN]->(r)
SET h = row
RETURN count(*) AS created
"""

CREATE_NEEDS = """
UNWIND $rows AS row
MATCH (h:Node {key: 'Household:' + row.household_id})
CREATE (h)-[:HAS_NEED]->(n:Node:Need)
SET n = row
RETURN count(*) AS created
"""

#: the resource is found by its node key (graph.model.node_key: "Label:id"); a
#: referral's need ids are distinct (graph.model.Referral)
CREATE_REFERRALS = """
UNWIND $rows AS row
MATCH (h:Node {key: 'Household:' + row.household_id})
MATCH (x:Node {key: row.resource_label + ':' + row.resource_id})
CREATE (r:Node:Referral)-[:FOR]->(h)
SET r = row
CREATE (r)-[:TO]->(x)
WITH r, COLLECT { MATCH (n:Node) WHERE n.key IN [id IN row.need_ids | 'Need:' + id] RETURN n } AS needs
FOREACH (n IN needs | CREATE (r)-[:COVERS]->(n))
RETURN count(*) AS created, sum(size(needs)) AS covered
"""

#: rows: {household_id, service_id}
CREATE_RECEIPTS = """
UNWIND $rows AS row
MATCH (h:Node {key: 'Household:' + row.household_id})
MATCH (s:Node {key: 'Service:' + row.service_id})
CREATE (h)-[:RECEIVES]->(s)
RETURN count(*) AS created
"""

# -- per label and per relationship type: one template each -----------------
# ``<LABEL>``, ``<label>`` and ``<TYPE>`` are replaced by names from NODE_LABELS and
# OWNER_IS_SOURCE, checked to be plain identifiers; ``<-[`` / ``-[`` is the
# owner's side of a relationship (graph.view.edge_owner).

# the per-label id constraints of stores created before Node.key became the one
# unique index (``CREATE CONSTRAINT <label>_id ... REQUIRE n.id IS UNIQUE``)
_DROP_CONSTRAINT_ID = "DROP CONSTRAINT <label>_id IF EXISTS"

# upsert: rows are {key, props}; props carry the key too, so SET n = props keeps it
_UPSERT = """
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
SET n = row.props, n:<LABEL>
"""

# a record new to the store (read as absent under the write lock): rows are its node
# properties (graph.neo4j_store.node_props, with the key). Nothing to merge with, and a
# clash (a node made meanwhile without the lock) fails on the unique key
_INSERT = """
UNWIND $rows AS row
CREATE (n:Node:<LABEL>)
SET n = row
"""

# the relationships a rewritten record owns ($keys: the owners' node keys), deleted
# before they are recreated
_DELETE_OWNED = """
UNWIND $keys AS key
MATCH (:Node {key: key})<OWNER>r:<TYPE>]<OTHER>()
DELETE r
"""

# (re)create relationships: rows are {source, target} node keys (graph.view.edges_of)
_MERGE = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:<TYPE>]->(b)
"""

# the relationships a record new to the store owns: none of them can be there yet (each
# touches the record's own node), so created without looking; rows are distinct
_LINK = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
CREATE (a)-[:<TYPE>]->(b)
"""

_identifier = re.compile(r"[A-Za-z][A-Za-z_]*\Z")


def _fill(template: str, **names: str) -> str:
    for placeholder, name in names.items():
        if not _identifier.match(name):
            raise ValueError(f"not an identifier: {name!r}")
        template = template.replace(f"<{placeholder}>", name)
    return template


def _snake(label: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


#: the per-kind statements by name
GENERATED: dict[str, str] = {}
for _label in NODE_LABELS:
    _name = _snake(_label)
    GENERATED[f"DROP_CONSTRAINT_{_name.upper()}_ID"] = _fill(_DROP_CONSTRAINT_ID, label=_name)
    GENERATED[f"UPSERT_{_label.upper()}"] = _fill(_UPSERT, LABEL=_label)
    GENERATED[f"INSERT_{_label.upper()}"] = _fill(_INSERT, LABEL=_label)
for _rel, _source in OWNER_IS_SOURCE.items():
    GENERATED[f"DELETE_OWNED_{_rel}"] = _fill(_DELETE_OWNED, TYPE=_rel).replace(
        "<OWNER>", "-[" if _source else "<-[").replace("<OTHER>", "->" if _source else "-")
    GENERATED[f"MERGE_{_rel}"] = _fill(_MERGE, TYPE=_rel)
    GENERATED[f"LINK_{_rel}"] = _fill(_LINK, TYPE=_rel)
GENERATED["MERGE_RECEIVES"] = _fill(_MERGE, TYPE="RECEIVES")
GENERATED["LINK_RECEIVES"] = _fill(_LINK, TYPE="RECEIVES")

# a bulk load's create statement taking the write lock itself, before it reads anything (the
# unit subquery runs first, on the one row there is before UNWIND): its rows travel to the
# server while another writer's batch holds the lock, and it runs the moment that one commits
_lock_first = "CALL () {" + LOCK_WRITES + "}"
#: the big kinds' create statements by kind
_creates = {"Household": "CREATE_HOUSEHOLDS", "Need": "CREATE_NEEDS", "Referral": "CREATE_REFERRALS",
            "Receipt": "CREATE_RECEIPTS"}
for _created in _creates.values():
    GENERATED[f"{_created}_LOCKED"] = _lock_first + globals()[_created]


def statements() -> dict[str, str]:
    """Every statement of the Neo4j store by name: the literals and :data:`GENERATED`."""
    literal = {k: v for k, v in globals().items()
               if k.isupper() and not k.startswith("_") and isinstance(v, str)}
    return {**literal, **GENERATED}


# -- lookups (lower-case: not statements themselves) -------------------------

schema = (
    CONSTRAINT_NODE_KEY,
    CONSTRAINT_WRITE_LOCK_NAME,
    CONSTRAINT_SIDE_KEY,
)

#: constraint name -> the statement dropping it: those an older store has and this one does not
#: (the schema statements create what remains)
drop_constraint = {f"{_snake(label)}_id": GENERATED[f"DROP_CONSTRAINT_{_snake(label).upper()}_ID"]
                   for label in NODE_LABELS}

#: node label -> upsert statement
upsert = {label: GENERATED[f"UPSERT_{label.upper()}"] for label in NODE_LABELS}

#: relationship type -> statement deleting the relationships of that type its owners own
delete_owned = {rel: GENERATED[f"DELETE_OWNED_{rel}"] for rel in OWNER_IS_SOURCE}

#: relationship type -> statement creating relationships of that type
merge_rel = {rel: GENERATED[f"MERGE_{rel}"] for rel in (*OWNER_IS_SOURCE, "RECEIVES")}

#: node label -> statement creating records new to the store (:data:`upsert` merges)
insert = {label: GENERATED[f"INSERT_{label.upper()}"] for label in NODE_LABELS}

#: relationship type -> statement creating relationships owned by records new to the store
#: (:data:`merge_rel` merges)
link = {rel: GENERATED[f"LINK_{rel}"] for rel in (*OWNER_IS_SOURCE, "RECEIVES")}

#: kind -> the bulk load's statement creating new records of that kind (the big kinds)
create_new = {label: globals()[name] for label, name in _creates.items()}

#: kind -> :data:`create_new`'s statement taking the write lock first, itself
create_new_locked = {label: GENERATED[f"{name}_LOCKED"] for label, name in _creates.items()}
