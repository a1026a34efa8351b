"""The bundled demo news sites and a local Airflow: what `make demo` and `make airflow` run.

Tooling around the pipeline, not part of it: nothing in broadsheet/, crawlers/ or transforms/ imports this package.
The demo sites under demo/sites/ are also the fixture sites the test suite crawls.
"""
