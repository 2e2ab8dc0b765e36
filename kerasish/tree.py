"""`keras.tree`: nested structures of lists, tuples, dicts and friends, with Keras's rules.

Keras 3 runs these on optree in its ``"keras"`` namespace; this module re-implements the same
rules in plain Python so that they do not depend on what else is registered with
`jax.tree_util` (flax modules, optax states, ...):

- nodes are ``list``, ``tuple``, namedtuples, ``dict``, ``OrderedDict``, ``defaultdict``,
  ``deque``, struct sequences and classes passed to `register_tree_node_class`; exact types
  only, so a subclass of ``list`` or ``dict`` is a leaf;
- **None is a leaf** (``map_structure(..., none_is_leaf=False)`` makes it an empty node);
- ``dict`` and ``defaultdict`` flatten in sorted key order, ``OrderedDict`` in insertion
  order; rebuilt dicts keep the key order of the structure they were built from.

Example:
>>> from kerasish import tree
>>> tree.flatten({"b": [1, None], "a": 2})
[2, 1, None]
>>> tree.map_structure(lambda x: x * 10, {"b": [1, 2], "a": 3})
{'b': [10, 20], 'a': 30}
"""

import collections
import warnings

_REGISTERED = {}  # class -> True, for classes with tree_flatten / tree_unflatten


class MAP_TO_NONE:
    """Returned by a `traverse` function to put None in place of a substructure."""


def register_tree_node_class(cls):
    """Makes instances of ``cls`` nodes: ``obj.tree_flatten() -> (children, aux)`` and
    ``cls.tree_unflatten(aux, children) -> obj``. Returns ``cls`` (usable as a decorator)."""
    _REGISTERED[cls] = True
    return cls


# -- nodes ------------------------------------------------------------------------------------


def _is_namedtuple(value):
    return isinstance(value, tuple) and type(value) is not tuple and hasattr(type(value), "_fields")


def _is_structseq(value):
    return (
        isinstance(value, tuple)
        and type(value) is not tuple
        and hasattr(type(value), "n_sequence_fields")
    )


def _sorted_keys(mapping):
    try:
        return sorted(mapping)
    except TypeError:
        try:
            return sorted(mapping, key=lambda key: (type(key).__qualname__, key))
        except TypeError:
            return list(mapping)


def _node(value, none_is_leaf=True):
    """``(kind, keys, children, rebuild)`` for a node, None for a leaf.

    ``rebuild(children)`` makes a node like ``value`` from new children (in ``keys`` order).
    """
    kind = type(value)
    if value is None:
        return None if none_is_leaf else (kind, [], [], lambda children: None)
    if kind is list or kind is collections.deque:
        keys = list(range(len(value)))
        if kind is list:
            return kind, keys, list(value), list
        maxlen = value.maxlen
        return kind, keys, list(value), lambda children: collections.deque(children, maxlen=maxlen)
    if kind is tuple:
        return kind, list(range(len(value))), list(value), tuple
    if kind in (dict, collections.OrderedDict, collections.defaultdict):
        keys = list(value) if kind is collections.OrderedDict else _sorted_keys(value)
        return kind, keys, [value[key] for key in keys], _dict_rebuilder(value, keys)
    if _is_namedtuple(value):
        return kind, list(range(len(value))), list(value), lambda children: kind(*children)
    if _is_structseq(value):
        return kind, list(range(len(value))), list(value), kind
    if kind in _REGISTERED:
        flattened = value.tree_flatten()  # (children, aux) or optree's (children, aux, entries)
        children, aux = list(flattened[0]), flattened[1]
        return kind, list(range(len(children))), children, lambda new: kind.tree_unflatten(aux, new)
    return None


def _dict_rebuilder(value, keys):
    order = list(value)
    kind = type(value)

    def rebuild(children):
        by_key = dict(zip(keys, children))
        items = [(key, by_key[key]) for key in order]
        if kind is collections.defaultdict:
            return collections.defaultdict(value.default_factory, items)
        return kind(items)

    return rebuild


def _type_name(kind):
    if kind in (collections.deque, collections.OrderedDict, collections.defaultdict):
        return f"collections.{kind.__name__}"
    return kind.__name__


