"""The arithmetic behind `make mutate-sample` (scripts/mutate_sample.py): the figures it prints
are what docs/testing.md reports, so they are checked against known values."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "mutate_sample", Path(__file__).resolve().parents[2] / "scripts" / "mutate_sample.py"
)
mutate_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutate_sample)


@pytest.mark.parametrize(
    ("killed", "total", "low", "high"),
    [(90, 100, 0.8256, 0.9448), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0)],
)
def test_the_wilson_interval_matches_the_textbook_values(killed, total, low, high):
    assert mutate_sample.wilson(killed, total) == (
        pytest.approx(low, abs=1e-4),
        pytest.approx(high, abs=1e-4),
    )


def test_the_sample_is_shared_out_in_proportion_to_each_module():
    share = mutate_sample.allocate({"access": 594, "rules": 101, "meetings.rules": 41}, 50)
    assert share == {"access": 40, "rules": 7, "meetings.rules": 3}
    assert sum(mutate_sample.allocate({"a": 3, "b": 2}, 10).values()) == 5  # no more than exist


def test_the_same_seed_draws_the_same_mutants_and_another_seed_others():
    population = {"a": [f"a{i}" for i in range(50)], "b": [f"b{i}" for i in range(50)]}
    first = mutate_sample.draw(population, 10, seed=1)
    assert first == mutate_sample.draw(population, 10, seed=1)
    assert first != mutate_sample.draw(population, 10, seed=2)
    assert sum(name.startswith("a") for name in first) == 5
