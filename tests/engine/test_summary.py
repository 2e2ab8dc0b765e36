import keras as reference
import numpy as np

import kerasish as keras
from kerasish import layers


def _lines(model):
    texts = []
    model.summary(print_fn=texts.append)  # one call with the whole table, as Keras
    assert len(texts) == 1
    return texts[0].splitlines()


def test_summary_table_counts_and_rows_match_keras():
    x = keras.Input((4,), name="inp")
    model = keras.Model(x, layers.Dense(2, name="b")(layers.Dense(3, name="a")(x)), name="net")
    lines = _lines(model)
    assert lines[0] == 'Model: "net"'
    text = "\n".join(lines)
    for row in ("inp (InputLayer)", "a (Dense)", "b (Dense)", "(None, 3)", "(None, 2)"):
        assert row in text
    assert " Total params: 23 (92.00 B)" in lines
    assert " Trainable params: 23 (92.00 B)" in lines
    assert " Non-trainable params: 0 (0.00 B)" in lines
    assert lines[1].startswith("┏") and lines[-4].startswith("└")


def test_summary_totals_equal_keras_for_frozen_layers():
    ours = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(4)])
    theirs = reference.Sequential(
        [reference.Input((8,)), reference.layers.Dense(16), reference.layers.Dense(4)]
    )
    ours.layers[0].trainable = False
    theirs.layers[0].trainable = False
    their_lines = []
    theirs.summary(print_fn=lambda text, **_: their_lines.extend(text.splitlines()))
    our_lines = _lines(ours)
    for prefix in (" Total params", " Trainable params", " Non-trainable params"):
        ours_line = next(layer for layer in our_lines if layer.startswith(prefix))
        theirs_line = next(
            layer for layer in their_lines if layer.strip().startswith(prefix.strip())
        )
        assert ours_line.strip() == theirs_line.strip()


def test_summary_of_branching_model_shows_connections():
    a = keras.Input((3,), name="left")
    b = keras.Input((3,), name="right")
    model = keras.Model([a, b], layers.Dense(1, name="out")(keras.ops.concatenate([a, b])))
    text = "\n".join(_lines(model))
    assert "Connected to" in text
    assert "left[0][0]" in text


def test_summary_of_unbuilt_subclassed_model():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    net = Net()
    text = "\n".join(_lines(net))
    assert "0 (unbuilt)" in text
    net(np.ones((1, 2), "float32"))
    assert " Total params: 9 (36.00 B)" in _lines(net)


def test_summary_text_equals_keras():
    """The same table, character for character, as Keras 3 at the same line length."""
    import io
    from contextlib import redirect_stdout

    def text(lib, build):
        model = build(lib)
        printed = []
        model.summary(line_length=76, print_fn=lambda t, **_: printed.append(t))
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            model.summary(line_length=76)
        return printed[0], buffer.getvalue()

    def sequential(lib):
        return lib.Sequential(
            [lib.Input((8,)), lib.layers.Dense(4, name="d1"), lib.layers.Dense(1, name="d2")],
            name="s",
        )

    def functional(lib):
        x = lib.Input((8,), name="in")
        added = lib.layers.Add(name="add")(
            [lib.layers.Dense(4, name="a")(x), lib.layers.Dense(4, name="b")(x)]
        )
        return lib.Model(x, added, name="f")

    for build in (sequential, functional):
        assert text(keras, build) == text(reference, build)