def _match(node, other, other_node):
    """Raises ValueError unless ``other`` is a node of the same kind and keys as ``node``."""
    kind, keys = node[0], node[1]
    dict_like = (dict, collections.OrderedDict, collections.defaultdict)
    if other_node is None or (
        other_node[0] is not kind and not (kind in dict_like and other_node[0] in dict_like)
    ):
        if (
            _is_namedtuple_kind(kind)
            and other_node is not None
            and _is_namedtuple_kind(other_node[0])
        ):
            raise ValueError(
                f"namedtuple type mismatch; expected type: {kind}, got type: {other_node[0]}; "
                f"tuple: {other!r}."
            )
        expected = "collections.namedtuple" if _is_namedtuple_kind(kind) else _type_name(kind)
        raise ValueError(f"Expected an instance of {expected}, got {other!r}.")
    if kind in dict_like:
        if set(keys) != set(other_node[1]):
            missing = [key for key in keys if key not in other]
            extra = [key for key in other_node[1] if key not in set(keys)]
            raise ValueError(
                f"dictionary key mismatch; expected key(s): {keys}, got key(s): {other_node[1]}, "
                f"missing key(s): {missing}, extra key(s): {extra}; dict: {other!r}."
            )
        return [other[key] for key in keys]
    if len(keys) != len(other_node[1]):
        raise ValueError(
            f"{_type_name(kind)} arity mismatch; expected: {len(keys)}, got: {len(other_node[1])}; "
            f"{_type_name(kind)}: {other!r}."
        )
    return other_node[2]


def _is_namedtuple_kind(kind):
    return issubclass(kind, tuple) and kind is not tuple and hasattr(kind, "_fields")


def _leaf_check(*values, none_is_leaf=True):
    if any(_node(value, none_is_leaf) is not None for value in values):
        raise ValueError("Structures don't have the same nested structure.")


# -- public API -------------------------------------------------------------------------------


def is_nested(structure):
    """Whether ``structure`` is a node (a list, tuple, dict, ...), not a leaf; None is a leaf."""
    return _node(structure) is not None


def flatten(structure):
    """The leaves in order: sequences by position, dicts by sorted key.

    Example:
    >>> flatten([1, (2, {"y": 3, "x": 4})])
    [1, 2, 4, 3]
    """
    leaves = []
    _flatten_into(structure, leaves, None)
    return leaves


def _flatten_into(structure, leaves, paths, path=()):
    node = _node(structure)
    if node is None:
        leaves.append(structure)
        if paths is not None:
            paths.append(path)
        return
    for key, child in zip(node[1], node[2]):
        _flatten_into(child, leaves, paths, (*path, key))


def flatten_with_path(structure):
    """``[(path, leaf), ...]``; a path is the tuple of keys and indices leading to the leaf.

    Example:
    >>> flatten_with_path({"a": [5, 6]})
    [(('a', 0), 5), (('a', 1), 6)]
    """
    leaves, paths = [], []
    _flatten_into(structure, leaves, paths)
    return list(zip(paths, leaves))


def pack_sequence_as(structure, flat_sequence):
    """``structure`` with its leaves replaced, in `flatten` order, by ``flat_sequence``.

    Example:
    >>> pack_sequence_as({"b": 0, "a": [0]}, [1, 2])
    {'b': 2, 'a': [1]}
    """
    flat = list(flat_sequence)
    expected = _count_leaves(structure)
    if len(flat) < expected:
        raise ValueError(f"Too few leaves for PyTreeSpec; expected: {expected}, got: {len(flat)}.")
    if len(flat) > expected:
        raise ValueError(f"Too many leaves for PyTreeSpec; expected: {expected}.")
    return _pack(structure, iter(flat))


def unflatten_as(structure, flat_sequence):
    """dm-tree's name for `pack_sequence_as`."""
    return pack_sequence_as(structure, flat_sequence)


def _count_leaves(structure):
    node = _node(structure)
    return 1 if node is None else sum(_count_leaves(child) for child in node[2])


def _pack(structure, leaves):
    node = _node(structure)
    if node is None:
        return next(leaves)
    return node[3]([_pack(child, leaves) for child in node[2]])


def map_structure(func, *structures, none_is_leaf=True):
    """``func`` applied to matching leaves of structures that share one nested structure.

    Raises:
        ValueError: no structure, or structures that differ (node types, lengths, keys).

    Example:
    >>> map_structure(lambda x, y: x + y, [1, (2,)], [10, (20,)])
    [11, (22,)]
    """
    if not structures:
        raise ValueError("Must provide at least one structure")
    return _map(func, structures, none_is_leaf, is_leaf=None)


