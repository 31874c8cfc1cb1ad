"""The shared unit-of-work rules, on a minimal in-memory backend."""

from graph.model import Organization
from graph.store import UnitOfWork


class DictUnitOfWork(UnitOfWork):
    def __init__(self, committed):
        super().__init__()
        self.committed = committed

    def _committed(self, label, key):
        return self.committed.get((label, key))

    def _committed_referrers(self, label, key):
        return ()


def org(name):
    return Organization(id="o", name=name, sector="PUBLIC")


def test_an_unchanged_put_stages_nothing():
    uow = DictUnitOfWork({("Organization", "o"): org("A")})
    uow.put(org("A"))
    uow.validate()
    assert uow.staged == {}


def test_a_put_that_was_unchanged_when_staged_still_stands_if_the_record_changed_since():
    # a backend that stages outside its write lock (Neo4j): another writer changes the
    # record between our put and our commit; our put must win, not be silently lost
    committed = {("Organization", "o"): org("A")}
    uow = DictUnitOfWork(committed)
    uow.put(org("A"))
    committed[("Organization", "o")] = org("B")
    uow.validate()
    assert uow.staged == {("Organization", "o"): org("A")}
