"""Shared inputs for the loss tests: one `Case` per loss configuration, and the comparison
of a kerasish computation with the same computation in Keras 3."""

import dataclasses

import jax
import keras
import numpy as np
from keras.src.backend import set_keras_mask as keras_set_mask

import kerasish.losses as losses
from kerasish.engine.masking import set_keras_mask

# Shared dimensions let the eager ops of different cases reuse their compiled kernels.
BATCH, STEPS, FEATURES, CLASSES = 4, 3, 5, 5
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None, "none")
RTOL, ATOL = 1e-5, 1e-6


def _normal(rng, *shape):
    return rng.standard_normal(shape).astype("float32")


def _uniform(rng, *shape, low=0.0, high=1.0):
    return rng.uniform(low, high, shape).astype("float32")


def _binary(rng, *shape):
    return rng.integers(0, 2, shape).astype("float32")


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype("float32")


def _one_hot(rng, *shape):
    return np.eye(shape[-1], dtype="float32")[rng.integers(0, shape[-1], shape[:-1])]


def regression(rng):
    return _normal(rng, BATCH, STEPS, FEATURES), _normal(rng, BATCH, STEPS, FEATURES)


def positive(rng):
    return _uniform(rng, BATCH, STEPS, FEATURES, high=3.0), _uniform(
        rng, BATCH, STEPS, FEATURES, low=0.1, high=3.0
    )


def binary_labels(rng):
    return _binary(rng, BATCH, STEPS, FEATURES), _normal(rng, BATCH, STEPS, FEATURES)


def signed_labels(rng):
    return 2 * _binary(rng, BATCH, FEATURES) - 1, _normal(rng, BATCH, FEATURES)


def probabilities(rng):
    return _binary(rng, BATCH, STEPS, FEATURES), _uniform(rng, BATCH, STEPS, FEATURES)


def distributions(rng):
    return _softmax(_normal(rng, BATCH, STEPS, CLASSES)), _softmax(
        _normal(rng, BATCH, STEPS, CLASSES)
    )


def one_hot_probabilities(rng):
    return _one_hot(rng, BATCH, STEPS, CLASSES), _softmax(_normal(rng, BATCH, STEPS, CLASSES))


def one_hot_logits(rng):
    return _one_hot(rng, BATCH, STEPS, CLASSES), _normal(rng, BATCH, STEPS, CLASSES)


def class_ids(rng):
    return rng.integers(0, CLASSES, (BATCH, STEPS)).astype("int32"), _normal(
        rng, BATCH, STEPS, CLASSES
    )


def class_ids_with_void(rng):
    labels = rng.integers(0, CLASSES, (BATCH, STEPS)).astype("int32")
    labels[0, 0] = labels[2, 1] = -1
    return labels, _softmax(_normal(rng, BATCH, STEPS, CLASSES))


def class_ids_per_sample(rng):
    return rng.integers(0, CLASSES, (BATCH, 1)).astype("int32"), _softmax(
        _normal(rng, BATCH, CLASSES)
    )


def segmentation_masks(rng):
    return _binary(rng, BATCH, STEPS, FEATURES, 1), _uniform(rng, BATCH, STEPS, FEATURES, 1)


def embeddings(rng):
    vectors = _normal(rng, BATCH * 2, FEATURES)
    vectors /= np.linalg.norm(vectors, axis=-1, keepdims=True)
    return rng.integers(0, 3, (BATCH * 2,)).astype("int32"), vectors


def label_sequences(rng):
    labels = rng.integers(1, CLASSES, (BATCH, STEPS)).astype("int32")
    labels[1, 2:] = 0
    labels[3, 1:] = 0
    return labels, _normal(rng, BATCH, STEPS + 4, CLASSES)


