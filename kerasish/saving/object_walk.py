"""The order in which Keras 3 visits a model's objects to save or load their state.

Keras's weights files are positional: an object's arrays live at the path of the first
attribute chain that reaches it, e.g. ``layers/dense_1`` or ``encoder/blocks/dense``. This
module walks kerasish objects exactly as Keras walks its own, so both libraries give every
object the same path:

- `Sequential` and `Functional` models yield ``layers`` first;
- then every attribute of ``dir(obj)`` that a bare base object does not have, public names
  in alphabetical order, then private ones;
- a layer, optimizer, metric or loss found there is visited at ``<path>/<attribute>``;
  lists, tuples and dicts are entered, their objects named by their snake_case class name
  (``dense``, ``dense_1``, ...) and nested containers ``container``, ``container_1``, ...;
- an object reached a second time is skipped.

Layers whose sublayers must load from Keras files keep them in attributes with Keras's
names (e.g. ``cell``, ``forward_layer``, ``query_dense``).
"""

import functools
import re
import warnings


def to_snake_case(name):
    """Keras's snake_case of a class name (``"MultiHeadAttention"`` -> ``"multi_head_attention"``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _kinds():
    from kerasish.engine.functional import Functional
    from kerasish.engine.layer import Layer
    from kerasish.engine.sequential import Sequential
    from kerasish.losses.loss import Loss
    from kerasish.metrics.metric import Metric
    from kerasish.optimizers.base_optimizer import Optimizer

    return (
        ("Sequential", Sequential),
        ("Functional", Functional),
        ("Layer", Layer),
        ("Optimizer", Optimizer),
        ("Metric", Metric),
        ("Loss", Loss),
    )


def kind_of(obj):
    """``"Layer"``, ``"Functional"``, ... for objects that hold state; None for anything else."""
    for kind, cls in _kinds():
        if isinstance(obj, cls):
            return kind
    return None


@functools.cache
def _skipped_attributes(kind):
    """The attributes of a bare base object of ``kind``: not walked, as in Keras."""
    from kerasish.engine.layer import Layer
    from kerasish.engine.model import Model
    from kerasish.engine.sequential import Sequential
    from kerasish.losses.loss import Loss
    from kerasish.metrics.metric import Metric
    from kerasish.optimizers.base_optimizer import Optimizer

    if kind == "Optimizer":
        return frozenset(dir(Optimizer(1.0))) - {"variables"}
    if kind == "Metric":
        return frozenset(dir(Metric()))
    if kind == "Loss":
        return frozenset(dir(Loss()))
    skipped = set(dir(Layer(name="saving_reference")))
    # The engine's own bookkeeping (graph order, compiled functions, the stack of a
    # Sequential, caches): never a user's object.
    for engine_object in (Model(name="saving_reference"), Sequential(name="saving_reference")):
        skipped.update(name for name in dir(engine_object) if name.startswith("_"))
    skipped.update({"_structure_cache", "_compiled_calls"})
    if kind == "Functional":
        skipped.update({"operations", "_operations"})
    return frozenset(skipped)


def walk(saveable):
    """``(attribute, child)`` pairs of ``saveable`` in Keras's order."""
    kind = kind_of(saveable)
    skipped = _skipped_attributes(kind)
    if kind in ("Sequential", "Functional"):
        yield "layers", saveable.layers
    names = sorted(dir(saveable), key=lambda n: f"~{n}" if n.startswith("_") else n)
    for name in names:
        if name.startswith("__") or name in skipped:
            continue
        try:
            child = getattr(saveable, name)
        except Exception:  # noqa: BLE001 -- a property that cannot be read holds nothing to save
            continue
        yield name, child


def _join(path, name):
    return f"{path}/{name}" if path else name


class _UniqueNames:
    """``name``, then ``name_1``, ``name_2`` ... as Keras names a container's objects."""

    def __init__(self):
        self._counts = {}

    def __call__(self, name):
        if name in self._counts:
            self._counts[name] += 1
            return f"{name}_{self._counts[name]}"
        self._counts[name] = 0
        return name


def _container_items(container):
    return list(container.values()) if isinstance(container, dict) else list(container)


