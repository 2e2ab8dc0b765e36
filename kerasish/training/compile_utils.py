"""What `compile` turns ``loss=``, ``loss_weights=``, ``metrics=`` into, matched to outputs.

Outputs are matched by position (lists) or by name (dicts, keyed by output names), as
in Keras; log names follow Keras (``loss``, ``<output>_loss``, ``<output>_<metric>``).
"""

import jax
import jax.numpy as jnp
import numpy as np

from kerasish import losses as losses_module
from kerasish import metrics as metrics_module


def flatten_outputs(structure, output_names):
    """``[(name, value)]`` for a model's outputs: dicts by key, lists by position."""
    if isinstance(structure, dict):
        return list(structure.items())
    if isinstance(structure, (list, tuple)):
        names = (
            list(output_names)
            if output_names and len(output_names) == len(structure)
            else [f"output_{i}" for i in range(len(structure))]
        )
        return list(zip(names, structure))
    return [(output_names[0] if output_names else "output", structure)]


def match_targets(y_true, named_outputs, what="y", needed=None):
    """The targets in the order of ``named_outputs``; dict targets are looked up by name.

    A dict may leave out outputs that no loss or metric reads (None in their place, as Keras
    allows); ``needed`` names the outputs that must be there (default: all)."""
    names = [name for name, _ in named_outputs]
    if len(names) == 1 and not isinstance(y_true, dict):
        if isinstance(y_true, (list, tuple)) and len(y_true) == 1:
            return [y_true[0]]
        return [y_true]
    if isinstance(y_true, dict):
        missing = [n for n in (names if needed is None else needed) if n not in y_true]
        if missing:
            raise ValueError(
                f"The model has outputs {names}, but the `{what}` dict has no entry for "
                f"{missing}. Received keys: {list(y_true)}"
            )
        return [y_true.get(n) for n in names]
    if isinstance(y_true, (list, tuple)):
        if len(y_true) != len(names):
            raise ValueError(
                f"The model has {len(names)} outputs, but `{what}` has {len(y_true)} entries."
            )
        return list(y_true)
    raise ValueError(
        f"The model has {len(names)} outputs {names}; pass `{what}` as a list or a dict."
    )


def _match_config(config, names, argument):
    """One entry of ``config`` (loss / metrics / weights) per output name, or None."""
    if isinstance(config, dict):
        unknown = [k for k in config if k not in names]
        if unknown:
            raise ValueError(
                f"In the dict argument `{argument}`, key '{unknown[0]}' does not correspond to any "
                f"model output. Received:\n{argument}={config}"
            )
        return [config.get(n) for n in names]
    if isinstance(config, (list, tuple)) and len(names) > 1:
        if argument == "metrics" and not any(isinstance(c, (list, tuple, dict)) for c in config):
            return [list(config) for _ in names]
        if len(config) != len(names):
            raise ValueError(
                f"For a model with multiple outputs, when providing the `{argument}` argument as a "
                f"list, it should have as many entries as the model has outputs. Received:\n"
                f"{argument}={config}\nof length {len(config)} whereas the model has {len(names)} outputs."
            )
        return list(config)
    return [config for _ in names]


class CompileLoss:
    """The total loss of ``compile(loss=..., loss_weights=...)`` and per-output loss trackers."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.loss_config = loss
        self.loss_weights = loss_weights
        self.output_names = output_names
        self.built = False
        self.losses = []
        self.weights = []
        self.names = []
        self.trackers = []
        self.dict_outputs = False

    def build(self, y_true, y_pred):
        named = flatten_outputs(y_pred, self.output_names)
        self.names = [n for n, _ in named]
        self.dict_outputs = isinstance(y_pred, dict)
        configs = _match_config(self.loss_config, self.names, "loss")
        self.losses = [None if c is None else _as_loss(losses_module.get(c)) for c in configs]
        if all(loss is None for loss in self.losses):
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        weights = (
            _match_config(self.loss_weights, self.names, "loss_weights")
            if self.loss_weights is not None
            else [None] * len(self.names)
        )
        self.weights = [1.0 if w is None else float(w) for w in weights]
        if len(self.names) > 1:
            self.trackers = [
                metrics_module.Mean(name=f"{name}_loss") if loss is not None else None
                for name, loss in zip(self.names, self.losses)
            ]
        self.built = True

    @property
    def metrics(self):
        """The per-output loss trackers: in the order of the ``loss`` dict for dict outputs
        (as Keras walks it), else in the order of the outputs."""
        order = list(range(len(self.names)))
        if self.dict_outputs and isinstance(self.loss_config, dict):
            position = {name: i for i, name in enumerate(self.loss_config)}
            order.sort(key=lambda i: position.get(self.names[i], len(position)))
        return [self.trackers[i] for i in order if self.trackers and self.trackers[i] is not None]

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        named = flatten_outputs(y_pred, self.output_names)
        needed = [n for n, loss in zip(self.names, self.losses) if loss is not None]
        targets = match_targets(y_true, named, needed=needed)
        weights = (
            match_targets(sample_weight, named, "sample_weight", needed=[])
            if isinstance(sample_weight, (dict, list, tuple))
            else [sample_weight] * len(named)
        )
        total = 0.0
        for index, ((_, prediction), target, weight) in enumerate(zip(named, targets, weights)):
            loss_fn = self.losses[index]
            if loss_fn is None:
                continue
            value = loss_fn(target, prediction, sample_weight=weight)
            if self.trackers:
                self.trackers[index].update_state(value, sample_weight=_batch_size(prediction))
            total = total + self.weights[index] * value
        return total


def _as_loss(loss):
    """A `Loss`; a plain function (per-sample values) is reduced as Keras's wrapper does."""
    return loss if isinstance(loss, losses_module.Loss) else losses_module.LossFunctionWrapper(loss)