@dataclasses.dataclass(frozen=True)
class Case:
    """A loss class with init arguments, its function form with matching arguments, and the
    inputs it is fed."""

    class_name: str
    function_name: str
    inputs: object
    init_kwargs: dict = dataclasses.field(default_factory=dict)
    function_kwargs: dict = dataclasses.field(default_factory=dict)

    @property
    def id(self):
        arguments = ",".join(f"{key}={value}" for key, value in self.init_kwargs.items())
        return f"{self.class_name}({arguments})-{self.inputs.__name__}"

    def arrays(self, seed=0):
        return self.inputs(np.random.default_rng(seed))


CASES = [
    Case("MeanSquaredError", "mean_squared_error", regression),
    Case("MeanAbsoluteError", "mean_absolute_error", regression),
    Case("MeanAbsolutePercentageError", "mean_absolute_percentage_error", regression),
    Case("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", regression),
    Case("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", positive),
    Case("CosineSimilarity", "cosine_similarity", regression),
    Case("CosineSimilarity", "cosine_similarity", regression, {"axis": 1}, {"axis": 1}),
    Case("Huber", "huber", regression),
    Case("Huber", "huber", regression, {"delta": 0.5}, {"delta": 0.5}),
    Case("LogCosh", "log_cosh", regression),
    Case("Hinge", "hinge", binary_labels),
    Case("Hinge", "hinge", signed_labels),
    Case("SquaredHinge", "squared_hinge", binary_labels),
    Case("SquaredHinge", "squared_hinge", signed_labels),
    Case("CategoricalHinge", "categorical_hinge", one_hot_logits),
    Case("KLDivergence", "kl_divergence", distributions),
    Case("Poisson", "poisson", positive),
    Case("BinaryCrossentropy", "binary_crossentropy", probabilities),
    Case(
        "BinaryCrossentropy",
        "binary_crossentropy",
        binary_labels,
        {"from_logits": True, "label_smoothing": 0.2},
        {"from_logits": True, "label_smoothing": 0.2},
    ),
    Case("BinaryCrossentropy", "binary_crossentropy", probabilities, {"axis": 1}, {"axis": 1}),
    Case("BinaryFocalCrossentropy", "binary_focal_crossentropy", probabilities),
    Case(
        "BinaryFocalCrossentropy",
        "binary_focal_crossentropy",
        binary_labels,
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0, "from_logits": True},
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0, "from_logits": True},
    ),
    Case(
        "BinaryFocalCrossentropy",
        "binary_focal_crossentropy",
        probabilities,
        {"label_smoothing": 0.1, "axis": 1},
        {"label_smoothing": 0.1, "axis": 1},
    ),
    Case("CategoricalCrossentropy", "categorical_crossentropy", one_hot_probabilities),
    Case(
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        one_hot_logits,
        {"from_logits": True, "label_smoothing": 0.1},
        {"from_logits": True, "label_smoothing": 0.1},
    ),
    Case(
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        one_hot_probabilities,
        {"axis": 1},
        {"axis": 1},
    ),
    Case("CategoricalFocalCrossentropy", "categorical_focal_crossentropy", one_hot_probabilities),
    Case(
        "CategoricalFocalCrossentropy",
        "categorical_focal_crossentropy",
        one_hot_logits,
        {"alpha": [0.1, 0.2, 0.3, 0.4, 0.5], "gamma": 1.5, "from_logits": True},
        {"alpha": [0.1, 0.2, 0.3, 0.4, 0.5], "gamma": 1.5, "from_logits": True},
    ),
    Case(
        "CategoricalFocalCrossentropy",
        "categorical_focal_crossentropy",
        one_hot_probabilities,
        {"label_smoothing": 0.2},
        {"label_smoothing": 0.2},
    ),
    Case(
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        class_ids,
        {"from_logits": True},
        {"from_logits": True},
    ),
    Case(
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        class_ids_with_void,
        {"ignore_class": -1},
        {"ignore_class": -1},
    ),
    Case(
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        class_ids_per_sample,
    ),
    Case(
        "CategoricalGeneralizedCrossEntropy",
        "categorical_generalized_cross_entropy",
        class_ids_per_sample,
        {"q": 0.3},
        {"q": 0.3},
    ),
    Case("Dice", "dice", segmentation_masks),
    Case("Dice", "dice", segmentation_masks, {"axis": (1, 2, 3)}, {"axis": (1, 2, 3)}),
    Case("Tversky", "tversky", segmentation_masks),
    Case(
        "Tversky",
        "tversky",
        segmentation_masks,
        {"alpha": 0.3, "beta": 0.7, "axis": (1, 2)},
        {"alpha": 0.3, "beta": 0.7, "axis": (1, 2)},
    ),
    Case("Circle", "circle", embeddings),
    Case(
        "Circle",
        "circle",
        embeddings,
        {"gamma": 20.0, "margin": 0.25, "remove_diagonal": False},
        {"gamma": 20.0, "margin": 0.25, "remove_diagonal": False},
    ),
    Case("CTC", "ctc", label_sequences),
]