def _map(func, structures, none_is_leaf, is_leaf):
    first = structures[0]
    node = None if is_leaf is not None and is_leaf(first) else _node(first, none_is_leaf)
    if node is None:
        if len(structures) > 1:
            _leaf_check(*structures, none_is_leaf=none_is_leaf)
        return func(*structures)
    columns = [node[2]]
    for other in structures[1:]:
        columns.append(_match(node, other, _node(other, none_is_leaf)))
    children = (
        [_map(func, group, none_is_leaf, is_leaf) for group in zip(*columns)] if node[2] else []
    )
    return node[3](children)


def map_structure_up_to(shallow_structure, func, *structures):
    """Like `map_structure`, but stops at the leaves of ``shallow_structure``: ``func``
    receives the matching substructures of ``structures``.

    Example:
    >>> map_structure_up_to([0, 0], len, [[1, 2], (3,)])
    [2, 1]
    """
    if not structures:
        raise ValueError("Must provide at least one structure")
    return _map_up_to(shallow_structure, func, structures)


def _map_up_to(shallow, func, structures):
    node = _node(shallow)
    if node is None:
        if shallow is None:
            # Keras's check treats None as an empty node here, not a leaf.
            raise ValueError("Structures don't have the same nested structure.")
        return func(*structures)
    columns = [_match(node, other, _node(other)) for other in structures]
    children = [_map_up_to(child, func, group) for child, *group in zip(node[2], *columns)]
    return node[3](children)


def assert_same_structure(a, b, check_types=None):
    """Raises ValueError unless ``a`` and ``b`` have the same nested structure (leaf values
    may differ; None counts as a leaf). ``check_types`` is deprecated and ignored, as in Keras.
    """
    if check_types is not None:
        if check_types:
            message = (
                "The `check_types` argument is deprecated and no longer has any effect, "
                "please remove."
            )
        else:
            message = (
                "The `check_types` argument is deprecated and no longer has any effect. For a "
                "looser check, use `keras.tree.assert_same_paths()`, which considers `list`, "
                "`tuple`, `namedtuple` and `deque` as matching"
            )
        warnings.warn(message, DeprecationWarning, stacklevel=2)
    _map(lambda *leaves: None, (a, b), True, is_leaf=None)


def assert_same_paths(a, b):
    """Raises ValueError unless ``a`` and ``b`` have the same set of leaf paths (so lists and
    tuples of the same length match)."""
    a_paths = {path for path, _ in flatten_with_path(a)}
    b_paths = {path for path, _ in flatten_with_path(b)}
    if a_paths != b_paths:
        message = "`a` and `b` don't have the same paths."
        if a_paths - b_paths:
            message += f"\nPaths in `a` missing in `b`:\n{a_paths - b_paths}"
        if b_paths - a_paths:
            message += f"\nPaths in `b` missing in `a`:\n{b_paths - a_paths}"
        raise ValueError(message)


def traverse(func, structure, top_down=True):
    """Calls ``func`` on every node and leaf.

    Top-down, a non-None result replaces that substructure (which is then not descended
    into); bottom-up, ``func`` sees the already traversed substructure. ``MAP_TO_NONE``
    puts None in place.

    Example:
    >>> traverse(lambda x: "T" if isinstance(x, tuple) else None, [1, (2, 3)])
    [1, 'T']
    """

    def traverse_children():
        node = _node(structure)
        if node is None:
            return structure
        return node[3]([traverse(func, child, top_down=top_down) for child in node[2]])

    if top_down:
        result = func(structure)
        if result is None:
            return traverse_children()
    else:
        traversed = traverse_children()
        result = func(traversed)
        if result is None:
            return traversed
    if result is MAP_TO_NONE:
        return None
    return result


def lists_to_tuples(structure):
    """``structure`` with every list turned into a tuple.

    Example:
    >>> lists_to_tuples([1, [2, {"a": [3]}]])
    (1, (2, {'a': (3,)}))
    """
    return traverse(
        lambda value: tuple(value) if isinstance(value, list) else None, structure, top_down=False
    )


def map_shape_structure(func, structure):
    """`map_structure` where lists and tuples of ints and Nones (shapes) are leaves.

    Example:
    >>> map_shape_structure(len, {"x": (None, 3), "y": [(2,), (4, 5)]})
    {'x': 2, 'y': [1, 2]}
    """

    def is_shape(value):
        return isinstance(value, (list, tuple)) and all(
            isinstance(dim, (int, type(None))) for dim in value
        )

    return _map(func, (structure,), True, is_leaf=is_shape)
