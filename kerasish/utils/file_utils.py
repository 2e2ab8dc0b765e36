"""`keras.utils.get_file` for a library that never downloads.

`get_file` takes Keras's arguments and computes the same cache path
(``$KERAS_HOME`` or ``~/.keras``, then ``cache_subdir``, then ``fname``). A file found
there is verified against ``file_hash`` and returned; a missing one raises
`FileNotCachedError`, which names the origin and the path to put the file at.
"""

import hashlib
import os
import shutil
import tarfile
import urllib.parse
import warnings
import zipfile


class FileNotCachedError(RuntimeError):
    """`get_file` was asked for a file that is not in the cache (kerasish never downloads)."""


def keras_home():
    """``$KERAS_HOME`` when set, else ``~/.keras`` (read at call time)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    return os.path.join(os.path.expanduser("~"), ".keras")


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """The path of a cached copy of ``origin``, as `keras.utils.get_file` would return it.

    Nothing is fetched over the network: place the file at the path named in the error
    first. A cached archive is extracted locally when ``extract=True``.

    Arguments:
        fname: file name in the cache; defaults to the last component of ``origin``'s path.
        origin: the URL Keras would download from (used for the name and the error).
        untar: deprecated alias of ``extract=True, archive_format="tar"``.
        md5_hash: deprecated; md5 ``file_hash``.
        file_hash: expected sha256 (64 hex digits) or md5 hash of the cached file.
        cache_subdir: folder under the cache dir; an absolute path is used as it is.
        hash_algorithm: ``"auto"``, ``"sha256"`` or ``"md5"``.
        extract: extract the cached archive and return the extraction folder.
        archive_format: ``"auto"``, ``"tar"``, ``"zip"`` or None.
        cache_dir: cache root; defaults to ``$KERAS_HOME`` or ``~/.keras``.
        force_download: a fresh download cannot happen, so True raises `FileNotCachedError`.

    Returns:
        The path of the cached file, or of the extraction folder with ``extract=True``.

    Raises:
        FileNotCachedError: the file is not cached (or ``force_download=True``).
        ValueError: no ``origin``, a path as ``fname``, or a hash mismatch.

    Example:
    >>> get_file(  # doctest: +IGNORE_EXCEPTION_DETAIL
    ...     "mnist.npz", origin="https://example.com/mnist.npz", cache_dir="/nowhere"
    ... )
    Traceback (most recent call last):
    FileNotCachedError: kerasish never downloads files, and 'mnist.npz' is not in the cache ...
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if cache_dir is None:
        cache_dir = keras_home()
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash
        hash_algorithm = "md5"
    datadir = os.path.join(os.path.expanduser(os.fspath(cache_dir)), cache_subdir)

    provided_fname = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"Can't parse the file name from the origin provided: '{origin}'."
                "Please specify the `fname` argument."
            )
    elif os.sep in fname:
        raise ValueError(
            "Paths are no longer accepted as the `fname` argument. To specify the file's "
            f"parent directory, use the `cache_dir` argument. Received: fname={fname}"
        )

    extraction_dir = None
    if extract or untar:
        if provided_fname and "." in fname:
            download_target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[: fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            download_target = os.path.join(datadir, f"{fname}_archive")
    else:
        download_target = os.path.join(datadir, fname)

    if force_download:
        raise FileNotCachedError(
            f"`force_download=True` asks for a fresh download of {origin}, but kerasish never "
            f"downloads files. Place the file at {download_target} and call `get_file` "
            "without `force_download`."
        )
    if not os.path.exists(download_target):
        if extraction_dir is not None and os.path.isdir(extraction_dir):
            return extraction_dir
        raise FileNotCachedError(
            f"kerasish never downloads files, and '{fname}' is not in the cache: looked for "
            f"it at {download_target}. Download it yourself from {origin} and save it at "
            "that path (or pass `cache_dir=` pointing to a folder that holds "
            f"'{os.path.join(cache_subdir, os.path.basename(download_target))}')."
        )
    if file_hash is not None and not validate_file(download_target, file_hash, hash_algorithm):
        raise ValueError(
            f"A local file was found at {download_target}, but its {hash_algorithm} file hash "
            f"does not match the expected value {file_hash}. kerasish never downloads files: "
            f"replace it with a complete copy of {origin}."
        )
    if extraction_dir is not None:
        if untar:
            archive_format = "tar"
        if not extract_archive(download_target, extraction_dir, archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return download_target


def resolve_hasher(algorithm, file_hash=None):
    """A hashlib object: sha256 when asked or when ``file_hash`` is 64 characters, else md5."""
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "auto" and file_hash is not None and len(file_hash) == 64:
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """The hex digest of a file (``algorithm``: a name or a hashlib object)."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as file:
        for chunk in iter(lambda: file.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file's sha256 or md5 digest equals ``file_hash``."""
    hasher = resolve_hasher(algorithm, file_hash)
    return str(hash_file(fpath, hasher, chunk_size)) == str(file_hash)


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar or zip archive into ``path``, skipping members that would land outside.

    Returns:
        True when the archive matched a format and was extracted, else False.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else formats
    for archive_type in formats:
        if archive_type == "tar":
            is_match, open_archive = tarfile.is_tarfile, tarfile.open
        elif archive_type == "zip":
            is_match, open_archive = zipfile.is_zipfile, zipfile.ZipFile
        else:
            raise NotImplementedError(archive_type)
        if not is_match(file_path):
            continue
        try:
            with open_archive(file_path) as archive:
                if isinstance(archive, tarfile.TarFile):
                    _extract_tar(archive, path)
                else:
                    _extract_zip(archive, path)
        except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
            if os.path.isfile(path):
                os.remove(path)
            elif os.path.isdir(path):
                shutil.rmtree(path)
            raise
        return True
    return False


def _extract_tar(archive, path):
    if hasattr(tarfile, "data_filter"):
        # Refuses absolute paths, links that leave `path`, and device files.
        archive.extractall(path, filter="data")
        return
    base = os.path.realpath(path)  # Python < 3.11.4: keep plain members inside `path`
    members = [
        member
        for member in archive.getmembers()
        if (member.isfile() or member.isdir()) and _is_inside(base, member.name)
    ]
    archive.extractall(path, members=members)


def _is_inside(base, name):
    target = os.path.realpath(os.path.join(base, name))
    return os.path.commonpath([base, target]) == base


def _extract_zip(archive, path):
    base = os.path.realpath(path)
    for member in archive.infolist():
        if not _is_inside(base, member.filename):
            warnings.warn(
                f"Skipping invalid path during archive extraction: '{member.filename}'.",
                stacklevel=3,
            )
            continue
        archive.extract(member, base)