def save_state(saveable, weights_store, assets_store, path, visited):
    """Writes ``saveable``'s arrays and assets, then its children's, at Keras's paths."""
    if id(saveable) in visited:
        return
    if weights_store is not None and hasattr(saveable, "save_own_variables"):
        name = getattr(saveable, "name", None)
        metadata = {"name": name} if isinstance(name, str) else None
        saveable.save_own_variables(weights_store.make(path, metadata=metadata))
    if assets_store is not None and hasattr(saveable, "save_assets"):
        saveable.save_assets(assets_store.make(path))
    visited.add(id(saveable))
    for name, child in walk(saveable):
        if kind_of(child) is not None:
            save_state(child, weights_store, assets_store, _join(path, name), visited)
        elif isinstance(child, (list, tuple, dict)):
            _save_container(child, weights_store, assets_store, _join(path, name), visited, set())


def _save_container(container, weights_store, assets_store, path, visited, seen_containers):
    if id(container) in seen_containers:
        return
    seen_containers.add(id(container))
    unique = _UniqueNames()
    for item in _container_items(container):
        if kind_of(item) is not None:
            name = unique(to_snake_case(type(item).__name__))
            save_state(item, weights_store, assets_store, _join(path, name), visited)
        elif isinstance(item, (list, tuple, dict)):
            name = unique("container")
            _save_container(
                item, weights_store, assets_store, _join(path, name), visited, seen_containers
            )


class LoadReport:
    """What could not be loaded: ``{id(object): (object, error)}``, filled by `load_state`."""

    def __init__(self):
        self.errors = {}

    def error(self, skip_mismatch=False):
        """Raises (or warns, with ``skip_mismatch``) Keras's summary of the failures."""
        if not self.errors:
            return
        first_object, first_error = next(iter(self.errors.values()))
        message = (
            f"A total of {len(self.errors)} objects could not be loaded. Example error message "
            f"for object {first_object}:\n\n{first_error}\n\nList of objects that could not be "
            f"loaded:\n{[failed for failed, _ in self.errors.values()]}"
        )
        if skip_mismatch:
            warnings.warn(message, stacklevel=3)
            return
        raise ValueError(message)


def load_state(saveable, weights_store, assets_store, path, visited, report):
    """Reads ``saveable``'s arrays and assets, then its children's.

    A failure is recorded in ``report`` rather than raised, and the object stays unvisited,
    so that a later path reaching it may still load it (as Keras does).
    """
    if id(saveable) in visited:
        return
    failed = False
    if weights_store is not None and hasattr(saveable, "load_own_variables"):
        failed |= _try(report, saveable, saveable.load_own_variables, weights_store.get(path))
    if assets_store is not None and hasattr(saveable, "load_assets"):
        failed |= _try(report, saveable, saveable.load_assets, assets_store.get(path))
    failures_before = len(report.errors)
    for name, child in walk(saveable):
        if kind_of(child) is not None:
            load_state(child, weights_store, assets_store, _join(path, name), visited, report)
        elif isinstance(child, (list, tuple, dict)):
            _load_container(
                child, weights_store, assets_store, _join(path, name), visited, report, set()
            )
    if not failed:
        if len(report.errors) <= failures_before:
            visited.add(id(saveable))
        report.errors.pop(id(saveable), None)


def _try(report, saveable, load, entry):
    try:
        load(entry)
    except Exception as error:  # noqa: BLE001 -- collected and reported together, as Keras does
        report.errors[id(saveable)] = (saveable, error)
        return True
    return False


def _load_container(container, weights_store, assets_store, path, visited, report, seen):
    if id(container) in seen:
        return
    seen.add(id(container))
    unique = _UniqueNames()
    for item in _container_items(container):
        if kind_of(item) is not None:
            name = unique(to_snake_case(type(item).__name__))
            load_state(item, weights_store, assets_store, _join(path, name), visited, report)
        elif isinstance(item, (list, tuple, dict)):
            nested = _join(path, unique("container"))
            if _present(weights_store, nested) or _present(assets_store, nested):
                _load_container(item, weights_store, assets_store, nested, visited, report, seen)
            else:
                _load_missing_container(item, weights_store, assets_store, nested, visited, seen)


def _load_missing_container(container, weights_store, assets_store, path, visited, seen):
    """A nested container that the file has no group for (older Keras versions did not write
    one): its objects keep their fresh values, with a warning when any of them has state."""
    local = LoadReport()
    _load_container(container, weights_store, assets_store, path, visited, local, seen)
    if local.errors:
        warnings.warn(
            f"Skipping nested container at '{path}': no matching group found in the saved file. "
            "This usually means the file was saved with a Keras version that did not serialize "
            "sublayers nested inside containers. Affected layers will retain their "
            "freshly-initialized weights.",
            stacklevel=2,
        )


def _present(store, path):
    return store is not None and store.has_path(path)
