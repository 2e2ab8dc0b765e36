"""`kerasish.tree` against `keras.tree` (Keras 3 runs it on optree)."""

import collections
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras import tree as keras_tree

from kerasish import tree

Point = collections.namedtuple("Point", ["y", "x"])
Other = collections.namedtuple("Other", ["y", "x"])


def nodes(children):
    keys = st.sampled_from(["a", "b", "c", "d"])
    return st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(keys, children, max_size=3),
        st.dictionaries(keys, children, max_size=3).map(
            lambda d: collections.OrderedDict(reversed(d.items()))
        ),
        st.dictionaries(keys, children, max_size=3).map(lambda d: collections.defaultdict(list, d)),
        st.tuples(children, children).map(lambda pair: Point(*pair)),
        st.lists(children, max_size=3).map(lambda items: collections.deque(items, maxlen=5)),
    )


LEAVES = st.one_of(st.none(), st.integers(-5, 5), st.text("xyz", max_size=2))
STRUCTURES = st.recursive(LEAVES, nodes, max_leaves=10)


@settings(max_examples=150, deadline=None)
@given(STRUCTURES)
def test_single_structure_functions_match_keras(structure):
    assert tree.is_nested(structure) == keras_tree.is_nested(structure)
    assert repr(tree.flatten(structure)) == repr(keras_tree.flatten(structure))
    assert repr(tree.flatten_with_path(structure)) == repr(keras_tree.flatten_with_path(structure))

    def mark(x):
        return ("leaf", x)

    assert repr(tree.map_structure(mark, structure)) == repr(
        keras_tree.map_structure(mark, structure)
    )
    assert repr(tree.map_structure(mark, structure, none_is_leaf=False)) == repr(
        keras_tree.map_structure(mark, structure, none_is_leaf=False)
    )
    flat = list(range(len(keras_tree.flatten(structure))))
    assert repr(tree.pack_sequence_as(structure, flat)) == repr(
        keras_tree.pack_sequence_as(structure, flat)
    )
    assert repr(tree.lists_to_tuples(structure)) == repr(keras_tree.lists_to_tuples(structure))
    assert repr(tree.map_shape_structure(mark, structure)) == repr(
        keras_tree.map_shape_structure(mark, structure)
    )
    tree.assert_same_structure(structure, tree.map_structure(lambda x: 0, structure))
    tree.assert_same_paths(structure, structure)

    def to_none(x):
        return tree.MAP_TO_NONE if isinstance(x, int) else None

    def keras_to_none(x):
        return keras_tree.MAP_TO_NONE if isinstance(x, int) else None

    for top_down in (True, False):
        assert repr(tree.traverse(to_none, structure, top_down=top_down)) == repr(
            keras_tree.traverse(keras_to_none, structure, top_down=top_down)
        )


@settings(max_examples=150, deadline=None)
@given(STRUCTURES, STRUCTURES)
def test_two_structure_functions_agree_with_keras(a, b):
    def outcome(module, function, *args):
        try:
            return repr(getattr(module, function)(*args))
        except ValueError:
            return "ValueError"

    def pair(x, y):
        return (x, y)

    assert outcome(tree, "map_structure", pair, a, b) == outcome(
        keras_tree, "map_structure", pair, a, b
    )
    assert outcome(tree, "assert_same_structure", a, b) == outcome(
        keras_tree, "assert_same_structure", a, b
    )
    assert outcome(tree, "assert_same_paths", a, b) == outcome(
        keras_tree, "assert_same_paths", a, b
    )
    assert outcome(tree, "map_structure_up_to", a, pair, b, b) == outcome(
        keras_tree, "map_structure_up_to", a, pair, b, b
    )


def test_none_is_a_leaf():
    assert tree.flatten(None) == [None]
    assert tree.flatten([None, (None,)]) == [None, None]
    assert not tree.is_nested(None)
    assert tree.map_structure(lambda x: 1, [None]) == [1]
    assert tree.map_structure(lambda x: 1, [None], none_is_leaf=False) == [None]