def _spec(value):
    return jax.ShapeDtypeStruct(
        np.shape(value), np.asarray(value).dtype if not hasattr(value, "dtype") else value.dtype
    )


def _batch_size(value):
    return jnp.shape(value)[0] if jnp.ndim(value) else 1


_ACCURACY = ("accuracy", "acc")
_CROSSENTROPY = ("crossentropy", "ce")


def resolve_metric(identifier, y_true, y_pred):
    """A metric object for ``identifier``; ``"accuracy"`` picks binary/categorical/sparse by shapes."""
    if isinstance(identifier, str) and identifier in _ACCURACY + _CROSSENTROPY:
        true_shape, pred_shape = np.shape(y_true), tuple(y_pred.shape)
        binary = pred_shape[-1:] == (1,)
        sparse = len(true_shape) < len(pred_shape) or (
            len(true_shape) == len(pred_shape) and true_shape[-1:] == (1,) and not binary
        )
        if identifier in _ACCURACY:
            cls = (
                metrics_module.BinaryAccuracy
                if binary
                else (
                    metrics_module.SparseCategoricalAccuracy
                    if sparse
                    else metrics_module.CategoricalAccuracy
                )
            )
        else:
            cls = (
                metrics_module.BinaryCrossentropy
                if binary
                else (
                    metrics_module.SparseCategoricalCrossentropy
                    if sparse
                    else metrics_module.CategoricalCrossentropy
                )
            )
        return cls(name=identifier)
    metric = metrics_module.get(identifier)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(metric, name=getattr(metric, "__name__", None))
    if isinstance(identifier, str):
        metric.name = (
            identifier  # Keras logs a metric under the string the user wrote ("mae", "AUC")
        )
    return metric


class CompileMetrics(metrics_module.Metric):
    """``compile(metrics=..., weighted_metrics=...)`` resolved per output on the first batch.

    One entry of `Model.metrics`, named ``compile_metrics``, as in Keras: its variables are
    those of the metrics it holds and its result is a dict of their results."""

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        super().__init__(name="compile_metrics")
        self.metrics_config = metrics
        self.weighted_config = weighted_metrics
        self.output_names = output_names
        self.built = False
        self.per_output = []  # [(output index, metric, weighted)]
        self.base_names = []  # each metric's name without its output prefix

    def build(self, y_true, y_pred):
        named = flatten_outputs(y_pred, self.output_names)
        names = [n for n, _ in named]
        configured = [
            (
                config,
                weighted,
                _match_config(config, names, "weighted_metrics" if weighted else "metrics"),
            )
            for config, weighted in ((self.metrics_config, False), (self.weighted_config, True))
            if config
        ]
        needed = [
            names[i] for _, _, entries in configured for i, entry in enumerate(entries) if entry
        ]
        targets = match_targets(y_true, named, needed=needed)
        prefix = len(names) > 1
        self.per_output = []
        for _, weighted, entries in configured:
            for index, entry in enumerate(entries):
                if entry is None:
                    continue
                for identifier in entry if isinstance(entry, (list, tuple)) else [entry]:
                    metric = resolve_metric(identifier, targets[index], named[index][1])
                    # Metrics sized by their first batch (F1Score, AUC multi-label) get their
                    # variables now, before the state of the jitted step is gathered.
                    metric.symbolic_build(_spec(targets[index]), named[index][1])
                    self.base_names.append(metric.name)
                    if prefix:
                        metric.name = f"{names[index]}_{metric.name}"
                    self.per_output.append((index, metric, weighted))
        self.built = True

    @property
    def configured(self):
        """Whether `compile` was given any metrics (Keras lists this object only then)."""
        return bool(self.metrics_config or self.weighted_config)

    @property
    def metrics(self):
        return [metric for _, metric, _ in self.per_output]

    @property
    def variables(self):
        return [v for metric in self.metrics for v in metric.variables]

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        named = flatten_outputs(y_pred, self.output_names)
        needed = [named[index][0] for index, _, _ in self.per_output]
        targets = match_targets(y_true, named, needed=needed)
        weights = (
            match_targets(sample_weight, named, "sample_weight", needed=[])
            if isinstance(sample_weight, (dict, list, tuple))
            else [sample_weight] * len(named)
        )
        for index, metric, weighted in self.per_output:
            metric.update_state(
                targets[index], named[index][1], sample_weight=weights[index] if weighted else None
            )

    def result(self):
        return {metric.name: metric.result() for metric in self.metrics}
