"""`keras.config`: global settings (float type, epsilon, image layout, dtype policy)."""

from kerasish.backend.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from kerasish.dtype_policies import dtype_policy, set_dtype_policy
from kerasish.saving.safe_mode import enable_unsafe_deserialization

__all__ = [
    "backend",
    "dtype_policy",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]
