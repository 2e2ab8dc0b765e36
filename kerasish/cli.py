"""The ``kerasish`` command line (also ``python -m kerasish``).

kerasish serve PATH --port 8501 [--model-name NAME] [--config serving.toml]
kerasish info PATH
"""

import argparse
import json
import os
import sys
import tomllib


def _job_config(args):
    from kerasish.jobs import JOBS
    from kerasish.jobs.config import ConfigError, load

    try:
        with open(args.config, "rb") as file:
            job_name = tomllib.load(file).get("job", "retail")
        if job_name not in JOBS:
            raise ConfigError(f"{args.config}: unknown job '{job_name}'; known: {sorted(JOBS)}.")
        job = JOBS[job_name]
        return job, load(args.config, job.DEFAULTS, args.set or ())
    except (ConfigError, OSError, tomllib.TOMLDecodeError) as error:
        raise SystemExit(f"kerasish {args.command}: {error}") from None


def _model_path(config):
    return os.path.join(config["output_dir"], "model.keras")


def _load_trained(job, config, command):
    from kerasish.models import load_model

    path = _model_path(config)
    if not os.path.exists(path):
        raise SystemExit(f"kerasish {command}: no trained model at {path}; run `kerasish train`.")
    return load_model(path)


def _train(args):
    job, config = _job_config(args)
    model, _, history = job.train(config)
    os.makedirs(config["output_dir"], exist_ok=True)
    model.save(_model_path(config))
    with open(os.path.join(config["output_dir"], "history.json"), "w") as file:
        json.dump(history.history, file, indent=2)
    print(f"Saved {_model_path(config)}")


def _evaluate(args):
    job, config = _job_config(args)
    model = _load_trained(job, config, "evaluate")
    results = job.evaluate(model, job.load_data(config), ks=tuple(config["evaluate"]["ks"]))
    ks = config["evaluate"]["ks"]
    print(f"{'':14}" + "".join(f"{f'recall@{k}':>11}" for k in ks))
    for name, recall in results.items():
        print(f"{name:14}" + "".join(f"{recall[k]:11.3f}" for k in ks))


def _export(args):
    job, config = _job_config(args)
    model = _load_trained(job, config, "export")
    export = config["export"]
    path = os.path.join(config["output_dir"], "export", str(export["version"]))
    job.export(model, job.load_data(config), path, k=export["k"], platforms=export["platforms"])
    print(f"Exported {path}")


def _predict(args):
    from kerasish.export.loader import ArtifactError, load
    from kerasish.serving import codec

    try:
        artifact = load(args.path)
        with open(args.input, "rb") as file:
            request = codec.parse_body(file.read())
        if args.signature:
            request["signature_name"] = args.signature
        name, columns, rows = codec.parse_predict(request, artifact.signatures)
        outputs = artifact.signatures[name](columns)
    except (ArtifactError, OSError, ValueError) as error:
        raise SystemExit(f"kerasish predict: {error}") from None
    print(codec.dumps(codec.predict_response(outputs, rows)))


def _serve(args):
    import uvicorn

    from kerasish.serving import ModelConfig, ModelServer, ServedModel, read_config

    options = {}
    if args.config:
        options, configs = read_config(args.config)
    elif args.path:
        base = os.path.abspath(args.path)
        name = args.model_name or os.path.basename(base.rstrip(os.sep))
        configs = [ModelConfig(name, base)]
    else:
        raise SystemExit("kerasish serve: give a model base PATH or --config FILE.")
    for key in ("host", "port", "max_batch_size", "batch_timeout_ms", "max_body_bytes"):
        value = getattr(args, key)
        if value is not None:
            options[key] = value
    server = ModelServer(
        [ServedModel(config) for config in configs],
        max_batch_size=options.get("max_batch_size", 64),
        batch_timeout_ms=options.get("batch_timeout_ms", 0.0),
        max_body_bytes=options.get("max_body_bytes", 16 * 1024 * 1024),
    )
    if not args.no_warmup:
        server.warm_up()
    for model in server.models.values():
        print(f"Serving '{model.name}' versions {sorted(model.versions)}", flush=True)
    uvicorn.run(
        server.app,
        host=options.get("host", "127.0.0.1"),
        port=options.get("port", 8501),
        log_level=args.log_level,
        timeout_graceful_shutdown=30,
    )


