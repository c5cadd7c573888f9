"""ort_lite_dask on a Dask LocalCluster of worker processes over loopback: every output equals a
single-process run, and each worker loaded the model once. Prints inputs per second for 1 and 2
workers (a figure to read with `pytest -s`, not a check: the machine is shared)."""
import os
import time

import numpy as np
import pytest

import dask.bag as dask_bag
import distributed

import ort_lite
import ort_lite_dask

MODEL = os.path.join(os.environ.get("ORTL_TEST_DATA_DIR", "tests/data"), "models", "unet.onnx")


@pytest.fixture(scope="module")
def feeds():
    rng = np.random.default_rng(7)
    session = ort_lite.Session(MODEL)
    (x,) = session.inputs
    return [{x["name"]: rng.standard_normal(x["shape"]).astype(np.float32)} for _ in range(48)]


@pytest.mark.parametrize("workers", [1, 2])
def test_map_model_on_a_local_cluster_matches_one_process(feeds, workers):
    expected = [ort_lite.Session(MODEL, threads=1).run(f) for f in feeds]
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        bag = dask_bag.from_sequence(feeds, npartitions=4 * workers)
        start = time.perf_counter()
        outputs = ort_lite_dask.map_model(bag, MODEL, threads=1).compute()
        seconds = time.perf_counter() - start
        loaded = client.run(lambda: len(ort_lite_dask._sessions))
    assert len(outputs) == len(feeds)
    for got, want in zip(outputs, expected):
        assert list(got) == list(want)
        for name in want:
            np.testing.assert_array_equal(got[name], want[name])
    assert sorted(loaded.values()) == [1] * workers  # one Session per worker process
    print(f"\n{workers} worker(s): {len(feeds)} inputs in {seconds:.2f} s, "
          f"{len(feeds) / seconds:.0f} inputs/s (first call loads the model)")
