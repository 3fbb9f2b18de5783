"""A realistic synthetic data set of the real shape, for benchmarks, load tests and tests (``zhenggai generate``).

The package writes straight into the configured database with streamed bulk inserts (``writer.py``); the
modules follow the stages of ``runner.generate``: ``units``, ``users``, ``ledger`` (plan) and
``ledger_write``, ``progress``, ``acceptance`` and ``signoff``, ``cases``, ``accountability``. Sizes are in
``scales.py``; all names and texts are invented (``texts.py``, ``themes.py``).
"""
