"""Every Cypher statement of the Neo4j store, parameterized, in one place.

Each statement is a module-level UPPER_CASE string, and nothing else here is,
so a test can collect them all and run them through Neo4j's Cypher linter.
Values always travel as ``$parameters``; labels and relationship types cannot,
so there is one statement per label or type where one is needed, and the
lower-case dicts at the bottom pick them.

The graph encoding (see :mod:`graph.neo4j_store`):

* every record but a receipt is a node with the common label ``:Node``, its
  kind label (``:Node:Service``), the property ``key`` =
  :func:`graph.model.node_key` and the record's ``to_dict()`` fields as
  properties (fields that are None are absent);
* every reference is also a real relationship, typed and directed as in
  :mod:`graph.view`; a receipt is only ``(Household)-[:RECEIVES]->(Service)``;
* one ``(:WriteLock)`` node serializes units of work (one writer at a time,
  as in the embedded store).
"""

# -- schema: created idempotently when the store opens ---------------------
# A uniqueness constraint is backed by a range index, so these are the indexes
# every lookup below uses (Node.key for generic lookups, Label.id for views).

CONSTRAINT_NODE_KEY = "CREATE CONSTRAINT node_key IF NOT EXISTS FOR (n:Node) REQUIRE n.key IS UNIQUE"
CONSTRAINT_REGION_ID = "CREATE CONSTRAINT region_id IF NOT EXISTS FOR (n:Region) REQUIRE n.id IS UNIQUE"
CONSTRAINT_ORGANIZATION_ID = (
    "CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE"
)
CONSTRAINT_AGREEMENT_ID = (
    "CREATE CONSTRAINT agreement_id IF NOT EXISTS FOR (n:Agreement) REQUIRE n.id IS UNIQUE"
)
CONSTRAINT_SERVICE_ID = "CREATE CONSTRAINT service_id IF NOT EXISTS FOR (n:Service) REQUIRE n.id IS UNIQUE"
CONSTRAINT_VOLUNTEER_ID = (
    "CREATE CONSTRAINT volunteer_id IF NOT EXISTS FOR (n:Volunteer) REQUIRE n.id IS UNIQUE"
)
CONSTRAINT_HOUSEHOLD_ID = (
    "CREATE CONSTRAINT household_id IF NOT EXISTS FOR (n:Household) REQUIRE n.id IS UNIQUE"
)
CONSTRAINT_NEED_ID = "CREATE CONSTRAINT need_id IF NOT EXISTS FOR (n:Need) REQUIRE n.id IS UNIQUE"
CONSTRAINT_REFERRAL_ID = "CREATE CONSTRAINT referral_id IF NOT EXISTS FOR (n:Referral) REQUIRE n.id IS UNIQUE"
CONSTRAINT_WRITE_LOCK_NAME = (
    "CREATE CONSTRAINT write_lock_name IF NOT EXISTS FOR (l:WriteLock) REQUIRE l.name IS UNIQUE"
)

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

GET_RECEIPT = """
MATCH (:Household {id: $household_id})-[r:RECEIVES]->(:Service {id: $service_id})
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
MATCH (:Household {id: household_id})-[:RECEIVES]->(s:Service)
RETURN household_id, s.id AS service_id
ORDER BY household_id, service_id
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
#: agreement and the agreement's partner. No row: no such household.
NEIGHBOURHOOD = """
MATCH (h:Household {id: $household_id})
WITH h,
     COLLECT { MATCH (h)-[:LIVES_IN]->(:Region)-[:PART_OF*0..]->(r:Region) RETURN r } AS chain,
     COLLECT {
       MATCH (h)-[:RECEIVES]->(s:Service) RETURN s AS x
       UNION
       MATCH (h)<-[:FOR]-(:Referral)-[:TO]->(x) RETURN x
       UNION
       MATCH (h)-[:LIVES_IN]->(:Region)-[:PART_OF*0..]->(:Region)<-[:SERVES]-(x)
       WHERE x:Volunteer OR (x:Service AND x.active)
       RETURN x
     } AS resources
WITH h, chain, resources,
     COLLECT { MATCH (h)-[:HAS_NEED]->(n:Need) RETURN n } AS needs,
     COLLECT { MATCH (h)<-[:FOR]-(r:Referral) RETURN r } AS referrals,
     COLLECT {
       UNWIND resources AS s
       MATCH (s:Service)<-[:OFFERS]-(o:Organization) RETURN o AS x
       UNION
       UNWIND resources AS s
       MATCH (s:Service)-[:UNDER]->(a:Agreement) RETURN a AS x
       UNION
       UNWIND resources AS s
       MATCH (s:Service)-[:UNDER]->(:Agreement)<-[:SIGNED]-(p:Organization) RETURN p AS x
     } AS context