def test_dicts_flatten_sorted_and_rebuild_in_their_own_order():
    structure = {"b": 1, "a": 2, "c": {"z": 3, "y": 4}}
    assert tree.flatten(structure) == [2, 1, 4, 3]
    rebuilt = tree.map_structure(lambda x: x, structure)
    assert list(rebuilt) == ["b", "a", "c"] and list(rebuilt["c"]) == ["z", "y"]
    ordered = collections.OrderedDict([("b", 1), ("a", 2)])
    assert tree.flatten(ordered) == [1, 2]
    mixed = {"b": 1, 1: "x", "a": 3, 0: 5}
    assert tree.flatten(mixed) == keras_tree.flatten(mixed)


def test_subclasses_of_builtin_containers_are_leaves():
    class MyList(list):
        pass

    assert not tree.is_nested(MyList([1, 2])) and not keras_tree.is_nested(MyList([1, 2]))
    assert tree.is_nested(Point(1, 2))
    struct = time.localtime()
    assert tree.flatten(struct) == keras_tree.flatten(struct)


def test_mismatch_errors_match_keras():
    cases = [
        ([1, 2], (1, 2)),
        ([1, [2]], [1, 2]),
        ({"a": 1}, {"b": 1}),
        (Point(1, 2), Other(1, 2)),
        (Point(1, 2), (1, 2)),
        (collections.deque([1]), [1]),
        ([1, 2], [1, 2, 3]),
    ]
    for a, b in cases:
        with pytest.raises(ValueError) as theirs:
            keras_tree.map_structure(lambda x, y: x, a, b)
        with pytest.raises(ValueError) as ours:
            tree.map_structure(lambda x, y: x, a, b)
        if "arity" not in str(theirs.value):
            assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="Structures don't have the same nested structure"):
        tree.assert_same_structure([1, 2], [1, [2]])
    with pytest.raises(ValueError, match="Must provide at least one structure"):
        tree.map_structure(lambda x: x)


def test_pack_sequence_as_checks_the_leaf_count():
    with pytest.raises(ValueError, match="Too few leaves"):
        tree.pack_sequence_as([1, 2], [1])
    with pytest.raises(ValueError, match="Too many leaves"):
        tree.pack_sequence_as(1, [1, 2])
    assert tree.pack_sequence_as(None, [5]) == 5
    assert tree.unflatten_as({"a": 0, "b": [0]}, (1, 2)) == {"a": 1, "b": [2]}


def test_map_structure_up_to_passes_substructures():
    assert tree.map_structure_up_to([1, 2], lambda x, y: (x, y), [[1], 2], [3, [4]]) == [
        ([1], 3),
        (2, [4]),
    ]
    assert tree.map_structure_up_to({"a": 0}, len, {"a": [1, 2, 3]}) == {"a": 3}
    with pytest.raises(ValueError):
        tree.map_structure_up_to([1, None], lambda x: x, [[1, 2], None])  # as Keras


def test_check_types_is_deprecated_like_keras():
    with pytest.warns(DeprecationWarning, match="`check_types` argument is deprecated"):
        tree.assert_same_structure([1], [2], check_types=True)


def test_registered_classes_are_nodes_and_arrays_are_leaves():
    @tree.register_tree_node_class
    class Pair:
        def __init__(self, left, right):
            self.left, self.right = left, right

        def tree_flatten(self):
            return (self.left, self.right), None

        @classmethod
        def tree_unflatten(cls, aux, children):
            return cls(*children)

    doubled = tree.map_structure(lambda x: x * 2, Pair(1, [2]))
    assert (doubled.left, doubled.right) == (2, [4])
    assert tree.flatten_with_path(Pair(1, 2)) == [((0,), 1), ((1,), 2)]
    array = np.ones(3)
    assert tree.flatten([array])[0] is array


def test_map_shape_structure_treats_shapes_as_leaves():
    structure = [(1, None), {"a": (2, 3), "b": [4, (None,)]}, (), []]

    def rank(shape):
        return len(shape) if isinstance(shape, (list, tuple)) else "leaf"

    assert tree.map_shape_structure(rank, structure) == [2, {"a": 2, "b": ["leaf", 1]}, 0, 0]
