"""matching.places.max_cover against brute force on random small contests, and each of its paths."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.places import Contest, max_cover


def brute(c: Contest) -> int:
    """The most needs any valid set of choices covers, by trying every set."""
    best = 0
    n = len(c.choices)
    clashes = {(min(a, b), max(a, b)) for a, b in c.clashes}
    for size in range(n + 1):
        for ks in itertools.combinations(range(n), size):
            used: dict[str, int] = {}
            for k in ks:
                for key in c.choices[k][1]:
                    if key in c.places:
                        used[key] = used.get(key, 0) + 1
            if any(used[key] > c.places[key] for key in used):
                continue
            if any((a, b) in clashes for a, b in itertools.combinations(ks, 2)):
                continue
            best = max(best, sum(c.weights[e] for e in {e for k in ks for e in c.choices[k][0]}))
    return best


def valid(c: Contest, covered: frozenset[int]) -> bool:
    """Some valid set of choices covers exactly ``covered`` or more (checked by brute force)."""
    n = len(c.choices)
    clashes = {(min(a, b), max(a, b)) for a, b in c.clashes}
    for size in range(n + 1):
        for ks in itertools.combinations(range(n), size):
            got = {e for k in ks for e in c.choices[k][0]}
            if not covered <= got:
                continue
            used: dict[str, int] = {}
            for k in ks:
                for key in c.choices[k][1]:
                    if key in c.places:
                        used[key] = used.get(key, 0) + 1
            if any(used[key] > c.places[key] for key in used):
                continue
            if not any((a, b) in clashes for a, b in itertools.combinations(ks, 2)):
                return True
    return False


@st.composite
def contests(draw, unit: bool = False, nested: bool = False) -> Contest:
    """Households of 1-3 elements; choices of 1-2 of a household's elements taking places of a
    service and maybe of its MOU; a few clashes within a household."""
    weights: list[int] = []
    choices: list[tuple[tuple[int, ...], tuple[str, ...]]] = []
    clashes: list[tuple[int, int]] = []
    services = [f"s{i}" for i in range(draw(st.integers(1, 4)))]
    mou = {s: draw(st.sampled_from([None, "m0", "m1"])) for s in services}
    places = {s: draw(st.integers(0, 3)) for s in services if draw(st.booleans())}
    places.update({m: draw(st.integers(0, 3)) for m in ("m0", "m1") if draw(st.booleans())})
    for _ in range(draw(st.integers(1, 4))):
        first_el = len(weights)
        k = draw(st.integers(1, 1 if unit else 3))
        weights += [1 if unit else draw(st.integers(1, 2)) for _ in range(k)]
        mine = []
        for s in draw(st.lists(st.sampled_from(services), min_size=1, max_size=3, unique=True)):
            els = draw(st.lists(st.integers(first_el, first_el + k - 1), min_size=1,
                                max_size=1 if unit else 2, unique=True))
            lims = (s,) + ((mou[s],) if mou[s] else ())
            mine.append(len(choices))
            choices.append((tuple(els), lims))
        if not unit and len(mine) > 1 and draw(st.booleans()):
            clashes.append((mine[0], mine[1]))
    if len(choices) > 9:
        choices = choices[:9]
        clashes = [(a, b) for a, b in clashes if a < 9 and b < 9]
    return Contest(weights=weights, choices=choices, places=places, clashes=clashes)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contests())
def test_max_cover_is_the_brute_force_optimum_and_feasible(c):
    got = max_cover(c)
    assert got.exact and got.needs == brute(c)
    assert got.needs == sum(c.weights[e] for e in got.covered)
    assert valid(c, got.covered)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contests(unit=True))
def test_the_flow_path_alone_is_exact(c):
    got = max_cover(c)
    assert got.stats["milp"] == 0  # one element per choice, unit weights, no clash: a flow
    assert got.needs == brute(c) and valid(c, got.covered)


def test_presolve_takes_what_costs_nobody_a_place():
    # s has 2 places for 2 households: not tight; v is unlimited
    c = Contest(weights=[1, 1, 1], choices=[((0,), ("s",)), ((1,), ("s",)), ((2,), ())], places={"s": 2})
    got = max_cover(c)
    assert got.covered == {0, 1, 2} and got.stats == {"presolved": 3, "flow": 0, "milp": 0, "lp": 0}


def test_the_flow_gives_the_last_place_to_the_household_with_no_other_option():
    # a: only s (1 place); b: s or t (1 place); c: only t  -> at most 2 of 3
    c = Contest(weights=[1, 1, 1], choices=[((0,), ("s",)), ((1,), ("s",)), ((1,), ("t",)), ((2,), ("t",))],
                places={"s": 1, "t": 1})
    got = max_cover(c)
    assert got.needs == 2 and got.stats["flow"] == 2


def test_nested_mou_quota_bounds_the_services_under_it():
    # two services of 2 places each under one MOU with 3 left: 4 households, 3 covered
    c = Contest(weights=[1] * 4, choices=[((e,), ("s1" if e < 2 else "s2", "m")) for e in range(4)],
                places={"s1": 2, "s2": 2, "m": 3})
    assert max_cover(c).needs == 3


def test_one_place_covering_two_needs_of_one_household_goes_to_the_milp():
    # h0 has two contested elements one place of s covers; h1 wants s for one
    c = Contest(weights=[1, 1, 1], choices=[((0, 1), ("s",)), ((2,), ("s",))], places={"s": 1})
    got = max_cover(c)
    assert got.needs == 2 and got.covered == {0, 1} and got.stats["milp"] == 2


def test_a_clash_is_respected():
    # one household: x covers e0, y covers e1, they exclude each other, both have room for one
    c = Contest(weights=[1, 1, 1], choices=[((0,), ("x",)), ((1,), ("y",)), ((2,), ("x",))],
                places={"x": 1, "y": 1}, clashes=[(0, 1)])
    got = max_cover(c)
    assert got.needs == 2 and valid(c, got.covered)


def milp_reference(c: Contest) -> int:
    """The optimum of the plain model, no presolve, no aggregation: ``max sum(w[e] c[e])``, ``c[e] <=
    sum(y[k] : k covers e)``, every limit, every clash, y binary (the MILP max_cover solved before
    it aggregated interchangeable elements), by HiGHS."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    nk, ne = len(c.choices), len(c.weights)
    rows: list[list[float]] = []
    hi: list[float] = []
    for e in range(ne):
        row = [0.0] * (nk + ne)
        row[nk + e] = 1.0
        for k, (els, _) in enumerate(c.choices):
            if e in els:
                row[k] = -1.0
        rows.append(row)
        hi.append(0.0)
    for key, n in c.places.items():
        row = [1.0 if key in lims else 0.0 for _, lims in c.choices] + [0.0] * ne
        rows.append(row)
        hi.append(float(n))
    for a, b in c.clashes:
        row = [0.0] * (nk + ne)
        row[a] = row[b] = 1.0
        rows.append(row)
        hi.append(1.0)
    res = milp(np.array([0.0] * nk + [-float(w) for w in c.weights]),
               integrality=np.array([1] * nk + [0] * ne), bounds=Bounds(0, 1),
               constraints=[LinearConstraint(np.array(rows), -np.inf, np.array(hi))],
               options={"mip_rel_gap": 0.0})
    assert res.status == 0
    return round(-res.fun)


