"""The ``kerasish`` command line (also ``python -m kerasish``).

kerasish serve PATH --port 8501 [--model-name NAME] [--config serving.toml]
kerasish info PATH
"""

import argparse
import json
import os
import sys


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


def _prod(shape):
    result = 1
    for dim in shape:
        result *= dim
    return result


def build_parser():
    parser = argparse.ArgumentParser(prog="kerasish", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

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