UNWIND [h] + chain + resources + needs + referrals + context AS n
WITH DISTINCT n
RETURN properties(n) AS props
"""

#: graph.view.subtree_nodes: the region, its descendants and ancestors; the
#: organizations active in and the active services and volunteers serving
#: those regions; the households living in the subtree with their needs,
#: referrals and received or referred-to resources; each resource service's
#: provider, agreement and the agreement's partner. No row: no such region.
SUBTREE = """
MATCH (root:Region {id: $region_id})
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
       UNION
       UNWIND households AS h
       MATCH (h)-[:RECEIVES]->(s:Service) RETURN s AS x
       UNION
       UNWIND households AS h
       MATCH (h)<-[:FOR]-(:Referral)-[:TO]->(x) RETURN x
     } AS resources
WITH regions, households, resources,
     COLLECT { UNWIND regions AS r MATCH (r)<-[:ACTIVE_IN]-(o:Organization) RETURN o } AS members,
     COLLECT {
       UNWIND households AS h
       MATCH (h)-[:HAS_NEED]->(n:Need) RETURN n AS x
       UNION
       UNWIND households AS h
       MATCH (h)<-[:FOR]-(r:Referral) RETURN r AS x
     } AS cases,
     COLLECT {
       UNWIND resources AS s
       MATCH (s:Service)<-[:OFFERS]-(o:Organization) RETURN o AS x
       UNION
       UNWIND resources AS s
       MATCH (s:Service)-[:UNDER]->(a:Agreement) RETURN a AS x
       UNION
       UNWIND resources AS s
       MATCH (s:Service)-[:UNDER]->(:Agreement)<-[:SIGNED]-(p:Organization) RETURN p AS x
     } AS context
UNWIND regions + households + resources + members + cases + context AS n
WITH DISTINCT n
RETURN properties(n) AS props
"""

# -- writing: a unit of work, in one managed write transaction ----------------

#: the first statement of every unit of work: holds the write lock until commit
LOCK_WRITES = """
MERGE (l:WriteLock {name: 'units-of-work'})
SET l.count = coalesce(l.count, 0) + 1
"""

#: rows: {household_id, service_id}
DELETE_RECEIPTS = """
UNWIND $rows AS row
MATCH (:Household {id: row.household_id})-[r:RECEIVES]->(:Service {id: row.service_id})
DELETE r
"""

DELETE_NODES = """
UNWIND $keys AS key
MATCH (n:Node {key: key})
DETACH DELETE n
"""

# upsert: rows are {key, props}; props carry the key too, so SET n = props keeps it

UPSERT_REGION = """
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
SET n = row.props, n:Region
"""

UPSERT_ORGANIZATION = """
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
SET n = row.props, n:Organization
"""

UPSERT_AGREEMENT = """
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
SET n = row.props, n:Agreement
"""

UPSERT_SERVICE = """
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
SET n = row.props, n:Service
"""

UPSERT_VOLUNTEER = """
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
SET n = row.props, n:Volunteer
"""

UPSERT_HOUSEHOLD = """
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
SET n = row.props, n:Household
"""

UPSERT_NEED = """
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
SET n = row.props, n:Need
"""

UPSERT_REFERRAL = """
UNWIND $rows AS row
MERGE (n:Node {key: row.key})
SET n = row.props, n:Referral
"""

# the relationships a rewritten record owns ($keys: the owners' node keys), deleted
# before they are recreated; the direction is the owner's side (graph.view.edge_owner)

DELETE_OWNED_PART_OF = """
UNWIND $keys AS key
MATCH (:Node {key: key})-[r:PART_OF]->()
DELETE r
"""

DELETE_OWNED_ACTIVE_IN = """
UNWIND $keys AS key
MATCH (:Node {key: key})-[r:ACTIVE_IN]->()
DELETE r
"""

DELETE_OWNED_OFFERS = """
UNWIND $keys AS key
MATCH (:Node {key: key})<-[r:OFFERS]-()
DELETE r
"""

DELETE_OWNED_SERVES = """
UNWIND $keys AS key
MATCH (:Node {key: key})-[r:SERVES]->()
DELETE r
"""

DELETE_OWNED_EXCLUDES = """
UNWIND $keys AS key
MATCH (:Node {key: key})-[r:EXCLUDES]->()
DELETE r
"""

DELETE_OWNED_UNDER = """
UNWIND $keys AS key
MATCH (:Node {key: key})-[r:UNDER]->()
DELETE r
"""

DELETE_OWNED_SIGNED = """
UNWIND $keys AS key
MATCH (:Node {key: key})<-[r:SIGNED]-()
DELETE r
"""

DELETE_OWNED_LIVES_IN = """
UNWIND $keys AS key
MATCH (:Node {key: key})-[r:LIVES_IN]->()
DELETE r
"""

DELETE_OWNED_HAS_NEED = """
UNWIND $keys AS key
MATCH (:Node {key: key})<-[r:HAS_NEED]-()
DELETE r
"""

DELETE_OWNED_FOR = """
UNWIND $keys AS key
MATCH (:Node {key: key})-[r:FOR]->()
DELETE r
"""

DELETE_OWNED_TO = """
UNWIND $keys AS key
MATCH (:Node {key: key})-[r:TO]->()
DELETE r
"""

DELETE_OWNED_COVERS = """
UNWIND $keys AS key
MATCH (:Node {key: key})-[r:COVERS]->()
DELETE r
"""

# (re)create relationships: rows are {source, target} node keys (graph.view.edges_of)

MERGE_PART_OF = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:PART_OF]->(b)
"""

