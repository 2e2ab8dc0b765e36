"""fit/evaluate/predict under DataParallel (8 devices) and ModelParallel (2x4 mesh) equal
single-device training; weights and optimizer slots keep the layouts the LayoutMap gives.

Runs `mesh_scenarios.py` once in a subprocess with 8 fake CPU devices (jax fixes the device
count at first use, and this test process already has one device).
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(__file__)


@pytest.fixture(scope="module")
def results():
    environment = dict(
        os.environ,
        XLA_FLAGS="--xla_force_host_platform_device_count=8",
        KERAS_BACKEND="jax",
        PYTHONPATH=os.path.dirname(os.path.dirname(HERE)),
    )
    completed = subprocess.run(
        [sys.executable, os.path.join(HERE, "mesh_scenarios.py")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _trimmed(spec):
    """A PartitionSpec's axes without trailing Nones (jax drops them)."""
    spec = list(spec)
    while spec and spec[-1] is None:
        spec.pop()
    return spec


def test_runs_on_eight_devices(results):
    assert results["device_count"] == 8


@pytest.mark.parametrize("model", ["mlp", "transformer"])
@pytest.mark.parametrize("distribution", ["data_parallel", "model_parallel"])
def test_training_equals_single_device(results, model, distribution):
    run, reference = results[f"{model}/{distribution}"], results[f"{model}/reference"]
    np.testing.assert_allclose(run["loss"], reference["loss"], rtol=1e-5)
    np.testing.assert_allclose(run["mae"], reference["mae"], rtol=1e-5)
    np.testing.assert_allclose(run["evaluate"], reference["evaluate"], rtol=1e-5)
    np.testing.assert_allclose(run["predict"], reference["predict"], rtol=1e-4, atol=1e-5)
    # Adam turns float noise in a zero gradient (MultiHeadAttention's key bias: softmax does
    # not see it) into steps of ~lr, so weights are compared at a lr-relative tolerance.
    for ours, theirs in zip(run["weights"], reference["weights"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=2e-4)


def test_steps_per_execution_under_data_parallel(results):
    np.testing.assert_allclose(
        results["mlp/data_parallel_spe2"]["loss"], results["mlp/reference"]["loss"], rtol=1e-5
    )


def test_data_parallel_replicates_every_weight(results):
    specs = results["transformer/data_parallel"]["specs"]
    assert all(_trimmed(spec) == [] for spec in specs.values())


EXPECTED_MODEL_PARALLEL = {
    "mlp": {
        "hidden/kernel": [None, "model"],
        "hidden/bias": ["model"],
        "head/kernel": ["model"],
        "head/bias": [],
    },
    "transformer": {
        "mha/query/kernel": [None, "model"],
        "mha/key/kernel": [None, "model"],
        "mha/value/kernel": [None, "model"],
        "mha/attention_output/kernel": ["model"],
        "mha/query/bias": [],
        "norm1/gamma": [],
        "ffn_in/kernel": [None, "model"],
        "ffn_in/bias": [],
        "ffn_out/kernel": ["model"],
        "head/kernel": ["model"],
    },
}


@pytest.mark.parametrize("model", ["mlp", "transformer"])
def test_model_parallel_weights_and_slots_follow_the_layout_map(results, model):
    run = results[f"{model}/model_parallel"]
    for path, expected in EXPECTED_MODEL_PARALLEL[model].items():
        assert _trimmed(run["specs"][path]) == expected, path
        slot_prefix = path.replace("/", "_")
        slots = {
            k: v for k, v in run["slot_specs"].items() if k.endswith(slot_prefix + "_momentum")
        }
        assert slots, f"no momentum slot found for {path}"
        assert all(_trimmed(spec) == expected for spec in slots.values()), slots


def test_unmatched_large_weight_is_an_error(results):
    message = results["unmatched_error"]
    assert message is not None
    assert "hidden/kernel" in message and "matches no rule of the LayoutMap" in message
    assert "max_unmatched_bytes=1,024" in message


def test_export_of_a_model_parallel_model_runs_on_one_device(results):
    assert results["export_max_diff"] < 1e-5
    # The manifest says which weights were gathered from shards into whole arrays.
    assert any("hidden/kernel" in key for key in results["export_gathered"])
    assert not any("head/bias" in key for key in results["export_gathered"])