def _info(args):
    from kerasish.export.loader import ArtifactError, read_manifest

    if _is_checkpoint_directory(args.path):
        _checkpoint_info(args)
        return
    try:
        manifest = read_manifest(args.path)
    except ArtifactError as error:
        raise SystemExit(f"kerasish info: {error}") from None
    size = sum(
        os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(args.path) for f in files
    )
    if args.json:
        print(json.dumps({**manifest, "size_bytes": size}, indent=2))
        return
    print(f"artifact: {args.path} ({size / 1e6:.2f} MB)")
    print(f"format:   {manifest['format']} v{manifest['format_version']}")
    print(f"jax:      {manifest['jax_version']}  platforms: {', '.join(manifest['platforms'])}")
    leaves = manifest["params"]["leaves"]
    count = sum(_prod(leaf["shape"]) for leaf in leaves.values())
    print(f"params:   {len(leaves)} arrays, {count:,} values")
    for name, signature in manifest["signatures"].items():
        print(f"signature {name}:")
        for kind in ("inputs", "outputs"):
            for key, spec in signature[kind].items():
                shape = tuple(spec["shape"])
                print(f"  {kind[:-1]:6} {key}: {spec['dtype']} {shape}")


def _is_checkpoint_directory(path):
    """A `Checkpointer` directory: numbered step folders and no artifact manifest."""
    from kerasish.export.loader import MANIFEST_FILE

    return (
        os.path.isdir(path)
        and not os.path.exists(os.path.join(path, MANIFEST_FILE))
        and any(name.isdigit() for name in os.listdir(path))
    )


def _checkpoint_info(args):
    from kerasish.saving.checkpointer import Checkpointer

    checkpointer = Checkpointer(args.path)
    steps = checkpointer.all_steps()
    if not steps:
        raise SystemExit(f"kerasish info: no complete checkpoint step in {args.path}")
    arrays = checkpointer.read_arrays(steps[-1])
    size = sum(
        os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(args.path) for f in files
    )
    if args.json:
        print(json.dumps({"steps": steps, "arrays": arrays, "size_bytes": size}, indent=2))
        return
    count = sum(_prod(record["shape"]) for record in arrays.values())
    print(f"checkpoint: {args.path} ({size / 1e6:.2f} MB)")
    print(f"steps:      {steps} (latest {steps[-1]})")
    print(f"arrays:     {len(arrays)} in the latest step, {count:,} values")
    for record in arrays.values():
        print(f"  {record['path']}: {record['dtype']} {tuple(record['shape'])}")


def _prod(shape):
    result = 1
    for dim in shape:
        result *= dim
    return result


def build_parser():
    parser = argparse.ArgumentParser(prog="kerasish", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    for name, run, text in (
        ("train", _train, "train the job a TOML config describes and save the model"),
        ("evaluate", _evaluate, "evaluate the trained model of a config"),
        ("export", _export, "export the trained model of a config as an artifact"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("config", help="TOML run config, e.g. configs/retail.toml")
        command.add_argument(
            "--set", action="append", metavar="KEY=VALUE", help="override a config key"
        )
        command.set_defaults(run=run)

    predict = commands.add_parser("predict", help="run an artifact on a JSON request file")
    predict.add_argument("path", help="artifact directory")
    predict.add_argument("--input", required=True, help="TF Serving request body (JSON)")
    predict.add_argument("--signature", help="signature name (default: serving_default)")
    predict.set_defaults(run=_predict)

    serve = commands.add_parser("serve", help="serve artifacts over TF Serving's REST API")
    serve.add_argument("path", nargs="?", help="model base path (<base>/<version>/) or artifact")
    serve.add_argument("--config", help="TOML file listing models and server options")
    serve.add_argument("--model-name", help="model name (default: the base directory's name)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--max-batch-size", type=int, default=None)
    serve.add_argument("--batch-timeout-ms", type=float, default=None)
    serve.add_argument("--max-body-bytes", type=int, default=None)
    serve.add_argument("--no-warmup", action="store_true", help="skip compiling batch buckets")
    serve.add_argument("--log-level", default="warning")
    serve.set_defaults(run=_serve)

    info = commands.add_parser("info", help="print an artifact's signatures and platforms")
    info.add_argument("path")
    info.add_argument("--json", action="store_true", help="print the manifest as JSON")
    info.set_defaults(run=_info)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    args.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
