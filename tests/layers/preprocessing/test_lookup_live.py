"""The lookup-layer cases run live on Keras 3 and on kerasish, where TensorFlow is installed.

Keras's `StringLookup`, `IntegerLookup` and `TextVectorization` call TensorFlow ops (on any
Keras backend); kerasish has no TensorFlow dependency. Where TensorFlow is importable, these
tests run every case of `lookup_cases` on Keras (its JAX backend, as in the rest of the
suite) and replay it on kerasish; elsewhere they skip, and `test_lookup_golden.py` checks the
same cases against the outputs recorded from Keras.
"""

import keras
import pytest
from lookup_cases import CASE_SETS
from lookup_replay import check_case, record_case

from kerasish import layers

pytest.importorskip(
    "tensorflow",
    reason="Keras's lookup and text layers need TensorFlow, which is not installed here "
    "(test_lookup_golden.py checks the same cases against recorded Keras outputs)",
)

_STRINGS_TO_JAX = "string arrays can only be made from NumPy arrays"
CLASS_NAMES = {
    "lookup_string": "StringLookup",
    "lookup_integer": "IntegerLookup",
    "lookup_text_vectorization": "TextVectorization",
}
CASES = [
    (CLASS_NAMES[name], case_id, kwargs, steps)
    for name, build in CASE_SETS.items()
    for case_id, (kwargs, steps) in build().items()
]


@pytest.mark.parametrize(
    "class_name, case_id, kwargs, steps",
    CASES,
    ids=[f"{case[0]}-{case[1]}" for case in CASES],
)
def test_matches_keras_live(class_name, case_id, kwargs, steps):
    recorded = record_case(getattr(keras.layers, class_name), case_id, kwargs, steps)
    errors = [outcome["error"]["message"] for outcome in recorded["results"] if "error" in outcome]
    if any(_STRINGS_TO_JAX in message for message in errors):
        pytest.skip(
            "Keras cannot return strings on its JAX backend (StringLookup(invert=True) fails "
            "there); test_lookup_golden.py checks this case against the TensorFlow backend"
        )
    check_case(getattr(layers, class_name), recorded)