def pick(class_name, inputs=None, **init_kwargs):
    """The first case of ``class_name`` with exactly ``init_kwargs`` (and ``inputs``)."""
    for case in CASES:
        if (
            case.class_name == class_name
            and case.init_kwargs == init_kwargs
            and inputs in (None, case.inputs)
        ):
            return case
    raise LookupError(class_name)


WEIGHTINGS = ("none", "scalar", "per_sample", "per_sample_column", "per_element")


def case_id(case):
    return case.id


def losses_shape(case, y_true, y_pred):
    """The shape of the case's per-sample losses (Keras's, unreduced; traced, not run)."""
    loss = getattr(keras.losses, case.class_name)(**case.init_kwargs, reduction=None)
    return jax.eval_shape(loss, y_true, y_pred).shape


def sample_weight_for(weighting, losses_shape, rng):
    """Random weights of the shape a ``weighting`` (one of `WEIGHTINGS`) names, or None."""
    batch = losses_shape[:1] if losses_shape else (1,)
    shapes = {
        "none": None,
        "scalar": (),
        "per_sample": batch,
        "per_sample_column": (*batch, 1),
        "per_element": losses_shape,
    }
    shape = shapes[weighting]
    return None if shape is None else rng.uniform(0.0, 2.0, shape).astype("float32")


def mask_like(losses_shape, y_pred, rng):
    """A random mask over the losses (over ``y_pred`` without its last axis for a scalar loss)."""
    shape = losses_shape or np.shape(y_pred)[:-1]
    mask = rng.uniform(size=shape) > 0.4
    mask.flat[0] = True
    return mask


def both_losses(case, **extra_kwargs):
    """The case's loss instance in kerasish and in Keras."""
    kwargs = {**case.init_kwargs, **extra_kwargs}
    return getattr(losses, case.class_name)(**kwargs), getattr(keras.losses, case.class_name)(
        **kwargs
    )


def with_mask(y_pred, mask, ours):
    """``y_pred`` as a fresh array carrying ``mask``, set the library's own way."""
    if ours:
        import jax.numpy as jnp

        y_pred = jnp.array(y_pred)
        set_keras_mask(y_pred, mask)
    else:
        y_pred = keras.ops.convert_to_tensor(np.array(y_pred))
        keras_set_mask(y_pred, mask)
    return y_pred


def assert_close(ours, theirs, rtol=RTOL, atol=ATOL):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def outcome(function):
    """``("value", array)`` or ``("error", exception)``."""
    try:
        return "value", np.asarray(function())
    except (ValueError, TypeError) as error:
        return "error", error


def assert_same_outcome(ours, theirs, rtol=RTOL, atol=ATOL):
    """Both raise (ours a ValueError naming the shapes where Keras's JAX broadcasting raises
    a TypeError), or both give the same values and shape."""
    (our_kind, our_value), (their_kind, their_value) = outcome(ours), outcome(theirs)
    assert our_kind == their_kind, f"kerasish: {our_value!r}; keras: {their_value!r}"
    if our_kind == "value":
        assert_close(our_value, their_value, rtol=rtol, atol=atol)
