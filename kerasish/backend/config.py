"""Global numeric settings, as `keras.config` exposes them."""

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")


def backend():
    """The name of the compute backend; kerasish always runs on JAX."""
    return "jax"


def floatx():
    """The default float dtype name, `"float32"` unless changed with `set_floatx`."""
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in _FLOAT_TYPES:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {set(_FLOAT_TYPES)}")
    _FLOATX = str(value)


def epsilon():
    """The fuzz factor used in numeric expressions (default 1e-7)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = value


def image_data_format():
    """`"channels_last"` (default) or `"channels_first"`."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    _IMAGE_DATA_FORMAT = standardize_data_format(data_format)


def standardize_data_format(data_format):
    if data_format is None:
        return image_data_format()
    data_format = str(data_format).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return data_format


# -- debugging caps on `fit`, also read from KERAS_MAX_EPOCHS / KERAS_MAX_STEPS_PER_EPOCH ----
def _int_from_environment(name):
    import os

    return int(os.environ[name]) if name in os.environ else None


_MAX_EPOCHS = _int_from_environment("KERAS_MAX_EPOCHS")
_MAX_STEPS_PER_EPOCH = _int_from_environment("KERAS_MAX_STEPS_PER_EPOCH")


def set_max_epochs(max_epochs):
    """Caps the epochs of every `fit` (None: no cap), for quick debugging runs."""
    global _MAX_EPOCHS
    _MAX_EPOCHS = max_epochs


def max_epochs():
    return _MAX_EPOCHS


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Caps the steps of every epoch (None: no cap), for quick debugging runs."""
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = max_steps_per_epoch


def max_steps_per_epoch():
    return _MAX_STEPS_PER_EPOCH


# -- flash attention: None (the default) lets each layer decide, False turns it off --------
_FLASH_ATTENTION = None


def enable_flash_attention():
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = None


def disable_flash_attention():
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = False


def is_flash_attention_enabled():
    """``None`` (layers may use it where it applies) unless `disable_flash_attention` ran."""
    return _FLASH_ATTENTION


def is_nnx_enabled():
    """Keras's NNX variable mode; kerasish variables are its own, so always False."""
    return False


def set_backend(backend_name):
    """kerasish runs on JAX only: ``"jax"`` is accepted, anything else is an error."""
    if backend_name != "jax":
        raise ValueError(
            f"kerasish runs on JAX only; it cannot switch to backend '{backend_name}'. "
            "Use Keras 3 itself for other backends."
        )
