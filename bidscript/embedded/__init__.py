"""Embedded PostgreSQL (with pgvector) and Redis for local runs and tests.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset. Both servers run as daemons under
``.data/`` and outlive the process that started them, so a second ``make run`` (or the test
suite) reuses them; ``manage.py embedded stop`` ends them. The database backend
(``bidscript.embedded.backend``) and the Redis connection factory (``bidscript.embedded.redis``)
start them on first use; ``servers`` does the work and ``paths`` says where.
"""
