"""Batch inference with ort-lite on Dask: each worker process loads the model once and runs
every input it is given on that one Session.

    from dask.distributed import Client
    import dask.bag as db
    import ort_lite_dask

    client = Client("tcp://scheduler:8786")   # or Client(LocalCluster(...)) on one machine
    feeds = db.from_sequence([{"x": array} for array in arrays], npartitions=8)
    outputs = ort_lite_dask.map_model(feeds, "/shared/model.onnx", threads=1).compute()

The model path must name the same file on every worker (a shared or copied file), and the
workers must import ort_lite and ort_lite_dask (same PYTHONPATH or installed). Outputs come back
as {output name: array} dicts, in the inputs' order.
"""
import ort_lite

# One Session per (model, threads, backend) in each worker process, made on first use.
_sessions = {}


def session(model, threads=1, backend="onednn"):
    """This process's Session for the model, loaded on its first call."""
    key = (model, threads, backend)
    if key not in _sessions:
        _sessions[key] = ort_lite.Session(model, threads=threads, backend=backend)
    return _sessions[key]


def run_partition(feeds, model, threads=1, backend="onednn"):
    """Runs each {input name: array} of one partition on this worker's Session."""
    s = session(model, threads, backend)
    return [s.run(f) for f in feeds]


def map_model(feeds, model, threads=1, backend="onednn"):
    """A dask.bag of output dicts, one per input dict of the bag `feeds`."""
    return feeds.map_partitions(run_partition, model=model, threads=threads, backend=backend)
