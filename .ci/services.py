"""Checks that the PostgreSQL and Redis named by DATABASE_URL and REDIS_URL answer.

Prints what the tests will use; exits 1 naming what does not answer.
"""

import os
import sys
from urllib.parse import urlsplit

import psycopg
import redis


def postgres_answers(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        # The server's maintenance database: the app's own may not exist yet (pytest makes test_*).
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
        ) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error:
        return None


def redis_answers(url: str) -> str | None:
    try:
        return redis.Redis.from_url(url, socket_timeout=2).info("server")["redis_version"]
    except redis.RedisError:
        return None


def main() -> int:
    db_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    missing = []
    pg_version = postgres_answers(db_url) if db_url.startswith("postgres") else None
    if pg_version:
        print(f"Tests use PostgreSQL {pg_version} at {urlsplit(db_url).hostname}")
    else:
        missing.append(f"PostgreSQL ({db_url or 'DATABASE_URL unset'})")
    redis_version = redis_answers(redis_url) if redis_url else None
    if redis_version:
        print(f"Tests use Redis {redis_version} at {redis_url} (broker and cache)")
    else:
        missing.append(f"Redis ({redis_url or 'REDIS_URL unset'})")
    if missing:
        print("Not answering: " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
