"""The shared kernel: what every app needs and no app owns (domain errors, money, formatting,
languages, rate limits, caches, private storage). It imports no app: the layers contract in
pyproject.toml checks it (see docs/architecture.md)."""