@st.composite
def crowds(draw) -> Contest:
    """Many households wanting the same few services (interchangeable elements the solver counts as
    one class), some with a choice covering two of their needs with one place, some with a clash,
    needs of weight 1-2: bigger than brute force can try."""
    services = [f"s{i}" for i in range(draw(st.integers(1, 5)))]
    mou = {s: draw(st.sampled_from([None, "m0"])) for s in services}
    places = {s: draw(st.integers(0, 4)) for s in services}
    places["m0"] = draw(st.integers(0, 6))
    menus = draw(st.lists(st.lists(st.sampled_from(services), min_size=1, max_size=3, unique=True),
                          min_size=1, max_size=3))
    weights: list[int] = []
    choices: list[tuple[tuple[int, ...], tuple[str, ...]]] = []
    clashes: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(1, 25))):
        first = len(weights)
        two = draw(st.integers(0, 4)) == 0
        weights += [draw(st.sampled_from([1, 1, 1, 2]))] + ([1] if two else [])
        mine = []
        for s in draw(st.sampled_from(menus)):
            mine.append(len(choices))
            choices.append(((first,), (s,) + ((mou[s],) if mou[s] else ())))
        if two:
            s = draw(st.sampled_from(services))
            mine.append(len(choices))
            choices.append(((first, first + 1) if draw(st.booleans()) else (first + 1,), (s,)))
            if draw(st.booleans()):
                clashes.append((mine[0], mine[-1]))
    return Contest(weights=weights, choices=choices, places=places, clashes=clashes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowds())
def test_crowds_of_interchangeable_households_get_the_plain_milp_optimum(c):
    got = max_cover(c)
    assert got.exact and got.needs == milp_reference(c)
    assert got.needs == sum(c.weights[e] for e in got.covered)


def test_interchangeable_households_are_counted_together_and_the_lp_settles_it():
    # five households want s (2 places) or t (1 place); h5's one place of s covers both its needs:
    # s to h5 and one more, t to a third: 4 needs, and the relaxation is integral (no MILP)
    choices = [((e,), (lim,)) for e in range(5) for lim in ("s", "t")] + [((5, 6), ("s",))]
    c = Contest(weights=[1] * 7, choices=choices, places={"s": 2, "t": 1})
    got = max_cover(c)
    assert got.needs == 4 == milp_reference(c) and {5, 6} <= got.covered
    assert got.stats["lp"] == 1 and got.stats["milp"] == 4


def test_a_fractional_relaxation_goes_to_the_milp():
    # one household, three services each with room, every two excluding each other: the relaxation
    # takes half of each (1.5 needs), the MILP one (1 need)
    c = Contest(weights=[1, 1, 1], choices=[((0,), ("x",)), ((1,), ("y",)), ((2,), ("z",))],
                places={"x": 1, "y": 1, "z": 1}, clashes=[(0, 1), (1, 2), (0, 2)])
    got = max_cover(c)
    assert got.needs == 1 == brute(c) and got.exact and got.stats["lp"] == 0 and valid(c, got.covered)


def test_the_same_contest_gets_the_same_cover():
    c = Contest(weights=[1] * 9, choices=[((e,), (f"s{e % 3}",)) for e in range(9)]
                + [((e,), ("t",)) for e in range(0, 9, 2)] + [((7, 8), ("s1",))],
                places={"s0": 1, "s1": 1, "s2": 2, "t": 1})
    first = max_cover(c)
    assert all(max_cover(c) == first for _ in range(3)) and first.needs == milp_reference(c)
