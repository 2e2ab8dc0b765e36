"""Records Keras 3's `timeseries_dataset_from_array` windows (it needs TensorFlow) as
golden/timeseries_keras.json: ``/work/tfenv/bin/python make_timeseries_golden.py OUT.json``."""

import json
import sys

import keras
import numpy as np

data = np.arange(100).reshape(50, 2).astype("float32")
targets = np.arange(50)
out = {}
for name, kw in {
    "plain": dict(sequence_length=5),
    "rate": dict(sequence_length=4, sampling_rate=3, sequence_stride=2, batch_size=7),
    "range": dict(sequence_length=3, start_index=10, end_index=40, batch_size=5),
    "shuffle": dict(sequence_length=3, shuffle=True, seed=3, batch_size=100),
}.items():
    ds = keras.utils.timeseries_dataset_from_array(data, targets, **kw)
    out[name] = [(np.asarray(x).tolist(), np.asarray(y).tolist()) for x, y in ds]
json.dump(out, open(sys.argv[1], "w"))