MERGE_ACTIVE_IN = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:ACTIVE_IN]->(b)
"""

MERGE_OFFERS = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:OFFERS]->(b)
"""

MERGE_SERVES = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:SERVES]->(b)
"""

MERGE_EXCLUDES = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:EXCLUDES]->(b)
"""

MERGE_UNDER = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:UNDER]->(b)
"""

MERGE_SIGNED = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:SIGNED]->(b)
"""

MERGE_LIVES_IN = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:LIVES_IN]->(b)
"""

MERGE_HAS_NEED = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:HAS_NEED]->(b)
"""

MERGE_FOR = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:FOR]->(b)
"""

MERGE_TO = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:TO]->(b)
"""

MERGE_COVERS = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:COVERS]->(b)
"""

MERGE_RECEIVES = """
UNWIND $rows AS row
MATCH (a:Node {key: row.source})
MATCH (b:Node {key: row.target})
MERGE (a)-[:RECEIVES]->(b)
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

#: empties the store (the contract suite's fixture); the write lock node stays
CLEAR = """
MATCH (n:Node)
DETACH DELETE n
"""

# -- lookups (lower-case: not statements themselves) -------------------------

schema = (
    CONSTRAINT_NODE_KEY,
    CONSTRAINT_REGION_ID,
    CONSTRAINT_ORGANIZATION_ID,
    CONSTRAINT_AGREEMENT_ID,
    CONSTRAINT_SERVICE_ID,
    CONSTRAINT_VOLUNTEER_ID,
    CONSTRAINT_HOUSEHOLD_ID,
    CONSTRAINT_NEED_ID,
    CONSTRAINT_REFERRAL_ID,
    CONSTRAINT_WRITE_LOCK_NAME,
    CONSTRAINT_SIDE_KEY,
)

#: node label -> upsert statement
upsert = {
    "Region": UPSERT_REGION,
    "Organization": UPSERT_ORGANIZATION,
    "Agreement": UPSERT_AGREEMENT,
    "Service": UPSERT_SERVICE,
    "Volunteer": UPSERT_VOLUNTEER,
    "Household": UPSERT_HOUSEHOLD,
    "Need": UPSERT_NEED,
    "Referral": UPSERT_REFERRAL,
}

#: relationship type -> statement deleting the relationships of that type its owners own
delete_owned = {
    "PART_OF": DELETE_OWNED_PART_OF,
    "ACTIVE_IN": DELETE_OWNED_ACTIVE_IN,
    "OFFERS": DELETE_OWNED_OFFERS,
    "SERVES": DELETE_OWNED_SERVES,
    "EXCLUDES": DELETE_OWNED_EXCLUDES,
    "UNDER": DELETE_OWNED_UNDER,
    "SIGNED": DELETE_OWNED_SIGNED,
    "LIVES_IN": DELETE_OWNED_LIVES_IN,
    "HAS_NEED": DELETE_OWNED_HAS_NEED,
    "FOR": DELETE_OWNED_FOR,
    "TO": DELETE_OWNED_TO,
    "COVERS": DELETE_OWNED_COVERS,
}

#: relationship type -> statement creating relationships of that type
merge_rel = {
    "PART_OF": MERGE_PART_OF,
    "ACTIVE_IN": MERGE_ACTIVE_IN,
    "OFFERS": MERGE_OFFERS,
    "SERVES": MERGE_SERVES,
    "EXCLUDES": MERGE_EXCLUDES,
    "UNDER": MERGE_UNDER,
    "SIGNED": MERGE_SIGNED,
    "LIVES_IN": MERGE_LIVES_IN,
    "HAS_NEED": MERGE_HAS_NEED,
    "FOR": MERGE_FOR,
    "TO": MERGE_TO,
    "COVERS": MERGE_COVERS,
    "RECEIVES": MERGE_RECEIVES,
}
